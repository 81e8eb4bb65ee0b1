"""The kiosk's own keyboard layouts, tapped key by key on a real X server.

``python -m tests.screen.keyboard_layouts --out DIR [LANG...]`` under an X server: the kiosk
full screen as ``kiosk run`` shows it (see :class:`tests.screen.driver.RealScreen`), a form
open, the visitor's language switched to each language in turn through the visit
controller (set-up, as a language button does: one visit serves all of them), then
each key is found in the keyboard's QML item tree and tapped through XTEST where it is
drawn, as a finger would, and the field must hold what the keys say. A picture of each
layout is kept in DIR. Exit 0 when every language went through; otherwise every failure
on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtQuick import QQuickItem
from PySide6.QtWidgets import QApplication, QLineEdit

from tests.screen.driver import JourneyError, RealScreen
from tests.screen.journeys import open_form, start
from ui.tr import KEYBOARD_LOCALES


@dataclass(frozen=True)
class Typing:
    """Keys to tap (their labels, in order) into a field, and what the field then holds."""

    field: str
    keys: tuple[str, ...]
    expected: str


#: Per language: words typed on its own layout. Names go into a name field for the Latin
#: scripts (their layout serves names), free text into the country search otherwise.
TYPING: dict[str, list[Typing]] = {
    "ps": [  # ښځه (woman), ګټه (profit): ښ ځ ګ ټ are Pashto's own letters
        Typing("nationality.search", ("ښ", "ځ", "ه", " ", "ګ", "ټ", "ه"), "ښځه ګټه"),
    ],
    "ckb": [  # گوڵ (flower), سێو (apple): ڵ and ێ are Sorani's own letters
        Typing("nationality.search", ("گ", "و", "ڵ", " ", "س", "ێ", "و"), "گوڵ سێو"),
    ],
    "ku": [
        Typing("family_name", ("ş", "ê", "x", "o"), "şêxo"),
        Typing("given_names", ("b", "e", "r", "î", "v", "a", "n"), "berîvan"),
    ],
    "so": [Typing("family_name", ("m", "a", "'", "r", "u", "u", "f"), "ma'ruuf")],
    "ti": [
        Typing("nationality.search", ("ሰ", "u"), "ሱ"),  # sä + u: su
        # ሰላም (peace): ለ + a, መ + ə; ቐይሕ (red): ቐ, የ + ə, ሐ + ə; ኣደ (mother): a vowel
        # on its own is written on አ
        Typing(
            "nationality.search",
            ("ሰ", "ለ", "a", "መ", "ə", " ", "ቐ", "የ", "ə", "ሐ", "ə", " ", "a", "ደ"),
            "ሰላም ቐይሕ ኣደ",
        ),
    ],
}
RIGHT_TO_LEFT = {"ps", "ckb"}


def key_item(s: RealScreen, label: str) -> QQuickItem | None:
    """The key drawn with *label* (its ``text``: the letter it types, " " for space)."""
    for item in s.keyboard_items():
        if item.property("key") is not None and item.property("text") == label:
            return item
    return None


def tap_key(s: RealScreen, label: str) -> None:
    """Tap the key *label* through X, at the centre of where it is drawn."""
    item = key_item(s, label)
    if item is None:
        s.fail(f"no key {label!r} on the keyboard; it shows {s.keyboard_letters()!r}")
    assert item is not None and s.window.keyboard is not None
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    point = s.window.keyboard.view.mapToGlobal(centre)
    keyboard = s.keyboard_rect()
    if keyboard is None or not keyboard.contains(point):
        s.fail(f"the key {label!r} lies outside the keyboard at {point.toTuple()}")
    s.pointer.tap(point.x(), point.y())
    s.settle(0.15)


def type_on(s: RealScreen, lang: str, number: int, typing: Typing) -> None:
    s.tap(typing.field)
    s.wait_until(lambda: s.keyboard_rect() is not None, 5, "the keyboard")
    focus = QApplication.focusWidget()
    if focus is None or (focus.property("kiosk_id") or focus.objectName()) != typing.field:
        s.fail(f"tapping {typing.field} did not focus it")
    if isinstance(focus, QLineEdit):
        focus.clear()  # set-up: the field empty, whatever the last language typed
    layout = KEYBOARD_LOCALES[lang]
    panel = s.window.keyboard
    assert panel is not None
    s.wait_until(lambda: panel.using == layout, 5, f"the {layout} layout chosen")
    first = typing.keys[0]
    s.wait_until(lambda: key_item(s, first) is not None, 5, f"the key {first!r} of {layout}")
    s.settle(0.3)
    s.shot(f"{lang}-{number}-{layout}")
    for label in typing.keys:
        tap_key(s, label)
    s.settle(0.2)
    s.check()
    s.shot(f"{lang}-{number}-typed")
    typed = s.focused_text()
    if typed.casefold() != typing.expected.casefold():  # a name's first letter: a capital
        s.fail(f"{lang}: tapping {' '.join(typing.keys)} gave {typed!r}, not {typing.expected!r}")
    direction = QGuiApplication.inputMethod().inputDirection()
    wanted = (
        Qt.LayoutDirection.RightToLeft if lang in RIGHT_TO_LEFT else Qt.LayoutDirection.LeftToRight
    )
    if direction != wanted:
        s.fail(f"{lang}: the keyboard writes {direction.name}, not {wanted.name}")


def try_language(s: RealScreen, lang: str) -> str | None:
    """Type every word of *lang*; None if all went in, else why not."""
    try:
        s.window.visit.set_language(lang)  # set-up, as a tap on the language button would
        s.settle(0.3)
        for number, typing in enumerate(TYPING[lang], 1):
            type_on(s, lang, number, typing)
    except JourneyError as exc:
        return str(exc)
    return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("languages", nargs="*", default=list(TYPING))
    args = parser.parse_args()
    os.environ.pop("QT_QPA_PLATFORM", None)  # the real X server, not offscreen
    faulthandler.dump_traceback_later(
        int(os.environ.get("KIOSK_JOURNEY_TIMEOUT", "240")), exit=True
    )
    home = Path(tempfile.mkdtemp(prefix="kiosk-keyboards-"))
    screen = RealScreen(args.out, home=home)
    failures: list[str] = []
    try:
        start(screen, "de")
        open_form(screen, "auslaenderbehoerde", "appointment_request")
        for lang in args.languages:
            problem = try_language(screen, lang)
            if problem is not None:
                failures.append(problem)
    except Exception:
        screen.shot("failed-exception")
        traceback.print_exc()
        return 1
    finally:
        screen.close()
    for failure in failures:
        print(f"KEYBOARD FAILED: {failure}", file=sys.stderr, flush=True)
    if not failures:
        print("every layout typed what its keys say", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    os._exit(main())  # skip Qt's teardown order: the result is already printed
