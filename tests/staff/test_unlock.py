"""The staff unlock: grants, growing waits that survive restarts, and an audit without PINs."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from kiosk.session.clock import FakeClock
from kiosk.session.config import LockoutPolicy
from kiosk.session.staff import StaffGrant
from kiosk.session.unlock import StaffUnlock, UnlockRefusedError, clear_lockout
from kiosk.staff.directory import StaffDirectory
from kiosk.store import Store
from tests.staff.conftest import account

ANNA_PIN = "482913"  # admin, local account
BO_PIN = "730164"  # staff, from the bundle
WRONG = "905317"
MINUTE = 60.0


def unlock_on(store: Store, clock: FakeClock, policy: LockoutPolicy | None = None) -> StaffUnlock:
    """A terminal's unlock as the kiosk builds it at start."""
    directory = StaffDirectory(store.staff_accounts)
    directory.set_bundle_staff([account("bo", BO_PIN)])
    return StaffUnlock(store, directory, clock, policy)


@pytest.fixture
def unlock(store: Store, clock: FakeClock) -> StaffUnlock:
    store.staff_accounts.add(account("anna", ANNA_PIN, role="admin"), now=clock.now())
    return unlock_on(store, clock)


def refusal(unlock: StaffUnlock, pin: str) -> UnlockRefusedError:
    with pytest.raises(UnlockRefusedError) as info:
        unlock.try_pin(pin)
    return info.value


def test_a_correct_pin_grants_with_the_accounts_role(unlock: StaffUnlock, clock: FakeClock) -> None:
    assert unlock.try_pin(ANNA_PIN) == StaffGrant("anna", "admin", clock.now())
    clock.advance(5)
    grant = unlock.try_pin(BO_PIN)
    assert grant == StaffGrant("bo", "staff", clock.now())
    grant.require()
    with pytest.raises(PermissionError):
        grant.require("admin")


def test_the_policy_waits_longer_after_each_wrong_pin_up_to_the_cap() -> None:
    policy = LockoutPolicy()
    waits = [policy.lock_seconds(n) for n in range(1, 11)]
    assert waits == [0, 0, 0, 60, 120, 240, 480, 900, 900, 900]
    assert policy.lock_seconds(10_000) == 900  # no overflow, and never for ever
    with pytest.raises(ValueError):
        LockoutPolicy(cap_seconds=float("inf"))


def test_wrong_pins_lock_with_growing_waits_across_restarts(
    open_store: Callable[[], Store], clock: FakeClock
) -> None:
    open_store().staff_accounts.add(account("anna", ANNA_PIN), now=clock.now())

    def restart() -> StaffUnlock:
        return unlock_on(open_store(), clock)

    waits = []
    for _ in range(6):
        error = refusal(restart(), WRONG)
        assert error.kind == "wrong_pin"
        waits.append(error.wait_seconds)
        clock.advance(error.wait_seconds)
    assert waits == [0, 0, 0, 60, 120, 240]

    error = refusal(restart(), WRONG)  # the 7th locks for 480 s
    assert (error.kind, error.wait_seconds) == ("wrong_pin", 480)
    clock.advance(100)
    after_restart = restart()
    assert after_restart.lockout_state() == (7, 380)
    error = refusal(after_restart, ANNA_PIN)  # even the right PIN waits
    assert (error.kind, error.wait_seconds) == ("locked", 380)

    clock.advance(380)
    grant = restart().try_pin(ANNA_PIN)
    assert grant.staff_id == "anna"
    # a success gives no free attempts back: a guesser who waits for staff to log in
    # gains nothing; the next wrong PIN waits at once
    assert restart().lockout_state() == (7, 0)
    assert refusal(restart(), WRONG).wait_seconds == 900


@pytest.mark.parametrize(
    ("quiet_minutes", "still_counted", "next_wait"),
    [
        (2, 5, 240),  # the sixth wrong PIN, right after the wait
        (29, 5, 240),
        (30, 4, 120),  # one mistake fades for every quiet half hour
        (90, 2, 0),
        (24 * 60, 0, 0),  # a day later all is forgotten
    ],
)
def test_old_mistakes_fade(
    unlock: StaffUnlock,
    clock: FakeClock,
    quiet_minutes: int,
    still_counted: int,
    next_wait: float,
) -> None:
    for wait in (0, 0, 0, 60):
        refusal(unlock, WRONG)
        clock.advance(wait)
    assert refusal(unlock, WRONG).wait_seconds == 120  # the fifth
    clock.advance(quiet_minutes * MINUTE)
    assert unlock.lockout_state()[0] == still_counted
    assert refusal(unlock, WRONG).wait_seconds == next_wait


ROOT_PIN = "5820417396"  # an admin's long PIN


@pytest.fixture
def with_root(store: Store, clock: FakeClock, unlock: StaffUnlock) -> StaffUnlock:
    store.staff_accounts.add(account("root", ROOT_PIN, role="admin"), now=clock.now())
    return unlock


def make_wait(unlock: StaffUnlock) -> None:
    for _ in range(4):
        refusal(unlock, WRONG)
    assert unlock.lockout_state() == (4, 60)


def test_an_admins_long_pin_opens_a_waiting_pad(
    with_root: StaffUnlock, clock: FakeClock, store: Store
) -> None:
    make_wait(with_root)
    assert refusal(with_root, BO_PIN).kind == "locked"  # staff wait
    assert refusal(with_root, ANNA_PIN).kind == "locked"  # an admin with a short PIN too
    grant = with_root.try_pin(ROOT_PIN)
    assert (grant.staff_id, grant.role) == ("root", "admin")
    assert with_root.lockout_state() == (4, 60)  # the wait stands until the admin lifts it
    assert store.audit.entries()[-1]["detail"] == "admin during a wait"
    with_root.reset_lockout(grant)
    assert with_root.try_pin(BO_PIN).staff_id == "bo"


def test_the_admin_path_takes_one_try_per_interval_and_never_locks(
    with_root: StaffUnlock, clock: FakeClock, hash_checks: list[str]
) -> None:
    """A visitor mashing long numbers into a waiting pad cannot keep the admins out: the
    admin path never grows a wait, it only takes one attempt every ten seconds."""
    assert LockoutPolicy().admin_interval_seconds == 10
    make_wait(with_root)  # the pad waits a minute
    for _ in range(5):  # the visitor mashes long numbers all that minute
        hash_checks.clear()
        assert refusal(with_root, "5820417390").kind == "wrong_pin"
        assert len(hash_checks) == 2  # only the two admin accounts are checked
        hash_checks.clear()
        assert refusal(with_root, "5820417391").kind == "locked"  # within the interval
        assert hash_checks == []  # refused unchecked: no scrypt work
        clock.advance(10)
    assert with_root.lockout_state()[0] == 4  # the PIN pad's own count did not grow
    assert with_root.try_pin(ROOT_PIN).staff_id == "root"


def test_no_pin_is_hashed_while_locked(
    unlock: StaffUnlock, clock: FakeClock, hash_checks: list[str]
) -> None:
    for _ in range(4):
        refusal(unlock, WRONG)
    assert len(hash_checks) == 4 * 2  # two accounts per attempt
    hash_checks.clear()
    for _ in range(20):
        assert refusal(unlock, ANNA_PIN).kind == "locked"
        clock.advance(1)
    assert hash_checks == []
    assert unlock.lockout_state() == (4, 40)  # refusals while locked count no failure


def test_a_clock_that_went_back_cannot_lock_for_longer_than_the_cap(
    unlock: StaffUnlock, clock: FakeClock
) -> None:
    for _ in range(4):
        refusal(unlock, WRONG)
    clock.advance(-86_400)  # the wall clock is corrected a day back
    error = refusal(unlock, ANNA_PIN)
    assert (error.kind, error.wait_seconds) == ("locked", 900)
    clock.advance(900)
    assert unlock.try_pin(ANNA_PIN).staff_id == "anna"


def test_no_accounts_at_all_is_its_own_refusal(store: Store, clock: FakeClock) -> None:
    unlock = StaffUnlock(store, StaffDirectory(store.staff_accounts), clock)
    error = refusal(unlock, ANNA_PIN)
    assert (error.kind, error.wait_seconds) == ("no_staff", 0)
    assert unlock.lockout_state() == (0, 0)  # nobody guessed anything
    assert store.audit.entries()[-1]["action"] == "staff_unlock_no_staff"


def test_only_an_admin_resets_the_lockout(unlock: StaffUnlock, store: Store) -> None:
    for _ in range(4):
        refusal(unlock, WRONG)
    assert unlock.lockout_state() == (4, 60)
    with pytest.raises(PermissionError):
        unlock.reset_lockout(StaffGrant("bo", "staff", 0))
    assert unlock.lockout_state() == (4, 60)

    unlock.reset_lockout(StaffGrant("anna", "admin", 0))
    assert unlock.lockout_state() == (0, 0)
    assert store.audit.entries()[-1] == {
        "at": unlock.clock.now(),
        "actor": "staff:anna",
        "action": "staff_lockout_reset",
        "detail": "4 failure(s) cleared",
    }
    assert clear_lockout(store, at=0, actor="admin:cli") == 0


def test_every_attempt_is_audited_without_the_pin(
    unlock: StaffUnlock, store: Store, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for _ in range(4):
        refusal(unlock, WRONG)
    refusal(unlock, ANNA_PIN)
    clock.advance(60)
    unlock.try_pin(ANNA_PIN)

    entries = [(e["actor"], e["action"], e["detail"]) for e in store.audit.entries()]
    assert entries == [
        ("unknown", "staff_unlock_failed", "attempt 1"),
        ("unknown", "staff_unlock_failed", "attempt 2"),
        ("unknown", "staff_unlock_failed", "attempt 3"),
        ("unknown", "staff_unlock_failed", "attempt 4"),
        ("unknown", "staff_unlock_locked", "60 s left"),
        ("staff:anna", "staff_unlock", "admin"),
    ]
    everything = "\n".join(store.db.conn.iterdump())  # every table, the audit log included
    for pin in (ANNA_PIN, BO_PIN, WRONG):
        assert pin not in everything
        assert pin not in caplog.text
    assert "scrypt$" not in repr(store.audit.entries()) and "scrypt$" not in caplog.text
