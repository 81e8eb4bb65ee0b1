"""The keyboard of every language the kiosk speaks: which layout each gets, that Qt's keyboard
loads each from the kiosk's layout folder (the built-in ones hidden by that folder included),
that the kiosk's own layouts carry their alphabets, and that Ge'ez vowels make the right
syllables. Typing on them in a real window: ``tests/screen/test_keyboard_layouts.py``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtQml import QJSEngine, QJSValue
from PySide6.QtWidgets import QApplication

from tests.ui.qt_layouts import pointer, qt_folders, qt_layout_files
from ui.input_method import LAYOUTS
from ui.keyboard import LATIN_FALLBACK, keyboard_locales
from ui.tr import KEYBOARD_LOCALES

ROOT = Path(__file__).resolve().parents[2]

LANGUAGES = [
    # visitor's language, own layout, Latin layout (names, streets, codes)
    ("de", "de_DE", "de_DE"),
    ("de@leicht", "de_DE", "de_DE"),
    ("en", "en_GB", "en_GB"),
    ("uk", "uk_UA", "en_GB"),
    ("ru", "ru_RU", "en_GB"),
    ("ar", "ar_AR", "en_GB"),
    ("fa", "fa_FA", "en_GB"),
    ("fa_AF", "fa_FA", "en_GB"),
    ("tr", "tr_TR", "tr_TR"),
    ("ro", "ro_RO", "ro_RO"),
    ("ps", "ps_AF", "en_GB"),
    ("ckb", "ckb_IQ", "en_GB"),
    ("ku", "ku_TR", "ku_TR"),
    ("ti", "ti_ER", "en_GB"),
    ("so", "so_SO", "so_SO"),
    ("bg", "bg_BG", "en_GB"),
    ("pl", "pl_PL", "pl_PL"),
    ("sq", "sq_AL", "sq_AL"),
    ("fr", "fr_FR", "fr_FR"),
]
LAYOUT_TYPES = ("main", "dialpad", "digits", "numbers", "symbols")

PASHTO = "ا ب پ ت ټ ث ج ځ چ څ ح خ د ډ ذ ر ړ ز ژ ږ س ش ښ ص ض ط ظ ع غ ف ق ک ګ ل م ن ڼ و ه ي ې ی ۍ ئ"
SORANI = "ئ ا ب پ ت ج چ ح خ د ر ڕ ز ژ س ش ع غ ف ڤ ق ک گ ل ڵ م ن و ۆ ه ە ی ێ"
#: Arabic letters Sorani does not write: long-press only, for names spelt the Arabic way.
ARABIC_ONLY = "ث ذ ص ض ط ظ ة ي ك"


@pytest.mark.parametrize(("lang", "own", "latin"), LANGUAGES)
def test_each_language_gets_its_layout_and_a_latin_one(lang: str, own: str, latin: str) -> None:
    assert keyboard_locales(lang) == (own, latin)


def test_every_language_with_a_keyboard_is_checked_here() -> None:
    assert {lang for lang, _, _ in LANGUAGES} == set(KEYBOARD_LOCALES)


# ---------------------------------------------------------------- the layout folder
def test_qt_s_layouts_are_pointed_at_never_copied(qapp: QApplication) -> None:
    """For each of Qt's layouts the kiosk offers, its folder holds a loader of Qt's file
    (every file Qt has, nothing it has not), and no copy of Qt's own text."""
    files = qt_layout_files()
    qt = qt_folders(files)
    pointed = {folder.name for folder in LAYOUTS.iterdir() if folder.name in qt}
    needed = {"fallback", LATIN_FALLBACK} | (set(KEYBOARD_LOCALES.values()) & qt)
    assert needed <= pointed, f"point at them: python -m tests.ui.qt_layouts {' '.join(needed)}"
    ours = {
        path.relative_to(LAYOUTS).as_posix(): path.read_bytes()
        for path in LAYOUTS.rglob("*")
        if path.is_file() and path.relative_to(LAYOUTS).parts[0] in pointed
    }
    theirs = {path for path in files if path.split("/")[0] in pointed}
    changed = sorted(p for p in ours.keys() | theirs if ours.get(p) != pointer(p))
    assert not changed, f"Qt's layouts changed: python -m tests.ui.qt_layouts ({changed})"
    assert not any(b"Copyright" in content for content in ours.values())


@pytest.mark.parametrize("folder", sorted(p.name for p in LAYOUTS.iterdir() if p.is_dir()))
def test_every_layout_folder_has_each_layout_qt_asks_for(folder: str) -> None:
    """A layout of its own, or a ``.fallback`` file where the one in ``fallback/`` serves."""
    for kind in LAYOUT_TYPES:
        own = LAYOUTS / folder / f"{kind}.qml"
        borrowed = (LAYOUTS / folder / f"{kind}.fallback").exists()
        assert own.exists() or (borrowed and (LAYOUTS / "fallback" / f"{kind}.qml").exists()), (
            folder,
            kind,
        )


# ---------------------------------------------------------------- what Qt's keyboard shows
@pytest.fixture(scope="module")
def shown() -> dict[str, Any]:
    """Per layout the kiosk uses: the locale Qt's keyboard took, its keys and long presses."""
    locales = sorted(set(KEYBOARD_LOCALES.values()) | {LATIN_FALLBACK})
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.keyboard_keys", *locales],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    # a QML error in one of the kiosk's layout files names the file
    problems = [line for line in done.stderr.splitlines() if "qml/layouts/" in line]
    assert not problems, problems
    found: dict[str, Any] = json.loads(done.stdout)
    return found


@pytest.mark.parametrize("own", sorted(set(KEYBOARD_LOCALES.values()) | {LATIN_FALLBACK}))
def test_qt_s_keyboard_shows_each_layout_from_the_kiosk_s_folder(
    shown: dict[str, Any], own: str
) -> None:
    """Not another one: where a locale has no layout, Qt's keyboard quietly takes English."""
    assert shown[own]["taken"] == shown[own]["wanted"]
    assert len(shown[own]["keys"]) >= 26


def test_pashto_has_every_letter_on_a_key_of_its_own(shown: dict[str, Any]) -> None:
    keys = set(shown["ps_AF"]["keys"])
    assert len(PASHTO.split()) == 44
    assert set(PASHTO.split()) <= keys, set(PASHTO.split()) - keys


def test_sorani_has_its_letters_and_no_arabic_only_ones_as_keys(shown: dict[str, Any]) -> None:
    keys = set(shown["ckb_IQ"]["keys"])
    assert len(SORANI.split()) == 33
    assert set(SORANI.split()) <= keys, set(SORANI.split()) - keys
    assert not keys & set(ARABIC_ONLY.split())
    assert {"ص", "ط", "ذ"} <= set(shown["ckb_IQ"]["alternatives"])  # a long press away


def test_kurmanji_and_somali_are_qwerty_with_their_own_keys(shown: dict[str, Any]) -> None:
    latin = set("abcdefghijklmnopqrstuvwxyz")
    assert latin | set("çêîşû") <= set(shown["ku_TR"]["keys"])
    assert latin | {"'"} <= set(shown["so_SO"]["keys"])


def test_tigrinya_has_its_consonants_and_the_seven_vowel_orders(shown: dict[str, Any]) -> None:
    keys = set(shown["ti_ER"]["keys"])
    assert set("ሀለሐመረሰሸቀቐበቨተቸነኘአከኸወዐዘዠየደጀገጠጨጰጸፀፈፐ") <= keys
    assert set("äuiaeəo") <= keys
    assert set("ቈቘኰዀጐ") <= set(shown["ti_ER"]["alternatives"])  # the labiovelars


# ---------------------------------------------------------------- Ge'ez syllables
#: How Unicode names the seven orders of a syllable (ሀ HA, ሁ HU, ሂ HI, ሃ HAA, ሄ HEE, ህ HE, ሆ HO).
ORDER_NAMES = ("A", "U", "I", "AA", "EE", "E", "O")


class Geez:
    """``ui/qml/layouts/ti_ER/geez.js`` in a plain JavaScript engine."""

    def __init__(self) -> None:
        self.engine = QJSEngine()
        source = (LAYOUTS / "ti_ER" / "geez.js").read_text(encoding="utf-8")
        result = self.engine.evaluate(source, "geez.js")
        assert isinstance(result, QJSValue) and not result.isError(), result

    def vowel(self, before: str, order: int) -> tuple[int, str] | None:
        result = (
            self.engine.globalObject().property("vowel").call([QJSValue(before), QJSValue(order)])
        )
        assert not result.isError(), result.toString()
        if result.isNull():
            return None
        return result.property("replace").toInt(), result.property("text").toString()

    def orders(self) -> list[str]:
        orders: QJSValue = self.engine.globalObject().property("ORDERS")
        return [orders.property(i).toString() for i in range(orders.property("length").toInt())]


@pytest.fixture(scope="module")
def geez() -> Geez:
    return Geez()


def expected_syllable(consonant: str, order: int) -> str | None:
    """The syllable Unicode names as *consonant* in *order*, or None where it has none."""
    stem = unicodedata.name(consonant)[: -len("A")]
    try:
        return unicodedata.lookup(stem + ORDER_NAMES[order])
    except KeyError:
        return None


def test_the_vowel_keys_are_the_seven_orders(geez: Geez) -> None:
    assert geez.orders() == ["ä", "u", "i", "a", "e", "ə", "o"]


def test_a_vowel_after_each_consonant_gives_the_syllable_unicode_names(
    geez: Geez, shown: dict[str, Any]
) -> None:
    layout = shown["ti_ER"]
    consonants = sorted({c for c in layout["keys"] + layout["alternatives"] if "ሀ" <= c <= "ፚ"})
    assert len(consonants) == 33 + 7
    for consonant in consonants:
        for order in range(7):
            wanted = expected_syllable(consonant, order)
            assert geez.vowel(consonant, order) == (None if wanted is None else (1, wanted)), (
                consonant,
                order,
            )


@pytest.mark.parametrize(
    ("before", "order", "typed"),
    [
        ("ሰ", 1, (1, "ሱ")),  # sä + u: su
        ("ሱ", 3, (1, "ሳ")),  # su + a: sa (a vowel corrects the last one)
        ("ቐ", 6, (1, "ቖ")),  # Tigrinya's qhä + o
        ("ዀ", 2, (1, "ዂ")),  # a labiovelar: kxwä + i
        ("ዀ", 1, None),  # ... has no u
        ("", 3, (0, "ኣ")),  # a vowel on its own is written on አ
        (" ", 1, (0, "ኡ")),
        ("a", 0, (0, "አ")),
        ("።", 5, (0, "እ")),  # punctuation is no syllable
    ],
)
def test_a_vowel_key_after_what_is_before_the_cursor(
    geez: Geez, before: str, order: int, typed: tuple[int, str] | None
) -> None:
    assert geez.vowel(before, order) == typed
