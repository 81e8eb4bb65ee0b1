"""Who may talk to the server: enrolment, device, office and admin tokens.

Tokens are 256 random bits with a readable prefix (so a leaked one is
recognisable in a paste or a log). Only their SHA-256 is stored; a lookup by
that hash cannot be steered by timing, and the final comparison is made with
``hmac.compare_digest`` all the same. With 256 bits of entropy a plain hash is
enough: there is nothing to guess for a slow hash to protect.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.server.db import credentials, devices, meta
from sync.server.text import is_clean

Role = Literal["enrolment", "device", "office", "admin"]
PREFIX: dict[Role, str] = {"enrolment": "ke_", "device": "kd_", "office": "ko_", "admin": "ka_"}
ENROLMENT_TTL = 24 * 3600

Clock = Callable[[], float]
# what any token this server issued looks like (the protocol's Token shape): anything
# else is refused without asking the database
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{10,200}")


def looks_like_token(token: str) -> bool:
    return TOKEN_SHAPE.fullmatch(token) is not None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(role: Role) -> str:
    return PREFIX[role] + secrets.token_urlsafe(32)


class AuthError(Exception):
    """A token that is unknown, used, expired or revoked; ``code`` goes to the client."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Principal:
    role: Role
    subject: str


def _store_credential(
    conn: sa.Connection, token: str, role: Role, subject: str, now: float, expires: float | None
) -> None:
    conn.execute(
        sa.insert(credentials).values(
            token_hash=token_hash(token),
            role=role,
            subject=subject,
            created_at=now,
            expires_at=expires,
        )
    )


def _revoke_all(conn: sa.Connection, role: Role, subject: str, now: float) -> int:
    result = conn.execute(
        sa.update(credentials)
        .where(
            credentials.c.role == role,
            credentials.c.subject == subject,
            credentials.c.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    return int(result.rowcount)


def issue_enrolment(engine: Engine, name: str, *, clock: Clock = time.time) -> str:
    """A one-time token for the terminal called *name* (new, or replacing its hardware)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("a terminal name needs 1 to 100 characters")
    if not is_clean(name):  # names end up in admins' shells and in logs
        raise ValueError("a terminal name cannot hold control characters")
    now = clock()
    token = new_token("enrolment")
    with engine.begin() as conn:
        row = conn.execute(sa.select(devices.c.id).where(devices.c.name == name)).first()
        if row is None:
            device_id = str(uuid.uuid4())
            conn.execute(sa.insert(devices).values(id=device_id, name=name, created_at=now))
        else:
            device_id = row.id
            conn.execute(
                sa.update(devices).where(devices.c.id == device_id).values(revoked_at=None)
            )
        _revoke_all(conn, "enrolment", device_id, now)
        _store_credential(conn, token, "enrolment", device_id, now, now + ENROLMENT_TTL)
    return token


STAFF_PEPPER_KEY = "staff_pepper"


def staff_pepper(engine: Engine) -> str:
    """The deployment's staff pepper (hex), made on first use; see kiosk.staff.pepper.

    Kept in the server's database beside the device credentials it is handed out with;
    an insert that loses a race to another worker reads the winner's value.
    """
    with engine.begin() as conn:
        found = conn.execute(sa.select(meta.c.value).where(meta.c.key == STAFF_PEPPER_KEY)).scalar()
        if found is not None:
            return str(found)
    with contextlib.suppress(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.insert(meta).values(key=STAFF_PEPPER_KEY, value=secrets.token_hex(32)))
    with engine.begin() as conn:
        return str(
            conn.execute(sa.select(meta.c.value).where(meta.c.key == STAFF_PEPPER_KEY)).scalar_one()
        )


def enrol(engine: Engine, token: str, *, clock: Clock = time.time) -> tuple[str, str, str]:
    """Trade a one-time enrolment token for a device token: (device id, name, token).

    Enrolling again replaces the terminal's earlier device token, so a stolen old
    disk stops working once the new hardware is enrolled.
    """
    now = clock()
    with engine.begin() as conn:
        principal = _lookup(conn, token, now)
        if principal.role != "enrolment":
            raise AuthError("not_an_enrolment_token", "this is not an enrolment token")
        used = conn.execute(
            sa.update(credentials)
            .where(credentials.c.token_hash == token_hash(token), credentials.c.used_at.is_(None))
            .values(used_at=now)
        )
        if used.rowcount != 1:
            raise AuthError("token_used", "this enrolment token has already been used")
        device_id = principal.subject
        _revoke_all(conn, "device", device_id, now)
        device_token = new_token("device")
        _store_credential(conn, device_token, "device", device_id, now, None)
        conn.execute(
            sa.update(devices)
            .where(devices.c.id == device_id)
            .values(enrolled_at=now, revoked_at=None)
        )
        name = conn.execute(sa.select(devices.c.name).where(devices.c.id == device_id)).scalar_one()
    return device_id, str(name), device_token


def revoke_device(engine: Engine, name: str, *, clock: Clock = time.time) -> bool:
    now = clock()
    with engine.begin() as conn:
        device_id = conn.execute(sa.select(devices.c.id).where(devices.c.name == name)).scalar()
        if device_id is None:
            return False
        _revoke_all(conn, "device", device_id, now)
        _revoke_all(conn, "enrolment", device_id, now)
        conn.execute(sa.update(devices).where(devices.c.id == device_id).values(revoked_at=now))
    return True


def issue_token(
    engine: Engine,
    role: Literal["office", "admin"],
    subject: str,
    *,
    revoke_old: bool = False,
    clock: Clock = time.time,
) -> str:
    now = clock()
    token = new_token(role)
    with engine.begin() as conn:
        if revoke_old:
            _revoke_all(conn, role, subject, now)
        _store_credential(conn, token, role, subject, now, None)
    return token


def _lookup(conn: sa.Connection, token: str, now: float) -> Principal:
    digest = token_hash(token)
    row = conn.execute(sa.select(credentials).where(credentials.c.token_hash == digest)).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        raise AuthError("unknown_token", "the token is not known to this server")
    if row.revoked_at is not None:
        raise AuthError("revoked", "the token has been revoked")
    if row.expires_at is not None and row.expires_at < now:
        raise AuthError("expired", "the token has expired")
    return Principal(role=row.role, subject=row.subject)


def authenticate(engine: Engine, token: str, *, clock: Clock = time.time) -> Principal:
    """The principal of *token*, or :class:`AuthError`. One indexed read; a token of the
    wrong shape costs no database work at all."""
    if not looks_like_token(token):
        raise AuthError("unknown_token", "the token is not known to this server")
    with engine.connect() as conn:
        return _lookup(conn, token, clock())
