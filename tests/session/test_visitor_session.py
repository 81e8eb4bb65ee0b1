"""A visitor's session on a real database: autosave, wipe, idle timeout, prefill, submit."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.crypto.sealing import unseal
from kiosk.documents.sealed import verify
from kiosk.formats import read_sealed_application
from kiosk.session.clock import FakeClock
from kiosk.session.codes import reference_is_valid
from kiosk.session.idle import IdlePhase, IdleTimer
from kiosk.session.terminal import Terminal
from kiosk.session.visitor import SessionEndedError, SubmitBlockedError, VisitorSession

PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAHUlEQVR4nGP8//8/"
    "AzUBjExMTAwMDIyMjIwMDAwMAMZvDwsStdb5AAAAAElFTkSuQmCC"
)

SOZIALTICKET: dict[str, Any] = {
    "family_name": "Shevchenko",
    "given_names": "Olena",
    "birth_date": "1985-04-12",
    "nationality": "UA",
    "address": {
        "street": "Münsterstraße",
        "house_number": "12",
        "postcode": "44145",
        "city": "Dortmund",
    },
    "benefit_type": "asylblg",
    "decision_valid_until": "2027-06-30",
    "consent_data": True,
    "truthful": True,
    "signature": PNG,
}


def fill(session: VisitorSession, answers: dict[str, Any]) -> None:
    for key, value in answers.items():
        session.answer(key, value)


def raw_database(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in home.glob("kiosk.sqlite3*"))


class TestAutosave:
    def test_answers_are_saved_after_the_pause(self, terminal: Terminal, clock: FakeClock) -> None:
        session = terminal.start_session("uk")
        session.open_form("sozialticket")
        session.answer("family_name", "Shevchenko")
        clock.advance(0.1)
        session.poll()
        assert session.current is not None and session.current.dirty
        clock.advance(0.25)
        session.poll()
        assert not session.current.dirty
        (row,) = terminal.store.drafts.for_session(session.id)
        assert b"Shevchenko" not in row.blob  # encrypted

    def test_page_change_saves_at_once(self, terminal: Terminal) -> None:
        session = terminal.start_session("de")
        session.open_form("sozialticket")
        session.answer("family_name", "Hosseini")
        session.go_to_page("benefit")
        assert session.current is not None and not session.current.dirty

    def test_nothing_readable_on_disk(
        self, terminal: Terminal, home: Path, clock: FakeClock
    ) -> None:
        session = terminal.start_session("de")
        session.open_form("sozialticket")
        fill(session, SOZIALTICKET)
        clock.advance(1)
        session.poll()
        data = raw_database(home)
        for secret in ["Shevchenko", "Olena", "Münsterstraße", "1985-04-12"]:
            assert secret.encode() not in data

    def test_disk_trouble_keeps_answers_in_memory(
        self, terminal: Terminal, clock: FakeClock
    ) -> None:
        session = terminal.start_session("de")
        session.open_form("sozialticket")
        terminal.store.db.execute("PRAGMA max_page_count = 1")  # no room to grow: "disk full"
        session.answer("family_name", "X" * 50)
        for i in range(1, 200):
            session.answer("given_names", "Y" * 500 * i)
            clock.advance(1)
            session.poll()
            if session.save_problem is not None:
                break
        assert session.save_problem is not None and session.save_problem.kind == "disk_full"
        assert session.current is not None and session.current.answers["family_name"] == "X" * 50
        terminal.store.db.execute("PRAGMA max_page_count = 1073741823")  # space again
        clock.advance(1)
        session.poll()
        assert session.save_problem is None and not session.current.dirty


class TestEnd:
    def test_end_wipes_everything(self, terminal: Terminal, clock: FakeClock) -> None:
        session = terminal.start_session("de")
        session.open_form("sozialticket")
        fill(session, SOZIALTICKET)
        session.flush()
        assert terminal.store.drafts.count() == 1
        key = session._key
        session.end("start_over")
        assert terminal.store.drafts.count() == 0
        assert key is not None and set(key) == {0}
        assert session.drafts == {} and session.current is None and not session.profile
        with pytest.raises(SessionEndedError):
            session.answer("family_name", "X")


class TestIdle:
    def test_warning_extend_and_wipe(self, terminal: Terminal, clock: FakeClock) -> None:
        session = terminal.start_session("ar")
        session.open_form("sozialticket")
        session.answer("family_name", "Haddad")
        clock.advance(89)
        assert session.poll().phase is IdlePhase.ACTIVE
        clock.advance(2)
        state = session.poll()
        assert state.phase is IdlePhase.WARNING and state.seconds_left == pytest.approx(29)
        session.extend()
        clock.advance(60)
        assert session.poll().phase is IdlePhase.ACTIVE
        clock.advance(31)
        assert session.poll().phase is IdlePhase.WARNING
        clock.advance(28.5)
        assert session.poll().phase is IdlePhase.WARNING
        clock.advance(1)
        assert session.poll().phase is IdlePhase.EXPIRED
        assert session.ended and session.ended_reason == "timeout"
        assert terminal.store.drafts.count() == 0

    def test_touch_counts_as_activity(self, clock: FakeClock) -> None:
        timer = IdleTimer(clock, idle_seconds=10, warning_seconds=20)
        clock.advance(9)
        timer.touch()
        clock.advance(9)
        assert timer.state().phase is IdlePhase.ACTIVE

    def test_warning_must_be_long_enough(self, clock: FakeClock) -> None:
        with pytest.raises(ValueError, match="20 seconds"):
            IdleTimer(clock, 90, 10)


class TestPrefill:
    def test_person_data_prefills_the_next_form_of_the_same_visit(self, terminal: Terminal) -> None:
        session = terminal.start_session("de")
        session.open_form("sozialticket")
        fill(session, SOZIALTICKET)
        session.submit()
        draft = session.open_form("wbs")
        assert draft.answers["family_name"] == "Shevchenko"
        assert draft.answers["birth_date"] == "1985-04-12"
        assert draft.answers["address"]["street"] == "Münsterstraße"

    def test_never_across_sessions(self, terminal: Terminal) -> None:
        first = terminal.start_session("de")
        first.open_form("sozialticket")
        fill(first, SOZIALTICKET)
        first.submit()
        first.end("finished")
        second = terminal.start_session("de")
        assert second.open_form("wbs").answers == {}

    def test_household_prefills_matching_child_fields(self, terminal: Terminal) -> None:
        session = terminal.start_session("de")
        session.open_form("sozialticket")
        fill(session, SOZIALTICKET)
        session.answer(
            "household",
            [
                {
                    "family_name": "Shevchenko",
                    "given_names": "Taras",
                    "birth_date": "2015-02-01",
                    "relationship": "child",
                }
            ],
        )
        session.submit()
        draft = session.open_form("buergergeld")
        items = draft.answers.get("household")
        assert items and items[0]["given_names"] == "Taras"


class TestSubmit:
    def test_sealed_for_the_office_and_gone_from_the_terminal(
        self, terminal: Terminal, office_keys: Path, home: Path
    ) -> None:
        session = terminal.start_session("uk")
        session.open_form("sozialticket")
        fill(session, SOZIALTICKET)
        receipt = session.submit()
        assert reference_is_valid(receipt.reference)
        assert receipt.office_name_de == "Sozialamt" and receipt.office_name != "Sozialamt"
        item = terminal.store.outbox.get(receipt.reference)
        assert item is not None and item.state == "pending" and item.form_version == 1
        payload = unseal(item.payload, (office_keys / "sozialamt.key.pem").read_bytes())
        assert payload["answers"]["family_name"] == "Shevchenko"
        assert payload["form"] == {
            "id": "sozialticket",
            "version": 1,
            "title": "Nachweis für das Deutschlandticket Sozial (SozialTicket)",
        }
        assert payload["consents"] == {"consent_data": "2026-12", "truthful": "2026-01"}
        assert payload["language"] == "uk" and payload["reference"] == receipt.reference
        # the office copy is sealed with the data, FIT-Connect style, and both hashes check
        documents = verify(read_sealed_application(payload))
        (meta,) = payload["metadata"]["attachments"]
        assert meta["purpose"] == "form" and meta["mime_type"] == "application/pdf"
        pdf = documents["office-copy"]
        assert pdf.startswith(b"%PDF")
        tampered = {**payload, "answers": {**payload["answers"], "family_name": "X"}}
        with pytest.raises(ValueError, match="data does not match"):
            verify(read_sealed_application(tampered))
        with pytest.raises(ValueError):
            unseal(item.payload, (office_keys / "jobcenter.key.pem").read_bytes())
        assert terminal.store.drafts.count() == 0
        assert session.current is None and "sozialticket" not in session.drafts
        assert b"Shevchenko" not in raw_database(home)
        actions = [e["action"] for e in terminal.store.audit.entries()]
        assert "submitted" in actions
        assert all("Shevchenko" not in json.dumps(e) for e in terminal.store.audit.entries())

    def test_invalid_application_is_blocked_with_messages(self, terminal: Terminal) -> None:
        session = terminal.start_session("ar")
        session.open_form("sozialticket")
        fill(session, {**SOZIALTICKET, "family_name": "محمد"})
        with pytest.raises(SubmitBlockedError) as info:
            session.submit()
        (message,) = info.value.result.for_path("family_name")
        assert message.text != message.text_de
        assert terminal.store.outbox.counts_by_state() == {}

    def test_counters_count_and_never_identify(self, terminal: Terminal) -> None:
        session = terminal.start_session("fa")
        session.open_form("sozialticket")
        fill(session, SOZIALTICKET)
        session.submit()
        rows = terminal.store.counters.rows()
        events = {(r["event"], r["language"], r["form_id"]) for r in rows}
        assert ("submitted", "fa", "sozialticket") in events
        assert ("session", "fa", "") in events
        assert set(rows[0]) == {"day", "event", "language", "form_id", "office", "count"}


def test_groups_through_the_item_api(terminal: Terminal) -> None:
    session = terminal.start_session("de")
    session.open_form("sozialticket")
    index = session.add_item("household")
    session.answer_item("household", index, "given_names", "Taras")
    session.add_item("household")
    session.remove_item("household", 0)
    assert session.current is not None
    assert session.current.answers["household"] == [{}]


def test_restart_sees_sessions_as_crashed(make_terminal: Callable[..., Terminal]) -> None:
    first = make_terminal()
    session = first.start_session("de")
    session.open_form("sozialticket")
    session.answer("family_name", "Rahimi")
    session.flush()
    assert first.crashed_sessions() == []  # a live session is not a crash
    second = make_terminal()
    (crashed,) = second.crashed_sessions()
    assert crashed.session_id == session.id and crashed.forms == ["sozialticket"]
