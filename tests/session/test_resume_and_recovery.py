"""Continue later (code + PIN) and crash recovery (staff only, within the window)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.catalog.build import build_catalog
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.session.clock import FakeClock
from kiosk.session.codes import is_valid, new_resume_code, normalise
from kiosk.session.resume_gate import ResumeError, ResumeProblem
from kiosk.session.staff import StaffGrant
from kiosk.session.terminal import Terminal
from kiosk.session.visitor import NothingToContinueError, PinRejectedError, ResumeTicket
from kiosk.store import StoreError
from tests.session.test_visitor_session import SOZIALTICKET, fill

GRANT = StaffGrant("anna.k", "staff", 0.0)


def park(terminal: Terminal, pin: str = "4711") -> tuple[ResumeTicket, str]:
    session = terminal.start_session("uk")
    session.open_form("sozialticket")
    fill(session, {k: SOZIALTICKET[k] for k in ("family_name", "given_names", "birth_date")})
    session.go_to_page("benefit")
    return session.continue_later(pin), session.id


class TestContinueLater:
    def test_right_pin_brings_the_answers_back(self, terminal: Terminal) -> None:
        ticket, _ = park(terminal)
        assert ticket.drafts == 1 and is_valid(ticket.code, 10)
        assert terminal.store.drafts.count("parked") == 1
        session = terminal.resume(ticket.code, "4711", "uk")
        assert session.current is not None
        assert session.current.answers["family_name"] == "Shevchenko"
        assert session.current.page == "benefit"
        fill(session, SOZIALTICKET)
        assert session.submit().reference
        with pytest.raises(ResumeError) as info:  # a code works once
            terminal.resume(ticket.code, "4711", "uk")
        assert info.value.problem is ResumeProblem.NO_MATCH

    def test_code_is_forgiving_about_case_and_confusable_letters(self, terminal: Terminal) -> None:
        ticket, _ = park(terminal)
        sloppy = ticket.code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
        assert terminal.resume(sloppy, "4711", "de").current is not None

    def test_typo_is_caught_by_the_check_character(self, terminal: Terminal) -> None:
        ticket, _ = park(terminal)
        plain = normalise(ticket.code)
        typo = plain[:3] + ("A" if plain[3] != "A" else "B") + plain[4:]
        with pytest.raises(ResumeError) as info:
            terminal.resume(typo, "4711", "de")
        assert info.value.problem is ResumeProblem.INVALID_CODE

    def test_wrong_pin_then_lockout_with_growing_waits(
        self, terminal: Terminal, clock: FakeClock
    ) -> None:
        ticket, _ = park(terminal)
        problems = []
        waits = []
        for _ in range(10):
            with pytest.raises(ResumeError) as info:
                terminal.resume(ticket.code, "0000", "de")
            problems.append(info.value.problem)
            waits.append(info.value.seconds)
            clock.advance(info.value.seconds + 1)
        assert problems[:9] == [ResumeProblem.NO_MATCH] * 9
        assert problems[9] is ResumeProblem.LOCKED
        assert waits[:2] == [0, 0] and waits[2:5] == [30, 60, 120]
        with pytest.raises(ResumeError) as info:  # even the right PIN, now
            terminal.resume(ticket.code, "4711", "de")
        assert info.value.problem is ResumeProblem.LOCKED

    def test_a_restart_forgets_the_code_but_not_the_terminal_count(
        self, make_terminal: Callable[..., Terminal], clock: FakeClock
    ) -> None:
        """Per-code counts live in memory (on disk they would point to the ticket); the
        terminal's own count is on disk, so restarting buys a guesser nothing but waits."""
        terminal = make_terminal()
        ticket, _ = park(terminal)
        for _ in range(10):
            with pytest.raises(ResumeError) as info:
                terminal.resume(ticket.code, "0000", "de")
            clock.advance(info.value.seconds + 1)
        assert info.value.problem is ResumeProblem.LOCKED
        assert make_terminal().resume(ticket.code, "4711", "de").current is not None

    def test_the_terminal_counts_every_failed_resume_across_restarts(
        self, make_terminal: Callable[..., Terminal]
    ) -> None:
        terminal = make_terminal()
        for attempt in range(11):  # ten free mistakes for the terminal, whatever the codes
            with pytest.raises(ResumeError) as info:
                terminal.resume(new_resume_code(), "1234", "de")
            assert info.value.seconds == (60 if attempt == 10 else 0)
        again = make_terminal()
        with pytest.raises(ResumeError) as info:
            again.resume(new_resume_code(), "1234", "de")
        assert info.value.problem is ResumeProblem.WAIT and 59 <= info.value.seconds <= 60

    def test_waiting_is_enforced(self, terminal: Terminal, clock: FakeClock) -> None:
        ticket, _ = park(terminal)
        for _ in range(3):
            with pytest.raises(ResumeError):
                terminal.resume(ticket.code, "9999", "de")
        with pytest.raises(ResumeError) as info:
            terminal.resume(ticket.code, "4711", "de")
        assert info.value.problem is ResumeProblem.WAIT and info.value.seconds == 30
        clock.advance(31)
        assert terminal.resume(ticket.code, "4711", "de").current is not None

    def test_expired_codes_and_their_drafts_are_purged(
        self, terminal: Terminal, clock: FakeClock
    ) -> None:
        ticket, _ = park(terminal)
        other, _ = park(terminal)
        clock.advance(7 * 86400 + 1)
        with pytest.raises(ResumeError) as info:
            terminal.resume(ticket.code, "4711", "de")
        assert info.value.problem is ResumeProblem.EXPIRED
        assert terminal.store.tickets.count() == 0 and terminal.store.drafts.count() == 0
        with pytest.raises(ResumeError) as info:
            terminal.resume(other.code, "4711", "de")
        assert info.value.problem is ResumeProblem.NO_MATCH

    def test_housekeeping_at_start_purges(
        self, make_terminal: Callable[..., Terminal], clock: FakeClock
    ) -> None:
        park(make_terminal())
        clock.advance(8 * 86400)
        assert make_terminal().store.tickets.count() == 0

    def test_unknown_code(self, terminal: Terminal) -> None:
        with pytest.raises(ResumeError) as info:
            terminal.resume(new_resume_code(), "1234", "de")
        assert info.value.problem is ResumeProblem.NO_MATCH

    @pytest.mark.parametrize("pin", ["123", "1234567", "12a4", "١٢٣٤", ""])
    def test_pin_must_be_4_to_6_digits(self, terminal: Terminal, pin: str) -> None:
        session = terminal.start_session("de")
        session.open_form("sozialticket")
        with pytest.raises(PinRejectedError):
            session.continue_later(pin)
        assert not session.ended

    def test_nothing_to_continue(self, terminal: Terminal) -> None:
        session = terminal.start_session("de")
        with pytest.raises(NothingToContinueError):
            session.continue_later("1234")
        assert terminal.store.tickets.count() == 0

    def test_resumed_draft_keeps_its_form_version_after_a_catalog_update(
        self, make_terminal: Callable[..., Terminal], tmp_path: Path, demo: CompiledCatalog
    ) -> None:
        ticket, _ = park(make_terminal())
        # an admin publishes version 2 of the form with a new required field
        root = Path(__file__).resolve().parents[2]
        catalog_dir = tmp_path / "new" / "forms_catalog"
        import shutil

        shutil.copytree(root / "forms_catalog", catalog_dir)
        shutil.copytree(root / "translations", tmp_path / "new" / "translations")
        form_file = catalog_dir / "sozialamt" / "sozialticket.yaml"
        text = (
            form_file.read_text()
            .replace("version: 1", "version: 2", 1)
            .replace(
                "      - id: phone\n",
                "      - id: email\n        type: email\n        label: E-Mail\n"
                "        required: true\n      - id: phone\n",
                1,
            )
        )
        form_file.write_text(text)
        updated = build_catalog(catalog_dir).catalog
        assert updated is not None and updated.catalog.form("sozialticket").version == 2
        terminal = make_terminal(updated)
        session = terminal.resume(ticket.code, "4711", "de")
        assert session.current is not None and session.current.form.version == 1
        assert session.current.catalog.content_hash == demo.content_hash
        fill(session, SOZIALTICKET)
        receipt = session.submit()  # no e-mail needed: version 1 did not ask for it
        item = terminal.store.outbox.get(receipt.reference)
        assert item is not None and item.form_version == 1
        assert terminal.start_session("de").open_form("sozialticket").form.version == 2


class TestCrashRecovery:
    def crash(self, make_terminal: Callable[..., Terminal]) -> str:
        terminal = make_terminal()
        session = terminal.start_session("ru")
        session.open_form("sozialticket")
        fill(session, {"family_name": "Kovalenko", "given_names": "Dmytro"})
        session.flush()
        return session.id  # the process "dies" here: no end(), no continue later

    def test_staff_can_recover_within_the_window(
        self, make_terminal: Callable[..., Terminal], clock: FakeClock
    ) -> None:
        session_id = self.crash(make_terminal)
        clock.advance(5 * 60)
        terminal = make_terminal()
        session = terminal.recover_last_session(GRANT, "ru")
        assert session is not None and session.id == session_id
        assert session.current is not None
        assert session.current.answers["family_name"] == "Kovalenko"
        entry = terminal.store.audit.entries()[-1]
        assert entry["actor"] == "staff:anna.k" and entry["action"] == "crash_recovery"
        assert terminal.crashed_sessions() == []

    def test_not_after_the_window(
        self, make_terminal: Callable[..., Terminal], clock: FakeClock
    ) -> None:
        self.crash(make_terminal)
        clock.advance(11 * 60)
        terminal = make_terminal()
        assert terminal.recover_last_session(GRANT, "ru") is None
        assert terminal.store.drafts.count() == 0  # purged at start

    def test_only_with_a_staff_grant(self, make_terminal: Callable[..., Terminal]) -> None:
        self.crash(make_terminal)
        terminal = make_terminal()
        with pytest.raises(PermissionError):
            terminal.recover_last_session(StaffGrant("", "staff", 0.0), "ru")
        with pytest.raises(AttributeError):
            terminal.recover_last_session(None, "ru")  # type: ignore[arg-type]

    def test_the_newest_session_is_recovered(
        self, make_terminal: Callable[..., Terminal], clock: FakeClock
    ) -> None:
        self.crash(make_terminal)
        clock.advance(60)
        newest = self.crash(make_terminal)
        session = make_terminal().recover_last_session(GRANT, "ru")
        assert session is not None and session.id == newest

    def test_without_the_terminal_key_nothing_opens(
        self, make_terminal: Callable[..., Terminal], home: Path
    ) -> None:
        self.crash(make_terminal)
        for key in (home / "keys" / "recovery").iterdir():
            key.unlink()
        terminal = make_terminal()
        assert terminal.crashed_sessions() != []
        assert terminal.recover_last_session(GRANT, "ru") is None

    def test_a_visit_open_longer_than_the_window_can_still_be_recovered(
        self, make_terminal: Callable[..., Terminal], clock: FakeClock
    ) -> None:
        """Keys expire, but live visits are re-wrapped under each new key."""
        terminal = make_terminal()
        session = terminal.start_session("ru")
        session.open_form("sozialticket")
        fill(session, {"family_name": "Kovalenko"})
        session.flush()
        for _ in range(12):  # 24 minutes, a tick every two
            clock.advance(120)
            session.touch()
            terminal.maybe_housekeeping()
        recovered = make_terminal().recover_last_session(GRANT, "ru")
        assert recovered is not None and recovered.current is not None
        assert recovered.current.answers["family_name"] == "Kovalenko"


def test_a_session_that_could_not_start_leaves_the_terminal_free(
    terminal: Terminal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while a visit starts: the visitor is told, and nothing stays "in use"
    (a session nobody holds would block catalog installs and keep its keys for ever)."""

    def full(**_: object) -> None:
        raise StoreError("disk_full", "database or disk is full")

    monkeypatch.setattr(terminal.store.counters, "bump", full)
    with pytest.raises(StoreError):
        terminal.start_session("de")
    assert not terminal.in_use


def test_a_resumed_visit_is_recoverable_from_the_moment_its_ticket_is_spent(
    make_terminal: Callable[..., Terminal],
) -> None:
    terminal = make_terminal()
    ticket, _ = park(terminal)
    terminal.resume(ticket.code, "4711", "uk")  # the process dies before any autosave
    recovered = make_terminal().recover_last_session(GRANT, "uk")
    assert recovered is not None and recovered.current is not None
    assert recovered.current.answers["family_name"] == "Shevchenko"


def test_staff_lift_the_wait_someone_caused_on_the_resume_pad(
    terminal: Terminal, clock: FakeClock
) -> None:
    ticket, _ = park(terminal)
    for _ in range(11):  # someone types codes that exist nowhere
        with pytest.raises(ResumeError):
            terminal.resume(new_resume_code(), "1234", "de")
    with pytest.raises(ResumeError) as info:
        terminal.resume(ticket.code, "4711", "de")
    assert info.value.problem is ResumeProblem.WAIT
    terminal.unlock.reset_lockout(StaffGrant("root", "admin", 0.0))
    assert terminal.resume(ticket.code, "4711", "de").current is not None
