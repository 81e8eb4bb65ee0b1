"""PIN hashes: they verify the PIN they were made from, and nothing else, whatever is stored."""

from __future__ import annotations

import pytest

from kiosk.staff.records import (
    STAFF_SCRYPT,
    PinPolicyError,
    check_pin_policy,
    hash_pin,
    is_peppered,
    pin_matches,
)
from tests.staff.conftest import CHEAP


def test_a_hash_verifies_its_pin_and_no_other() -> None:
    stored = hash_pin("482913")
    assert stored.startswith(f"scrypt${STAFF_SCRYPT.n.bit_length() - 1}$8$1$")
    assert pin_matches("482913", stored)
    assert not pin_matches("482914", stored)
    assert not pin_matches("", stored)


def test_the_hash_names_its_own_cost_so_older_hashes_still_verify() -> None:
    stored = hash_pin("482913", CHEAP)
    assert stored.startswith("scrypt$10$8$1$")
    assert pin_matches("482913", stored)


def test_the_same_pin_hashes_differently_each_time() -> None:
    assert hash_pin("482913", CHEAP) != hash_pin("482913", CHEAP)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "482913",
        "bcrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$10$8$1$AAAA$AAAA",
        "scrypt$99$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
    ],
)
def test_a_malformed_hash_matches_nothing_and_raises_nothing(stored: str) -> None:
    assert not pin_matches("482913", stored)


def test_a_truncated_hash_matches_nothing() -> None:
    stored = hash_pin("482913", CHEAP)
    assert not pin_matches("482913", stored[:-1])
    assert not pin_matches("482913", stored[:-1] + ("A" if stored[-1] != "A" else "B"))


@pytest.mark.parametrize("pin", ["12345", "4829130000000", "48291a", "٤٨٢٩١٣", "111111", "123456"])
def test_weak_or_malformed_pins_are_refused(pin: str) -> None:
    with pytest.raises(PinPolicyError):
        check_pin_policy(pin)
    with pytest.raises(PinPolicyError):
        hash_pin(pin, CHEAP)


PEPPER, OTHER = b"p" * 32, b"q" * 32


@pytest.mark.parametrize(
    ("made_with", "checked_with", "matches"),
    [
        (PEPPER, PEPPER, True),
        (PEPPER, None, False),  # a bundle's hash is useless without the deployment's pepper
        (PEPPER, OTHER, False),
        (None, None, True),  # a terminal's own account from before it was enrolled
        (None, PEPPER, True),
    ],
)
def test_peppered_hashes_open_only_with_the_pepper(
    made_with: bytes | None, checked_with: bytes | None, matches: bool
) -> None:
    stored = hash_pin("482913", CHEAP, pepper=made_with)
    assert is_peppered(stored) is (made_with is not None)
    assert pin_matches("482913", stored, checked_with) is matches
    assert not pin_matches("482914", stored, checked_with)
