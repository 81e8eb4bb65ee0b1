"""Published catalog bundles: what admins upload and terminals download.

The server checks a bundle exactly as a terminal will (signature by a key trusted
here, layout, catalog against its hash, a usable sealing key for every office), so a
bundle that terminals would refuse never reaches them, and the admin hears the reason
(``missing_office_key`` and the offices it is missing for, say) at once instead of
finding terminals out of service. It then keeps every version: terminals get the highest, and an
admin can see what was published when, by whom and signed with which key.

A server serves one deployment, fixed by the first bundle published to it, and
only ever higher versions of it: terminals refuse older versions, so serving one
would leave them stuck on what they have.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from kiosk.catalog.refusal import BundleRefusedError
from sync.server.db import published_catalogs
from sync.server.signing_keys import trusted_keys

#: Any number, the same in every server process: serialises publishing on PostgreSQL.
_PUBLISH_LOCK = 0x6B696F736B

_COLUMNS = [c for c in published_catalogs.c if c.name != "body"]


@dataclass(frozen=True)
class Published:
    seq: int
    deployment: str
    version: int
    etag: str
    catalog_hash: str
    key_id: str
    published_by: str
    published_at: float
    size: int

    def listing(self) -> dict[str, object]:
        """What an admin's list shows of it (the server's own sequence number aside)."""
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "seq"}


def _published(row: sa.Row[tuple[object, ...]]) -> Published:
    return Published(
        seq=row.seq,
        deployment=row.deployment,
        version=row.version,
        etag=row.etag,
        catalog_hash=row.catalog_hash,
        key_id=row.key_id,
        published_by=row.published_by,
        published_at=row.published_at,
        size=row.size,
    )


def newest(engine: Engine) -> Published | None:
    """The version terminals get; without its body, which a 304 does not need."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(*_COLUMNS).order_by(published_catalogs.c.version.desc()).limit(1)
        ).first()
    return _published(row) if row else None


def body(engine: Engine, seq: int) -> bytes | None:
    with engine.connect() as conn:
        data = conn.execute(
            sa.select(published_catalogs.c.body).where(published_catalogs.c.seq == seq)
        ).scalar()
    return bytes(data) if data is not None else None


def versions(engine: Engine) -> list[Published]:
    """Every published version, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(*_COLUMNS).order_by(published_catalogs.c.version.desc())
        ).all()
    return [_published(r) for r in rows]


def _refuse_unless_newest(conn: sa.Connection, deployment: str, version: int) -> None:
    """Inside the publishing transaction, after the insert: nothing else may beat it."""
    for other, highest in conn.execute(
        sa.select(
            published_catalogs.c.deployment, sa.func.max(published_catalogs.c.version)
        ).group_by(published_catalogs.c.deployment)
    ).all():
        if other != deployment:
            raise BundleRefusedError(
                "wrong_deployment",
                f"this server serves deployment '{other}', the bundle is for '{deployment}'",
            )
        if highest != version:
            raise BundleRefusedError(
                "not_newer",
                f"version {highest} was published meanwhile; publish a higher version",
            )


def publish(engine: Engine, data: bytes, *, admin: str, now: float) -> Published:
    """Check *data* like a terminal would and store it as the newest version.

    :class:`BundleRefusedError` if it is not signed by a trusted key, is damaged, leaves
    an office without a sealing key, is for another deployment or is not newer than what
    is published.
    """
    # checking the catalog inside needs the form engine; loaded here, on the first
    # publication, so a server that only takes applications never loads it
    from kiosk.catalog.bundle import verify_bundle

    keys = trusted_keys(engine)
    current = newest(engine)
    try:
        verified = verify_bundle(
            data,
            keys,
            deployment=current.deployment if current else None,
            newer_than=current.version if current else None,
        )
    except BundleRefusedError as exc:
        if not keys and exc.reason == "unknown_key":
            raise BundleRefusedError(
                "unknown_key",
                f"{exc}; no admin key is trusted on this server yet "
                "(on the server: kiosk server trust-key PUBFILE)",
            ) from None
        raise
    manifest = verified.manifest
    row = Published(
        seq=0,
        deployment=manifest.deployment,
        version=manifest.version,
        etag=hashlib.sha256(data).hexdigest(),
        catalog_hash=manifest.catalog_hash,
        key_id=verified.key_id,
        published_by=admin,
        published_at=now,
        size=len(data),
    )
    values = dataclasses.asdict(row)
    del values["seq"]
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PUBLISH_LOCK)))
            # on SQLite the insert comes first: it takes the write lock, so the check
            # below reads what every earlier publisher committed
            seq = conn.execute(
                sa.insert(published_catalogs).values(**values, body=data)
            ).inserted_primary_key
            _refuse_unless_newest(conn, manifest.deployment, manifest.version)
    except IntegrityError:
        raise BundleRefusedError(
            "not_newer", f"version {manifest.version} has been published already"
        ) from None
    assert seq is not None
    return dataclasses.replace(row, seq=int(seq[0]))
