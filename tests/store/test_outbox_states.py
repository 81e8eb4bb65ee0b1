"""The outbox's states: the enum keeps exactly the strings databases and status hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.store import Store, StoreError
from kiosk.store.outbox import OutboxItem, OutboxState


def item(reference: str, state: OutboxState) -> OutboxItem:
    return OutboxItem(
        id=f"id-{reference}",
        reference=reference,
        form_id="wbs",
        form_version=1,
        office="wohnungsamt",
        application_date="2026-11-21",
        created_at=1.0,
        payload="eyJ...sealed",
        payload_sha256="0" * 64,
        state=state,
    )


@pytest.mark.parametrize(
    ("state", "stored"),
    [
        (OutboxState.PENDING, "pending"),
        (OutboxState.SENDING, "sending"),
        (OutboxState.DONE, "done"),
        (OutboxState.CONFLICT, "conflict"),
        (OutboxState.REJECTED, "rejected"),
    ],
)
def test_each_state_is_stored_as_the_string_earlier_versions_wrote(
    tmp_path: Path, state: OutboxState, stored: str
) -> None:
    store = Store(tmp_path / "k.sqlite3")
    store.outbox.add(item("MD-1", state), remove_draft=None)
    column = store.db.execute("SELECT state FROM outbox").fetchone()[0]
    assert type(column) is str and column == stored
    found = store.outbox.get("MD-1")
    assert found is not None and found.state is state
    assert [one.state for one in store.outbox.in_state(state)] == [state]


def test_a_row_an_earlier_version_wrote_reads_back_as_its_state(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.sqlite3")
    store.outbox.add(item("MD-1", OutboxState.PENDING), remove_draft=None)
    store.db.execute("UPDATE outbox SET state = 'conflict'")
    store.db.conn.commit()
    found = store.outbox.get("MD-1")
    assert found is not None and found.state is OutboxState.CONFLICT
    assert store.outbox.retry("MD-1")
    assert store.outbox.take_batch(10, 1 << 20)[0].state is OutboxState.SENDING


def test_at_office_is_only_counted_never_stored(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.sqlite3")
    with pytest.raises(StoreError):  # the schema admits the five stored states only
        store.outbox.add(item("MD-1", OutboxState.AT_OFFICE), remove_draft=None)
    store.outbox.add(item("MD-2", OutboxState.PENDING), remove_draft=None)
    sent = [one.id for one in store.outbox.take_batch(10, 1 << 20)]
    store.outbox.settle({sent[0]: ("accepted", None)}, sent=sent, now=5.0)
    store.outbox.at_office({sent[0]: 6.0})
    assert store.outbox.counts_by_state() == {OutboxState.AT_OFFICE: 1}
    assert json.dumps(store.outbox.counts_by_state()) == '{"at_office": 1}'


@pytest.mark.parametrize(
    ("answer", "state", "error"),
    [
        ("accepted", OutboxState.DONE, None),
        ("duplicate", OutboxState.DONE, None),
        ("conflict", OutboxState.CONFLICT, "conflict"),
        ("rejected", OutboxState.REJECTED, "rejected"),
        (None, OutboxState.PENDING, "the server did not answer for this item"),
    ],
)
def test_the_servers_answer_settles_a_sent_item(
    tmp_path: Path, answer: str | None, state: OutboxState, error: str | None
) -> None:
    store = Store(tmp_path / "k.sqlite3")
    store.outbox.add(item("MD-1", OutboxState.PENDING), remove_draft=None)
    sent = [one.id for one in store.outbox.take_batch(10, 1 << 20)]
    outcomes = {} if answer is None else {sent[0]: (answer, None)}
    store.outbox.settle(outcomes, sent=sent, now=5.0)
    found = store.outbox.get("MD-1")
    assert found is not None
    assert (found.state, found.last_error, found.attempts) == (state, error, 1)


def test_the_outbox_columns_are_read_in_the_order_of_the_items_fields() -> None:
    """Rows become items by position: the SELECT list must name the fields in order."""
    import dataclasses

    from kiosk.store.outbox import _OUTBOX_COLUMNS, OutboxItem

    columns = [c.strip().split(".")[1] for c in _OUTBOX_COLUMNS.split(",")]
    assert columns == [f.name for f in dataclasses.fields(OutboxItem)]
