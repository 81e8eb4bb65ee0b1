"""A question's words never pass under or over its controls.

Long questions in right-to-left (Arabic, Persian) and left-to-right (German,
Ukrainian) languages, with their help, messages and required mark shown, in
normal and larger text, at the width of every terminal screen: every label
keeps a rectangle of its own beside the help button and the input's controls,
and is as tall as its wrapped words need, so no word is hidden.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.model import Consent, Form, FormField, Option
from kiosk.engine.messages import Message
from ui.fields.frame import FieldContext, FieldFrame, GroupFrame
from ui.theme import Theme, current, set_current
from ui.tr import Tr
from ui.widgets import scroll

#: The terminals' screens: landscape, portrait, and the small landscape one.
TERMINALS = [(1920, 1080), (1080, 1920), (1366, 768)]

#: A question long enough to wrap onto two lines or more even on the widest screen.
QUESTION = {
    "ar": "هل سبق لك أن أقمت خارج ألمانيا خلال السنوات الخمس الماضية، وإذا كان الأمر كذلك، "
    "ففي أي البلدان ولأي مدة تقريبًا، ومع من من أفراد أسرتك، وهل كان لديك هناك تصريح إقامة "
    "ساري المفعول أو تأشيرة أو وثيقة أخرى تسمح لك بالإقامة، وهل ما زالت هذه الوثيقة "
    "صالحة اليوم، ومن أي سلطة صدرت، وفي أي تاريخ انتهت صلاحيتها أو ستنتهي؟",
    "fa": "آیا در پنج سال گذشته خارج از آلمان زندگی کرده‌اید و اگر بله، در کدام کشورها و "
    "تقریباً برای چه مدت، همراه با کدام یک از اعضای خانواده‌تان، و آیا در آنجا اجازه اقامت "
    "معتبر یا روادید یا مدرک دیگری داشتید که به شما اجازه اقامت می‌داد، و آیا این مدرک "
    "امروز هنوز معتبر است، از طرف کدام اداره صادر شده و در چه تاریخی اعتبار آن تمام شده یا "
    "تمام خواهد شد؟",
    "de": "Haben Sie in den letzten fünf Jahren außerhalb Deutschlands gewohnt, und wenn ja, "
    "in welchen Ländern und ungefähr wie lange, mit welchen Angehörigen Ihrer Familie, und "
    "hatten Sie dort einen gültigen Aufenthaltstitel, ein Visum oder ein anderes Dokument?",
    "uk": "Чи проживали ви протягом останніх п’яти років за межами Німеччини, і якщо так, то "
    "в яких країнах і приблизно як довго, з якими членами вашої родини, і чи мали ви там "
    "дійсний дозвіл на проживання, візу або інший документ, що дозволяв вам там жити?",
}

#: Help and messages: the same words again, longer still.
LONGER = {lang: f"{words} {words}" for lang, words in QUESTION.items()}

GERMAN = "Wohnsitz im Ausland in den letzten fünf Jahren"


def _field(key: str, kind: str, **extra: object) -> FormField:
    return FormField.model_validate(
        {"id": key, "type": kind, "label": GERMAN, "help": "Hilfe zur Frage", **extra}
    )


#: One question of each kind a frame lays out differently, a repeat group among them.
FIELDS = [
    _field("words", "text"),
    _field("story", "long_text"),
    _field("abroad", "yes_no"),
    _field(
        "reason",
        "choice",
        options=[Option(value=v, label=f"Grund {v}") for v in ("a", "b", "c", "d")],
    ),
    _field("country", "country"),
    _field("since", "date"),
    _field("counted", "integer", compute="1 + 1"),
    _field("address", "address"),
    _field("agree", "consent", consent=Consent(text="Ich bin einverstanden.", version="1")),
    _field("signature", "signature"),
    _field("proof", "attachment"),
    FormField.model_validate({"id": "remark", "type": "note", "label": GERMAN}),
    FormField.model_validate(
        {
            "id": "stays",
            "type": "group",
            "label": GERMAN,
            "item_label": "Aufenthalt",
            "fields": [_field("place", "place"), _field("until", "date")],
        }
    ),
]


class LongWords(FieldContext):
    """The demo catalog's context, with every question, help and consent text long."""

    def __init__(self, tr: Tr, form: Form, today: dt.date) -> None:
        super().__init__(tr, form, today)
        self.lang = tr.lang

    def text(self, key: str, attr: str, german: str) -> str:
        return LONGER[self.lang] if attr == "help" else QUESTION[self.lang]


#: What a visitor sees as one thing: words, a button, a box to type in, a list.
CONTROLS = (QLabel, QAbstractButton, QLineEdit, QAbstractScrollArea)


def parts(top: QWidget) -> list[QWidget]:
    """The visible things inside *top* that must each have their own place: controls and
    labels, and any other widget with nothing visible inside (a signature pad). A button's
    own words are the button's, not a separate part."""
    found: list[QWidget] = []
    for child in top.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if not child.isVisibleTo(top):
            continue
        inner = parts(child)
        if isinstance(child, CONTROLS) or not inner:
            found.append(child)
        else:
            found.extend(inner)
    return found


def place(widget: QWidget, top: QWidget) -> QRect:
    return QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())


def name(widget: QWidget) -> str:
    words = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
    return f"{type(widget).__name__}({widget.property('kiosk_id') or words[:24]!r})"


def problems(top: QWidget) -> list[str]:
    """Overlapping parts, parts outside their frame, and labels too short for their words."""
    found: list[str] = []
    laid = [(part, place(part, top)) for part in parts(top)]
    for index, (part, where) in enumerate(laid):
        if not top.rect().contains(where):
            found.append(f"{name(part)} {where} leaves its frame {top.rect()}")
        for other, there in laid[index + 1 :]:
            if where.intersects(there):
                found.append(f"{name(part)} {where} overlaps {name(other)} {there}")
        if isinstance(part, QLabel) and part.wordWrap() and part.text():
            needed = part.heightForWidth(part.width())
            if needed > part.height():
                found.append(
                    f"{name(part)} needs {needed}px at {part.width()}, has {part.height()}"
                )
    return found


@pytest.fixture
def restore_look() -> Iterator[None]:
    """The direction and theme a test sets are the whole application's: put them back."""
    direction, theme = QApplication.layoutDirection(), current()
    yield
    QApplication.setLayoutDirection(direction)
    set_current(theme)


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("lang", ["ar", "fa", "de", "uk"])
def test_words_keep_their_own_place_beside_the_controls(
    qtbot: QtBot, demo: CompiledCatalog, restore_look: None, lang: str, large: bool
) -> None:
    tr, theme = Tr(lang, demo), Theme(large_text=large)
    QApplication.setLayoutDirection(tr.direction)
    set_current(theme)
    ctx = LongWords(tr, demo.catalog.form("appointment_request"), dt.date(2026, 11, 21))

    def child(f: FormField, key: str, path: str) -> FieldFrame:
        return FieldFrame(f, key, path, ctx)

    page = QWidget()
    column = QVBoxLayout(page)
    frames: list[FieldFrame | GroupFrame] = []
    for f in FIELDS:
        if f.type == "group":
            group = GroupFrame(f, ctx, child)
            group.add_item({})
            group.set_messages([Message(f.id, "x", LONGER[lang], LONGER["de"])])
            frames.append(group)
        else:
            frame = child(f, f.id, f.id)
            frame.set_required(True)  # the required mark is part of the words
            frame.set_messages([Message(f.id, "x", LONGER[lang], LONGER["de"])])
            if frame.help_button is not None:
                frame.help_button.setChecked(True)  # its help shown below the question
            frames.append(frame)
        column.addWidget(frames[-1])
    screen = scroll(page)
    screen.setStyleSheet(theme.stylesheet())
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)

    found: list[str] = []
    for width, height in TERMINALS:
        screen.resize(width, height)
        QApplication.processEvents()
        for top in frames:
            found += [f"{width}x{height} {top.path}: {p}" for p in problems(top)]
        first = frames[0]
        assert isinstance(first, FieldFrame) and first.help_button is not None
        words, lines = first.label, first.label.fontMetrics().lineSpacing()
        assert words.height() >= 2 * lines, "the question fits on one line: it tests nothing"
        assert first.help_button.isVisibleTo(first)
        assert words.layoutDirection() == tr.direction
    assert not found, "\n".join(found)
