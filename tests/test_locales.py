"""The languages a terminal carries locale data for (the bundle keeps only theirs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel import localedata

from kiosk.locales import (
    NATIVE_NAMES,
    TERMINAL_LANGUAGES,
    TERMINAL_VARIANTS,
    carried,
    cldr_name,
    is_rtl,
    native_name,
)

ROOT = Path(__file__).resolve().parents[1]

# (code, whether a terminal has its data)
CODES = [
    ("ar", True),
    ("fa_AF", True),  # Dari
    ("sr_Latn", True),  # a script of a carried language
    ("uz_Arab", True),
    ("ar_EG", False),  # territories are not carried unless named
    ("en_GB", False),
    ("xx", False),
    ("root", False),  # always in the bundle, but no language
    ("fa_Latn_x", False),
    ("", False),
]


@pytest.mark.parametrize(("code", "expected"), CODES)
def test_which_codes_a_terminal_carries(code: str, expected: bool) -> None:
    assert carried(code) is expected


def test_every_carried_language_has_its_data_in_babel() -> None:
    assert (
        sorted(
            c
            for c in TERMINAL_LANGUAGES | TERMINAL_VARIANTS
            if not localedata.exists(c.split("@")[0])
        )
        == []
    )


def test_every_language_the_kiosk_speaks_is_carried() -> None:
    spoken = {
        path.parent.parent.name for path in (ROOT / "translations").glob("*/LC_MESSAGES/ui.po")
    }
    assert spoken and sorted(lang for lang in spoken | {"de"} if not carried(lang)) == []


# (language, the name its button shows)
NAMES = [
    ("fa", "فارسی"),
    ("fa_AF", "دری"),  # Afghans' name for their Persian, not CLDR's "Persian (Afghanistan)"
    ("de@leicht", "Leichte Sprache"),
    ("ps", "پښتو"),
    ("ckb", "کوردیی ناوەندی"),
    ("ku", "Kurdî (kurmancî)"),
    ("ti", "ትግርኛ"),
    ("so", "Soomaali"),
    ("ar", "العربية"),
    ("uk", "Українська"),  # capitalised, as a button starts
    ("de", "Deutsch"),
    ("ka", "ქართული"),  # Georgian has capitals for headings only, none to start a word
    ("ti", "ትግርኛ"),
    ("xx", "xx"),  # no name known: the code
]


@pytest.mark.parametrize(("lang", "expected"), NAMES)
def test_each_language_is_named_as_its_speakers_write_it(lang: str, expected: str) -> None:
    assert native_name(lang) == expected


def test_the_written_out_names_are_cldr_s() -> None:
    """Every terminal language has its name written out (a very first start reads no
    CLDR data before its first screen), and it is the name CLDR gives."""
    assert set(NATIVE_NAMES) == TERMINAL_LANGUAGES | TERMINAL_VARIANTS
    assert {lang: cldr_name(lang) for lang in NATIVE_NAMES} == NATIVE_NAMES


@pytest.mark.parametrize(
    ("lang", "rtl"),
    [("ar", True), ("fa", True), ("fa_AF", True), ("ps", True), ("ckb", True)]
    + [("ku", False), ("ti", False), ("so", False), ("de@leicht", False), ("sr_Latn", False)],
)
def test_direction_follows_the_language_not_its_variant(lang: str, rtl: bool) -> None:
    assert is_rtl(lang) is rtl

