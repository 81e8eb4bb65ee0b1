"""The server schema under Alembic, on SQLite and on a real PostgreSQL.

A fresh database reaches the newest revision and then matches the models exactly;
a database made before Alembic keeps every row and goes on serving; one upgraded by
a newer server is refused untouched; servers starting at once take turns.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from cli.main import main
from sync import protocol as p
from sync.client.worker import to_wire
from sync.server import inbox
from sync.server.db import database_url, metadata, open_engine
from sync.server.embedded import EmbeddedServer
from sync.server.migrate import (
    BASELINE,
    MIGRATIONS,
    Found,
    SchemaError,
    alembic_config,
    current,
    head,
    upgrade_to_head,
)
from tests.pgcluster import PostgresCluster
from tests.sync.conftest import bearer, sealed_application
from tests.sync.legacy_schema_v4 import create_legacy_database, legacy_metadata

DEVICE_TOKEN = "kd_" + "d" * 43
OFFICE_TOKEN = "ko_" + "o" * 43


@pytest.fixture
def other_db_url(db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A second empty database on the backend of ``db_url``."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'other.sqlite3'}"
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.new_database()


def rows_of(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as the database returns it, in a stable order."""
    engine = sa.create_engine(database_url(url))
    try:
        with engine.connect() as conn:
            return {
                name: sorted(
                    (tuple(row) for row in conn.execute(sa.text(f"SELECT * FROM {name}"))),
                    key=repr,
                )
                for name in sorted(sa.inspect(conn).get_table_names())
            }
    finally:
        engine.dispose()


def structure_of(url: str) -> dict[str, Any]:
    """What the database says its tables are: columns, keys, indexes, unique constraints."""
    engine = sa.create_engine(database_url(url))
    try:
        with engine.connect() as conn:
            found = sa.inspect(conn)
            return {
                name: {
                    "columns": [
                        (c["name"], str(c["type"]), c["nullable"], c["default"])
                        for c in found.get_columns(name)
                    ],
                    "primary key": found.get_pk_constraint(name)["constrained_columns"],
                    "indexes": sorted(
                        (i["name"], tuple(i["column_names"]), i["unique"])
                        for i in found.get_indexes(name)
                    ),
                    "unique": sorted(
                        (u["name"] or "", tuple(u["column_names"]))
                        for u in found.get_unique_constraints(name)
                    ),
                }
                for name in sorted(set(found.get_table_names()) - {"alembic_version"})
            }
    finally:
        engine.dispose()


def drift(engine: sa.Engine, models: sa.MetaData) -> list[str]:
    """What autogenerate would put into a new revision: the kinds of difference found."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, models)
    kinds: list[str] = []
    for difference in differences:  # column changes come as lists of their own
        kinds += [d[0] for d in difference] if isinstance(difference, list) else [difference[0]]
    return kinds


def with_status_feed(before: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of a schema 4 database after revision 0002: each application without a
    status key, the feed empty; everything else as it was."""
    return {**before, "applications": [(*r, None) for r in before["applications"]], "statuses": []}


# ------------------------------------------------------------ a fresh database
def test_a_fresh_database_reaches_head_and_equals_the_models(db_url: str) -> None:
    engine = open_engine(db_url)
    try:
        assert current(engine) == Found((head(),), 4)
        assert drift(engine, metadata) == []
    finally:
        engine.dispose()


def _add_column(models: sa.MetaData) -> None:
    models.tables["applications"].append_column(sa.Column("note", sa.String(20)))


def _add_table(models: sa.MetaData) -> None:
    sa.Table("notes", models, sa.Column("id", sa.Integer, primary_key=True))


def _widen_column(models: sa.MetaData) -> None:
    models.tables["devices"].c.name.type = sa.String(200)


def _drop_index(models: sa.MetaData) -> None:
    table = models.tables["applications"]
    table.indexes.remove(next(i for i in table.indexes if i.name == "applications_inbox"))


@pytest.mark.parametrize(
    ("change", "found"),
    [
        (_add_column, "add_column"),
        (_add_table, "add_table"),
        (_widen_column, "modify_type"),
        (_drop_index, "remove_index"),
    ],
    ids=["a column added", "a table added", "a column widened", "an index dropped"],
)
def test_a_model_changed_without_a_revision_is_drift(
    db_url: str, change: Callable[[sa.MetaData], None], found: str
) -> None:
    """The check above is no formality: each change a revision would be needed for shows."""
    models = sa.MetaData()
    for table in metadata.tables.values():
        table.to_metadata(models)
    change(models)
    engine = open_engine(db_url)
    try:
        assert drift(engine, models) == [found]
    finally:
        engine.dispose()


def test_the_baseline_is_schema_4_as_the_hand_made_code_created_it(
    db_url: str, other_db_url: str
) -> None:
    create_legacy_database(db_url)[0].dispose()
    engine = sa.create_engine(database_url(other_db_url))
    try:
        with engine.begin() as conn:  # the baseline alone, whatever revisions follow it
            command.upgrade(alembic_config(conn), BASELINE)
    finally:
        engine.dispose()
    assert structure_of(other_db_url) == structure_of(db_url)
    assert rows_of(other_db_url)["meta"] == [("schema", "4")]


# ------------------------------------------------------------ databases from before Alembic
def at_revision_0001(url: str) -> tuple[sa.Engine, sa.MetaData]:
    """A database Alembic brought to the baseline and no further, and its tables (those
    of schema 4, which the baseline is) to fill it."""
    engine = sa.create_engine(database_url(url))
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), BASELINE)
    return engine, legacy_metadata(4)


def fill_schema_4(
    url: str,
    office_keys: Path,
    create: Callable[[str], tuple[sa.Engine, sa.MetaData]] = create_legacy_database,
) -> dict[str, Any]:
    """A schema 4 database with what a server in service holds: a terminal with its
    token, an office token, applications (one the office filed), a conflict, a delivery
    gap, a trusted key and a published catalog. *create* makes the empty database:
    as the hand-made code did, or Alembic's baseline."""
    engine, legacy = create(url)
    t = legacy.tables
    public = (office_keys / "jobcenter.pub.pem").read_bytes()
    filed, waiting = (sealed_application("jobcenter", public) for _ in range(2))
    device_id = "6f1c2b3a-0d4e-4f5a-8b6c-7d8e9fa0b1c2"
    with engine.begin() as conn:
        conn.execute(sa.insert(t["meta"]).values(key="staff_pepper", value="ab" * 32))
        conn.execute(
            sa.insert(t["devices"]).values(
                id=device_id,
                name="migrado-eg-1",
                created_at=1.0,
                enrolled_at=2.0,
                last_seen_at=3.0,
                catalog_version="demo 7",
                outbox={"pending": 1, "done": 40},
                last_sync_at=3.0,
                app_version="1.4.0",
            )
        )
        conn.execute(
            sa.insert(t["credentials"]),
            [
                {"token_hash": hashlib.sha256(token.encode()).hexdigest(), "role": role}
                | {"subject": subject, "created_at": 2.0}
                for token, role, subject in (
                    (DEVICE_TOKEN, "device", device_id),
                    (OFFICE_TOKEN, "office", "jobcenter"),
                )
            ],
        )
        conn.execute(
            sa.insert(t["applications"]),
            [
                {
                    "id": item.id,
                    "sha256": item.payload_sha256,
                    "reference": item.reference,
                    "form_id": item.form_id,
                    "form_version": item.form_version,
                    "office": item.office,
                    "application_date": item.application_date,
                    "device_id": device_id,
                    "received_at": 10.0,
                    "size": len(item.payload or ""),
                    "payload": item.payload,
                    "acknowledged_at": acknowledged,
                }
                for item, acknowledged in ((filed, 20.0), (waiting, None))
            ],
        )
        conn.execute(
            sa.insert(t["conflicts"]).values(
                application_id=waiting.id,
                sha256="f" * 64,
                device_id=device_id,
                received_at=11.0,
                payload="x.y.z.v.w",
            )
        )
        conn.execute(
            sa.insert(t["delivery_gaps"]).values(device_id=device_id, found_at=12.0, missing=3)
        )
        conn.execute(
            sa.insert(t["signing_keys"]).values(
                key_id="0123456789abcdef", public_key="-----BEGIN PUBLIC KEY-----", added_at=1.0
            )
        )
        conn.execute(
            sa.insert(t["published_catalogs"]).values(
                deployment="demo",
                version=7,
                etag="e" * 64,
                catalog_hash="sha256:" + "c" * 64,
                key_id="0123456789abcdef",
                published_by="admin",
                published_at=5.0,
                size=2,
                body=b"{}",
            )
        )
    engine.dispose()
    return {"filed": filed, "waiting": waiting}


def test_a_schema_4_database_with_rows_keeps_them_all_and_goes_on_serving(
    db_url: str, office_keys: Path
) -> None:
    held = fill_schema_4(db_url, office_keys)
    before = rows_of(db_url)
    engine = open_engine(db_url)
    try:
        assert current(engine) == Found((head(),), 4)
        after = rows_of(db_url)
        assert after.pop("alembic_version") == [(head(),)]
        assert after == with_status_feed(before)
        assert drift(engine, metadata) == []

        public = (office_keys / "jobcenter.pub.pem").read_bytes()
        new = sealed_application("jobcenter", public)
        with (
            EmbeddedServer(engine) as server,
            httpx.Client(base_url=f"{server.url}{p.API}", timeout=30) as client,
        ):
            batch = [to_wire(i).model_dump(mode="json") for i in (held["waiting"], new)]
            sent = client.post(
                "/applications/batch", json={"items": batch}, headers=bearer(DEVICE_TOKEN)
            )
            assert [r["status"] for r in sent.json()["results"]] == ["duplicate", "accepted"]
            ids = [held["filed"].id, held["waiting"].id]
            delivery = client.post(
                "/applications/delivery", json={"ids": ids}, headers=bearer(DEVICE_TOKEN)
            )
            assert [r["status"] for r in delivery.json()["results"]] == ["at_office", "stored"]
            listed = client.get("/inbox/applications", headers=bearer(OFFICE_TOKEN)).json()
            assert {a["id"] for a in listed["applications"]} == {held["waiting"].id, new.id}
            quarantined = [{"id": new.id, "reason": "unreadable"}]
            taken = client.post(
                "/inbox/acknowledgements",
                json={"ids": [held["waiting"].id], "quarantined": quarantined},
                headers=bearer(OFFICE_TOKEN),
            )
            assert taken.status_code == 200, taken.text
        assert inbox.quarantined_counts(engine) == {"jobcenter": 1}
    finally:
        engine.dispose()


def test_a_schema_3_database_gains_the_quarantine_column_and_keeps_its_rows(
    db_url: str, office_keys: Path
) -> None:
    engine, legacy = create_legacy_database(db_url, schema=3)
    item = sealed_application("jobcenter", (office_keys / "jobcenter.pub.pem").read_bytes())
    row = to_wire(item).model_dump(mode="json")
    row = {k: v for k, v in row.items() if k in legacy.tables["applications"].c}
    with engine.begin() as conn:
        conn.execute(
            sa.insert(legacy.tables["applications"]).values(
                **row, device_id="d", received_at=1.0, size=len(item.payload or "")
            )
        )
    engine.dispose()
    before = rows_of(db_url)["applications"]

    engine = open_engine(db_url)
    try:
        assert current(engine) == Found((head(),), 4)
        assert drift(engine, metadata) == []
        assert rows_of(db_url)["applications"] == [(*r, None, None) for r in before]
        taken, unknown = inbox.acknowledge(
            engine, "jobcenter", [], now=2.0, quarantined={item.id: "not JSON"}
        )
        assert (taken, unknown) == ([item.id], [])
        assert inbox.quarantined_counts(engine) == {"jobcenter": 1}
    finally:
        engine.dispose()


# ------------------------------------------------------------ revision 0002: the status feed
def test_a_database_at_0001_with_rows_gains_the_status_feed_and_keeps_them(
    db_url: str, office_keys: Path
) -> None:
    held = fill_schema_4(db_url, office_keys, create=at_revision_0001)
    before = rows_of(db_url)
    assert before.pop("alembic_version") == [(BASELINE,)]
    engine = open_engine(db_url)
    try:
        assert current(engine) == Found(("0002",), 4)
        after = rows_of(db_url)
        assert after.pop("alembic_version") == [("0002",)]
        assert after == with_status_feed(before)
        assert drift(engine, metadata) == []

        # the applications from before have no key: filing them shows nothing; a new one
        # with a key is received on the day its office files it
        public = (office_keys / "jobcenter.pub.pem").read_bytes()
        keyed = replace(sealed_application("jobcenter", public), status_key="5" * 64)
        with (
            EmbeddedServer(engine) as server,
            httpx.Client(base_url=f"{server.url}{p.API}", timeout=30) as client,
        ):
            sent = client.post(
                "/applications/batch",
                json={"items": [to_wire(keyed).model_dump(mode="json")]},
                headers=bearer(DEVICE_TOKEN),
            )
            assert [r["status"] for r in sent.json()["results"]] == ["accepted"]
            taken = client.post(
                "/inbox/acknowledgements",
                json={"ids": [held["waiting"].id, keyed.id]},
                headers=bearer(OFFICE_TOKEN),
            )
            assert taken.json()["acknowledged"] == [held["waiting"].id, keyed.id]
            feed = client.get("/status", headers=bearer(DEVICE_TOKEN)).json()
        assert [(i["key"], i["status"]) for i in feed["items"]] == [("5" * 64, "received")]
    finally:
        engine.dispose()


# ------------------------------------------------------------ a database of a newer server
def _newer_revision(url: str) -> None:
    open_engine(url).dispose()
    engine = sa.create_engine(database_url(url))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0999'"))
    engine.dispose()


def _newer_hand_made_schema(url: str) -> None:
    engine, legacy = create_legacy_database(url)
    with engine.begin() as conn:
        conn.execute(sa.update(legacy.tables["meta"]).values(value="5"))
    engine.dispose()


def _newer_schema_number(url: str) -> None:
    """What a revision does that servers from before Alembic must not run on."""
    open_engine(url).dispose()
    engine = sa.create_engine(database_url(url))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE meta SET value = '5' WHERE key = 'schema'"))
    engine.dispose()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            _newer_revision,
            "the server database is at schema revision 0999, which this server does not "
            "know (its newest is {head}): a newer server has upgraded it; update the "
            "server (the database was left as it was)",
        ),
        (
            _newer_hand_made_schema,
            "the server database has schema 5; this server knows up to 4: update the server",
        ),
        (
            _newer_schema_number,
            "the server database has schema 5; this server knows up to 4: update the server",
        ),
    ],
    ids=[
        "an Alembic revision it does not have",
        "a hand-made schema above 4",
        "a known revision but a schema number above 4",
    ],
)
def test_a_database_of_a_newer_server_is_refused_and_left_untouched(
    db_url: str,
    make: Callable[[str], None],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make(db_url)
    before = rows_of(db_url)
    message = message.format(head=head())
    with pytest.raises(SchemaError) as refused:
        open_engine(db_url)
    assert str(refused.value) == message
    home = ["--home", str(tmp_path / "home"), "--db", db_url]
    capsys.readouterr()
    assert main(["server", "serve", *home]) == 1  # the server does not start
    assert main(["server", "migrate", *home]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"cannot open the server database: {message}",
        f"cannot upgrade the server database: {message}",
    ]
    assert rows_of(db_url) == before


NEXT_REVISION = '''"""Terminals report their printer: a revision after the baseline."""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("printer", sa.String(100)))
'''


@pytest.fixture
def newer_server(tmp_path: Path) -> Path:
    """The revisions of a newer server: this one's and one more."""
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "rev0003_terminals_report_their_printer.py").write_text(NEXT_REVISION)
    return folder


def test_a_later_revision_runs_after_the_stamp_and_this_server_then_refuses(
    db_url: str, office_keys: Path, newer_server: Path
) -> None:
    fill_schema_4(db_url, office_keys)
    before = rows_of(db_url)
    engine = open_engine(db_url, upgrade=False)
    try:
        done = upgrade_to_head(engine, newer_server)
        assert (done.before, done.after) == (Found((), 4), Found(("0003",), 4))
    finally:
        engine.dispose()
    after = rows_of(db_url)
    assert after.pop("alembic_version") == [("0003",)]
    assert after.pop("devices") == [(*row, None) for row in before.pop("devices")]
    assert after == with_status_feed(before)
    with pytest.raises(SchemaError, match="at schema revision 0003, which this server does not"):
        open_engine(db_url)


# ------------------------------------------------------------ servers starting at once
def test_servers_starting_at_once_on_one_new_database_take_turns(db_url: str) -> None:
    starts = 4
    ready = threading.Barrier(starts)
    failures: list[BaseException] = []

    def start() -> None:
        ready.wait()
        try:
            open_engine(db_url).dispose()
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=start) for _ in range(starts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    found = rows_of(db_url)
    assert (found["alembic_version"], found["meta"]) == ([(head(),)], [("schema", "4")])


# ------------------------------------------------------------ kiosk server migrate
def test_migrate_upgrades_and_tells_from_what_to_what(
    db_url: str, office_keys: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill_schema_4(db_url, office_keys)
    home = ["--home", str(tmp_path / "home"), "--db", db_url]
    assert main(["server", "migrate", *home]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "before: schema 4 (before Alembic)",
        f"after:  revision {head()} (the newest this server knows)",
    ]
    assert main(["server", "migrate", *home]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"before: revision {head()}",
        f"after:  revision {head()} (the newest this server knows)",
    ]
    assert main(["server", "status", *home]) == 0  # the other commands open it as before
    assert "migrado-eg-1" in capsys.readouterr().out


def test_an_upgrade_of_an_empty_database_reports_both_ends(db_url: str) -> None:
    engine = open_engine(db_url, upgrade=False)
    try:
        assert current(engine) == Found((), None)
        done = upgrade_to_head(engine)
        assert (done.before, done.after) == (Found((), None), Found((head(),), 4))
        assert upgrade_to_head(engine).before == done.after
    finally:
        engine.dispose()
