"""The catalog bundle the server hands to terminals.

Signing and publishing belong to the admin tools; the server only keeps the
bundles it was given and serves the newest, with its SHA-256 as the ETag so a
terminal that already has it gets a 304 and no body.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.server.db import catalog_bundles


@dataclass(frozen=True)
class Bundle:
    version: str
    etag: str
    body: bytes


def put_bundle(engine: Engine, body: bytes, version: str, *, now: float) -> Bundle:
    etag = hashlib.sha256(body).hexdigest()
    with engine.begin() as conn:
        known = conn.execute(
            sa.select(catalog_bundles.c.seq).where(catalog_bundles.c.etag == etag)
        ).first()
        if known is None:
            conn.execute(
                sa.insert(catalog_bundles).values(
                    version=version, etag=etag, body=body, published_at=now
                )
            )
    return Bundle(version=version, etag=etag, body=body)


def current_bundle(engine: Engine) -> Bundle | None:
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(catalog_bundles).order_by(catalog_bundles.c.seq.desc()).limit(1)
        ).first()
    return Bundle(version=row.version, etag=row.etag, body=row.body) if row else None
