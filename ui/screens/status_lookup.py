"""Where an application stands: the reference and the status code from the receipt, and
the office's answer in the visitor's language.

Both codes are typed on the code pad of the resume screen (only the characters a code
can have, always left to right) into two boxes; a tap on a box chooses which one the
pad types into, and a complete reference moves on to the status code by itself. A QR
scanner at the terminal acts as a keyboard: it types the receipt's QR text and Enter
into whatever has focus, so the screen takes key presses from all its controls and
fills both boxes from a scanned ``MDSTATUS:`` text (then looks it up at once).

Nothing here is a visit: the codes live in the boxes only, and leave with the screen
(start over, the idle wipe).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.session.codes import REFERENCE_LENGTH, normalise, reference_is_valid
from kiosk.session.receipt_status import (
    SECRET_LENGTH,
    Status,
    parse_scan,
    reference_body,
    well_formed,
)
from kiosk.store.receipt_status import StatusRow
from ui import texts
from ui.icons import pixmap
from ui.pads import CodePad
from ui.screens.base import Screen, ScreenEnv
from ui.theme import current
from ui.tr import Tr, ltr_isolate
from ui.widgets import button, label

#: a reference (after ``MD-``) and a status code both have eight characters and a check
CODE_CHARS = REFERENCE_LENGTH + 1
assert SECRET_LENGTH + 1 == CODE_CHARS
#: a scanner types the QR text, then Enter; nothing longer is kept
MAX_SCAN = 200

SENTENCES = {
    Status.RECEIVED: texts.STATUS_RECEIVED,
    Status.IN_PROGRESS: texts.STATUS_IN_PROGRESS,
    Status.DOCUMENTS_MISSING: texts.STATUS_DOCUMENTS_MISSING,
    Status.DECIDED_BY_POST: texts.STATUS_DECIDED_BY_POST,
}


def status_sentence(tr: Tr, office: str, row: StatusRow) -> str:
    """The office's status as one sentence in the visitor's language, its day as people
    of that language write a date."""
    day = tr.date(dt.date.fromisoformat(row.status_on))
    return tr(SENTENCES[Status(row.status)], office=office, date=day)


def slots(typed: str, prefix: str = "") -> str:
    """*typed* in groups of four with a line for every character still to come, the way
    the receipt prints it (``MD-7K3Q-9X__-_``)."""
    padded = (typed + "_" * CODE_CHARS)[:CODE_CHARS]
    return prefix + "-".join(padded[i : i + 4] for i in range(0, CODE_CHARS, 4))


class StatusPad(CodePad):
    """The resume code pad, for codes of nine characters: eleven narrower keys a row, so
    its three rows leave the answer, both boxes and the buttons room on a 1366 x 768
    screen, and eleven keys fit across a portrait screen, with large text too."""

    MAX_CHARS = CODE_CHARS
    COLUMNS = 11

    def __init__(self, env: ScreenEnv, on_change: Callable[[str], None], name: str) -> None:
        super().__init__(env, on_change, name)
        self.setStyleSheet("QPushButton { padding: 6px 4px; min-width: 40px; }")
        for key in self.findChildren(QPushButton):
            key.setMinimumSize(env.theme.px(56), env.theme.px(60))


class CodeBox(QPushButton):
    """One of the two codes: its name in the visitor's language above what is typed so far.
    The box the pad types into is checked, and shows a pencil."""

    def __init__(self, title: str, name: str, prefix: str = "") -> None:
        super().__init__()
        self.prefix = prefix
        self.value = ""
        self.setCheckable(True)
        self.setProperty("kiosk_id", name)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 10, 16, 10)
        column.setSpacing(4)
        top = QHBoxLayout()
        top.addStretch(1)
        self.mark = label("", wrap=False)  # a pencil, in the colour of the checked box's words
        top.addWidget(self.mark)
        self.mark.setVisible(False)
        self.title = label(title)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        top.addWidget(self.title)
        top.addStretch(1)
        column.addLayout(top)
        self.shown = label("", "title", wrap=False)
        self.shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self.shown)
        for part in (self.mark, self.title, self.shown):
            part.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAccessibleName(title)
        self.toggled.connect(self._show_state)
        self.set_value("")

    def set_value(self, value: str) -> None:
        self.value = value
        self.shown.setText(ltr_isolate(slots(value, self.prefix)))
        self.setAccessibleDescription(" ".join(self.prefix.strip("-") + value))

    def _show_state(self, on: bool) -> None:
        self.mark.setVisible(on)
        for part in (self.title, self.shown):
            part.setProperty("on", on)
            part.style().unpolish(part)
            part.style().polish(part)
        self._paint_mark()

    def _paint_mark(self) -> None:
        theme = current()
        self.mark.setPixmap(pixmap("edit", theme.colors["selected_fg"], theme.icon_size()))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.StyleChange:  # high contrast or larger text
            self._paint_mark()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        layout = self.layout()
        return layout.minimumSize() if layout is not None else super().minimumSizeHint()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        layout = self.layout()
        return layout.sizeHint() if layout is not None else super().sizeHint()


class StatusLookupScreen(Screen):
    """Two boxes and the code pad; "look up" asks the core, the answer shows at the top."""

    name = "status_lookup"

    def __init__(
        self,
        env: ScreenEnv,
        *,
        on_look_up: Callable[[str, str], None],
        on_back: Callable[[], None],
    ) -> None:
        super().__init__(env)
        tr = self.t
        self.on_look_up = on_look_up
        self.scanned = ""  # what a scanner typed since its last Enter
        self._spoken = ""
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a scanner types even before a tap
        self.set_title(tr(texts.CHECK_APPLICATION))
        self.card = QFrame()  # the office's answer, framed, above everything typed
        self.card.setObjectName("card")
        self.card.setVisible(False)
        framed = QHBoxLayout(self.card)
        framed.setContentsMargins(16, 12, 16, 12)
        self.answer = label("", "subtitle")
        self.answer.setProperty("kiosk_id", "status-answer")
        framed.addWidget(self.answer)
        self.body.addWidget(self.card)
        self.error = label("", "error")
        self.error.setProperty("kiosk_id", "status-error")
        self.error.setVisible(False)
        self.body.addWidget(self.error)
        self.prompt = label(tr(texts.STATUS_PROMPT))
        self.body.addWidget(self.prompt)
        codes = QWidget()
        codes.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # codes run left to right
        boxes = QHBoxLayout(codes)
        boxes.setContentsMargins(0, 0, 0, 0)
        boxes.setSpacing(12)
        self.reference = CodeBox(tr(texts.STATUS_REFERENCE), "status-reference", "MD-")
        self.code = CodeBox(tr(texts.STATUS_CODE), "status-code")
        for box in (self.reference, self.code):
            box.setLayoutDirection(tr.direction)
            box.clicked.connect(lambda _=False, box=box: self.choose(box))
            boxes.addWidget(box)
        self.body.addWidget(codes)
        self.pad = StatusPad(env, self._typed, "status-pad")
        self.pad.display.setVisible(False)  # the boxes show what is typed
        self.body.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignHCenter)
        self.body.addStretch(1)
        self.back = button(tr(texts.BACK), "back", on_click=on_back, icon="back")
        self.footer.addWidget(self.back)
        self.footer.addStretch(1)
        self.look_up = button(
            tr(texts.LOOK_UP), "status-look-up", primary=True, on_click=self.submit, icon="search"
        )
        self.look_up.setEnabled(False)
        self.footer.addWidget(self.look_up)
        self.active = self.reference
        self.choose(self.reference)

    # ---------------------------------------------------------------- typing on the pad
    def choose(self, box: CodeBox) -> None:
        """The pad types into *box* from now on."""
        self.active = box
        for each in (self.reference, self.code):
            each.setChecked(each is box)
        self.pad.code = box.value

    def _typed(self, value: str) -> None:
        self.active.set_value(value)
        self._changed()
        if self.active is self.reference and len(value) == CODE_CHARS and not self.code.value:
            self.choose(self.code)

    def fill(self, reference: str, code: str) -> None:
        """Both boxes at once (a scan); the pad goes on in the status code."""
        self.reference.set_value(reference_body(reference)[:CODE_CHARS])
        self.code.set_value(normalise(code)[:CODE_CHARS])
        self._changed()
        self.choose(self.code)

    def _changed(self) -> None:
        """Other codes than those the answer was for: the answer goes."""
        self.card.setVisible(False)
        self.error.setVisible(False)
        complete = all(len(b.value) == CODE_CHARS for b in (self.reference, self.code))
        self.look_up.setEnabled(complete)

    # ---------------------------------------------------------------- asking
    def submit(self) -> None:
        if not self.look_up.isEnabled():
            return
        reference, code = f"MD-{self.reference.value}", self.code.value
        if not well_formed(reference, code):  # a typo: the check characters tell, no lookup
            self.fail(self.t(texts.STATUS_CODE_TYPO))
            return
        self.look_up.setEnabled(False)  # one question at a time
        self.error.setVisible(False)
        self.say(self.answer, self.t(texts.LOOKING_UP))
        self.on_look_up(reference, code)

    def show_answer(self, text: str) -> None:
        """What the office said, or that there is nothing to say yet."""
        self.error.setVisible(False)
        self.say(self.answer, text)
        self.look_up.setEnabled(True)

    def fail(self, text: str) -> None:
        """A typo in the codes (or a problem of the terminal's own)."""
        self.card.setVisible(False)
        self.say(self.error, text)
        self.look_up.setEnabled(True)

    def say(self, where: QLabel, text: str) -> None:
        where.setText(text)
        where.setAccessibleName(text)
        (self.card if where is self.answer else where).setVisible(True)
        self._spoken = text
        QTimer.singleShot(0, self, self._to_top)  # once laid out: the page may be scrolled to a key

    def _to_top(self) -> None:
        """The answer (or the message) at the top of the page is what to read now."""
        area = self.card.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is not None:
            area.verticalScrollBar().setValue(0)

    # ---------------------------------------------------------------- a QR scanner
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.focusWidget() is None:
            self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Keys from the focused control (none of them takes text) end up here."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            scanned, self.scanned = self.scanned, ""
            self.scanned_text(scanned)
            event.accept()
            return
        text = event.text()
        if text and text.isprintable():
            self.scanned = (self.scanned + text)[-MAX_SCAN:]
            event.accept()
            return
        super().keyPressEvent(event)

    def scanned_text(self, text: str) -> None:
        """A receipt's QR text fills both boxes and is looked up; a bare reference (a
        receipt from before status codes) fills its box; anything else is a misread."""
        text = text.strip()
        if not text:
            return
        parsed = parse_scan(text)
        if parsed is not None:
            self.fill(*parsed)
            self.submit()
            return
        if reference_is_valid(text):
            self.reference.set_value(reference_body(text))
            self._changed()
            self.choose(self.code)
            return
        self.fail(self.t(texts.STATUS_CODE_TYPO))

    def speech_text(self) -> str:
        return self._spoken or f"{self._title}. {self.prompt.text()}"
