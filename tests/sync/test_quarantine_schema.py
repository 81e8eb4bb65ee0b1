"""A server database of schema 3 gets the quarantine column, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from sync.server import inbox
from sync.server.db import SCHEMA_VERSION, meta, open_engine
from tests.sync.legacy_schema_v4 import create_legacy_database


def test_a_schema_3_database_gains_the_column_and_keeps_its_applications(db_url: str) -> None:
    # as a server of schema 3 made it (before Alembic, before the quarantine column)
    legacy, tables = create_legacy_database(db_url, schema=3)
    application_id = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
    with legacy.begin() as conn:
        conn.execute(
            sa.insert(tables.tables["applications"]).values(
                id=application_id,
                sha256="0" * 64,
                reference="MD-7K3Q-9XPF-H",
                form_id="buergergeld",
                form_version=1,
                office="jobcenter",
                application_date="2026-11-21",
                device_id="d",
                received_at=1.0,
                size=10,
                payload="a.b.c.d.e",
            )
        )
    legacy.dispose()

    for _ in range(2):  # the second start finds everything in place
        engine = open_engine(db_url)
        with engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("applications")}
            schema = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema")).scalar()
        assert "quarantine_reason" in columns and schema == str(SCHEMA_VERSION) == "4"
        engine.dispose()

    engine = open_engine(db_url)
    try:
        taken, unknown = inbox.acknowledge(
            engine, "jobcenter", [], now=2.0, quarantined={application_id: "not JSON"}
        )
        assert (taken, unknown) == ([application_id], [])
        assert inbox.quarantined_counts(engine) == {"jobcenter": 1}
    finally:
        engine.dispose()
