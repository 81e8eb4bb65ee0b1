"""The admin keys whose signatures the server accepts on catalog bundles.

Only public keys are stored. Trusting and distrusting a key is done on the server
machine (``kiosk server trust-key``), not over the API: an admin token that leaked
must not be able to add a key of its own and publish what it signed.
A distrusted key stays in the table with the time it was distrusted, so the
versions it signed can still be traced to it.
"""

from __future__ import annotations

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.engine import Engine

from kiosk.crypto.signing import key_id, load_public_key, public_key_pem
from sync.server.db import signing_keys


def trust_key(engine: Engine, public_key: Ed25519PublicKey, *, now: float) -> tuple[str, bool]:
    """(key id, whether anything changed): a new key is added, a distrusted one trusted again."""
    kid = key_id(public_key)
    pem = public_key_pem(public_key).decode()
    with engine.begin() as conn:
        row = conn.execute(sa.select(signing_keys).where(signing_keys.c.key_id == kid)).first()
        if row is None:
            conn.execute(sa.insert(signing_keys).values(key_id=kid, public_key=pem, added_at=now))
            return kid, True
        if row.revoked_at is not None:
            conn.execute(
                sa.update(signing_keys)
                .where(signing_keys.c.key_id == kid)
                .values(revoked_at=None, added_at=now)
            )
            return kid, True
    return kid, False


def distrust_key(engine: Engine, kid: str, *, now: float) -> bool:
    """False if no trusted key has this id."""
    with engine.begin() as conn:
        done = conn.execute(
            sa.update(signing_keys)
            .where(signing_keys.c.key_id == kid, signing_keys.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    return bool(done.rowcount)


def trusted_keys(engine: Engine) -> dict[str, Ed25519PublicKey]:
    """The keys a bundle may be signed with now, by key id."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(signing_keys.c.public_key).where(signing_keys.c.revoked_at.is_(None))
        ).all()
    keys = [load_public_key(row.public_key.encode()) for row in rows]
    return {key_id(k): k for k in keys}
