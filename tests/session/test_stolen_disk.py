"""A copy of the terminal's disk, taken as a power cut leaves it, opens no draft of an ended visit.

The attacker here has every file of the kiosk's home: the database, its
write-ahead log and every key file. They read every version of every row the log
still holds (by replaying it up to each commit), try every key file on every
recovery wrap (in the current and in the earlier format), look for the parked
visit under the id a hash of its code would give, and search all bytes for the
names typed. The visit open at the moment of the cut may be opened (staff must be
able to recover it for a few minutes); nothing else may, and after the window
has passed on the restarted terminal not even that one.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from kiosk.crypto import aead
from kiosk.session.clock import FakeClock
from kiosk.session.codes import normalise
from kiosk.session.terminal import Terminal
from kiosk.session.tickets import legacy_ticket_id
from kiosk.session.visitor import draft_aad, recovery_aad
from tests.session.test_visitor_session import SOZIALTICKET, fill

WAL_HEADER, FRAME_HEADER = 32, 24
NAMES = {"ended": "Adamczyk", "submitted": "Shevchenko", "parked": "Celik", "open": "Dubrovska"}


def visit(terminal: Terminal, family_name: str, saves: int = 3) -> object:
    session = terminal.start_session("uk")
    session.open_form("sozialticket")
    for n in range(saves):  # several autosaves: several versions of the row in the log
        fill(session, {"family_name": family_name, "given_names": f"Olena{'a' * n}"})
        session.flush()
    return session


def power_cut_copy(home: Path, into: Path) -> Path:
    """Every file of the home as it is on disk now, without a checkpoint."""
    shutil.copytree(home, into, symlinks=True, ignore=shutil.ignore_patterns("office_keys"))
    return into


def database_versions(copy: Path) -> Iterator[sqlite3.Connection]:
    """The database as of every commit the write-ahead log still holds, and without it."""
    db = copy / "kiosk.sqlite3"
    wal = (
        (copy / "kiosk.sqlite3-wal").read_bytes() if (copy / "kiosk.sqlite3-wal").exists() else b""
    )
    page_size = int.from_bytes(wal[8:12], "big") if len(wal) >= WAL_HEADER else 0
    cuts = [0]
    if page_size:
        frame = FRAME_HEADER + page_size
        for end in range(WAL_HEADER + frame, len(wal) + 1, frame):
            if int.from_bytes(wal[end - frame + 4 : end - frame + 8], "big"):  # a commit
                cuts.append(end)
    for n, cut in enumerate(cuts):
        folder = Path(tempfile.mkdtemp(prefix=f"{copy.name}-v{n}-", dir=copy.parent))
        shutil.copy(db, folder / db.name)
        if cut:
            (folder / f"{db.name}-wal").write_bytes(wal[:cut])
        conn = sqlite3.connect(folder / db.name)
        try:
            yield conn
        finally:
            conn.close()


def key_files(copy: Path) -> list[bytes]:
    return [
        p.read_bytes()
        for p in (copy / "keys").rglob("*")
        if p.is_file() and p.stat().st_size == aead.KEY_BYTES
    ]


def unwrap_any(wrap: bytes, keys: list[bytes], aad: bytes) -> bytes | None:
    for key in keys:
        for blob in (wrap, wrap[8:]):  # the wrap alone, or after an epoch number
            try:
                return aead.decrypt(key, blob, aad)
            except aead.DecryptionError:
                continue
    return None


def names_opened(copy: Path) -> set[str]:
    """Family names in every draft the copy lets an attacker open without code or PIN."""
    keys = key_files(copy)
    opened: set[str] = set()
    for conn in database_versions(copy):
        try:
            rows = conn.execute(
                "SELECT id, session_id, form_id, form_version, blob, recovery_wrap FROM drafts"
            ).fetchall()
        except sqlite3.OperationalError:  # a version from before the tables were made
            continue
        for draft_id, session_id, form_id, version, blob, wrap in rows:
            if not wrap:
                continue
            session_key = unwrap_any(bytes(wrap), keys, recovery_aad(session_id))
            if session_key is None:
                continue
            text = aead.decrypt(session_key, bytes(blob), draft_aad(draft_id, form_id, version))
            opened |= {name for name in NAMES.values() if name in text.decode()}
    return opened


def all_bytes(copy: Path) -> bytes:
    return b"".join(p.read_bytes() for p in copy.rglob("*") if p.is_file() and not p.is_symlink())


def test_a_power_cut_copy_opens_only_the_visit_that_was_open(
    make_terminal: Callable[..., Terminal], home: Path, tmp_path: Path, clock: FakeClock
) -> None:
    terminal = make_terminal()
    ended = visit(terminal, NAMES["ended"])
    ended.end("timeout")  # type: ignore[attr-defined]
    clock.advance(40)
    submitted = visit(terminal, NAMES["submitted"])
    fill(submitted, SOZIALTICKET)  # type: ignore[arg-type]
    submitted.submit()  # type: ignore[attr-defined]
    submitted.end("done")  # type: ignore[attr-defined]
    clock.advance(40)
    parked = visit(terminal, NAMES["parked"])
    ticket = parked.continue_later("4711")  # type: ignore[attr-defined]
    clock.advance(40)
    visit(terminal, NAMES["open"])  # the power goes now

    copy = power_cut_copy(home, tmp_path / "cut")
    assert names_opened(copy) <= {NAMES["open"]}
    everything = all_bytes(copy)
    assert legacy_ticket_id(normalise(ticket.code)).encode() not in everything
    for name in NAMES.values():
        assert name.encode() not in everything and name.encode("utf-16-le") not in everything

    restarted = make_terminal()  # after the cut; nobody recovers the open visit
    assert restarted.crashed_sessions()
    clock.advance(restarted.config.recovery_window_seconds * 1.5)
    restarted.maybe_housekeeping()
    later = power_cut_copy(home, tmp_path / "later")
    assert names_opened(later) == set()
    assert restarted.resume(ticket.code, "4711", "uk").current is not None  # still parked


def test_the_attack_opens_what_a_lasting_key_would_give_away(
    make_terminal: Callable[..., Terminal], home: Path, tmp_path: Path
) -> None:
    """The attacker of the test above is a real one: with the keys of the open visit
    still on the copy, it does open that visit."""
    terminal = make_terminal()
    visit(terminal, NAMES["open"])
    assert names_opened(power_cut_copy(home, tmp_path / "cut")) == {NAMES["open"]}


def test_the_log_of_an_ended_visit_opens_with_no_key_left_on_the_disk(
    make_terminal: Callable[..., Terminal], home: Path, tmp_path: Path
) -> None:
    """The log is cut when a visit ends, but its old frames lie in free blocks of the disk
    until they are overwritten. A copy of them, taken while the visit was open, must find
    no key on the disk once the visit has ended."""
    terminal = make_terminal()
    session = visit(terminal, NAMES["ended"])
    during = power_cut_copy(home, tmp_path / "during")  # what free blocks will still hold
    assert names_opened(during) == {NAMES["ended"]}
    session.end("timeout")  # type: ignore[attr-defined]
    after = tmp_path / "after"
    shutil.copytree(home / "keys", after / "keys")
    shutil.rmtree(during / "keys")
    shutil.copytree(after / "keys", during / "keys")  # old frames, today's keys
    assert names_opened(during) == set()
