"""Bring the server database to the schema this server knows: Alembic, under one lock.

Every server start runs ``upgrade_to_head`` (through ``db.open_engine``), and so does
``kiosk server migrate``. The work happens in one transaction that holds a lock, so
two servers starting on one database take turns: the first upgrades, the second
finds the head in place. A revision that fails leaves the database as it was
(PostgreSQL and SQLite both roll DDL back).

What the database holds decides what is done:

- an Alembic revision this server has: the revisions after it run;
- a revision it does not have (a newer server upgraded it): refused, nothing changed,
  the server does not start; it never downgrades;
- no Alembic revision but the hand-made marker ``meta.schema``: 4 is stamped at the
  baseline; 1 to 3 run the baseline, which adds only what they lack;
- nothing at all: the baseline creates schema 4, then the later revisions run;
- a ``meta.schema`` above ``SCHEMA_VERSION``, with or without a revision: refused too.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

# the revisions, beside this module in a checkout, an installed package and the bundle
MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001"
# ``meta.schema`` was counted by hand up to 4, the schema the baseline stands for
BASELINE_SCHEMA = 4
# the highest ``meta.schema`` this server's revisions write: a revision raises it (here
# and in the table) when servers from before Alembic, which read only this number, must
# refuse the database; any server refuses a number above its own
SCHEMA_VERSION = 4
# PostgreSQL's advisory lock for upgrades, per database: the bytes of "kioskmig"
_LOCK_KEY = 0x6B696F736B6D6967


class SchemaError(RuntimeError):
    """The database was made by a newer server; it was left untouched."""


@dataclass(frozen=True)
class Found:
    """What a database says about its schema."""

    revisions: tuple[str, ...]  # Alembic's heads; empty before Alembic
    hand_made: int | None  # ``meta.schema`` of the hand-made code, where there is one

    def describe(self) -> str:
        if self.revisions:
            return "revision " + ", ".join(self.revisions)
        if self.hand_made is not None:
            return f"schema {self.hand_made} (before Alembic)"
        return "empty"


@dataclass(frozen=True)
class Upgrade:
    """The schema before and after, for ``kiosk server migrate`` to tell."""

    before: Found
    after: Found


def alembic_config(
    connection: sa.Connection | None = None, migrations: Path = MIGRATIONS
) -> Config:
    """Alembic's configuration, made in code: no ``alembic.ini``, neither in a checkout
    nor in the PyInstaller bundle. Alembic runs its revisions on *connection*."""
    config = Config()
    config.set_main_option("script_location", str(migrations))
    # a module name may not start with a digit; the bundle collects revisions as modules
    config.set_main_option("file_template", "rev%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts(migrations: Path) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(migrations=migrations))


def head(migrations: Path = MIGRATIONS) -> str:
    """The newest revision this server has."""
    newest = _scripts(migrations).get_current_head()
    if newest is None:
        raise RuntimeError(f"no revisions in {migrations}")
    return newest


def inspect_schema(conn: sa.Connection) -> Found:
    revisions = tuple(sorted(MigrationContext.configure(conn).get_current_heads()))
    hand_made = None
    if sa.inspect(conn).has_table("meta"):
        value = conn.execute(sa.text("SELECT value FROM meta WHERE key = 'schema'")).scalar()
        if value is not None:
            try:
                hand_made = int(value)
            except ValueError:
                raise SchemaError(
                    f"the server database's schema is {value!r}, not a number"
                ) from None
    return Found(revisions, hand_made)


def current(engine: Engine) -> Found:
    with engine.connect() as conn:
        return inspect_schema(conn)


def _refusal(found: Found, migrations: Path) -> str | None:
    known = {script.revision for script in _scripts(migrations).walk_revisions()}
    unknown = [revision for revision in found.revisions if revision not in known]
    if unknown:
        return (
            f"the server database is at schema revision {', '.join(unknown)}, which this "
            f"server does not know (its newest is {head(migrations)}): a newer server has "
            "upgraded it; update the server (the database was left as it was)"
        )
    if (found.hand_made or 0) > SCHEMA_VERSION:
        return (
            f"the server database has schema {found.hand_made}; this server knows up to "
            f"{SCHEMA_VERSION}: update the server"
        )
    return None


def upgrade_to_head(engine: Engine, migrations: Path = MIGRATIONS) -> Upgrade:
    """Run what is missing up to ``head()``; raise SchemaError for a newer database.

    *migrations* is another folder of revisions only in tests, which play a server
    with a revision more than this one."""
    before = current(engine)  # without the lock: nearly every start finds the head
    if before.revisions == (head(migrations),) and _refusal(before, migrations) is None:
        return Upgrade(before, before)
    with _locked(engine) as conn:
        before = inspect_schema(conn)  # again: another server may have upgraded meanwhile
        refusal = _refusal(before, migrations)
        if refusal is not None:
            raise SchemaError(refusal)
        config = alembic_config(conn, migrations)
        if not before.revisions and before.hand_made == BASELINE_SCHEMA:
            command.stamp(config, BASELINE)
        command.upgrade(config, "head")
        return Upgrade(before, inspect_schema(conn))


@contextmanager
def _locked(engine: Engine) -> Iterator[sa.Connection]:
    """One transaction that no other upgrade runs beside. PostgreSQL: an advisory lock,
    released at commit or rollback. SQLite: the write lock, taken at ``BEGIN IMMEDIATE``
    (pysqlite itself would begin a transaction only at the first INSERT, so every
    ``CREATE`` before it would commit on its own)."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield conn
