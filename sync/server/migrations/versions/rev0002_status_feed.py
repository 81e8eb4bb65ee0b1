"""Status back to the visitor: ``applications.status_key`` and the ``statuses`` feed.

An application may carry the key its receipt's secret opens; the statuses its office
sets (``received`` at the acknowledgement, others through ``POST /office/status``) are
kept one per application in ``statuses``, numbered in the order they were set, which
terminals read as a feed. Both are new, so rows already there stay as they are: their
applications carry no key and never appear in the feed.

Servers from before this revision still work on the database (the column is nullable,
the table unused by them), so ``meta.schema`` stays 4.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("applications", sa.Column("status_key", sa.String(64)))
    op.create_table(
        "statuses",
        sa.Column("application_id", sa.String(36), primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("office", sa.String(63), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_on", sa.String(10), nullable=False),
        sa.Column("set_at", sa.Float, nullable=False),
    )
    op.create_index("statuses_feed", "statuses", ["seq"], unique=True)


def downgrade() -> None:
    raise NotImplementedError("the server never goes back a schema: restore the backup instead")
