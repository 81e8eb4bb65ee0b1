"""Continue later (choose a PIN, receive a code) and resume (type the code and the PIN)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.session.codes import RESUME_LENGTH, is_valid
from ui import texts
from ui.pads import CodePad, PinPad
from ui.screens.base import Screen, ScreenEnv
from ui.theme import show_icon
from ui.widgets import CodeWithQr, PrintFeedback, button, label


class ContinueLaterScreen(Screen):
    """Choose a PIN twice; then the code, its QR code and the date it expires."""

    name = "continue_later"

    def __init__(
        self, env: ScreenEnv, *, on_pin: Callable[[str], None], on_back: Callable[[], None]
    ) -> None:
        super().__init__(env)
        tr = self.t
        self.on_pin = on_pin
        self.first: str | None = None
        self.set_title(tr(texts.CONTINUE_LATER))
        self.prompt = label(tr(texts.CHOOSE_PIN), "subtitle")
        self.body.addWidget(self.prompt)
        self.error = label("", "error")
        self.error.setVisible(False)
        self.body.addWidget(self.error)
        self.pad = PinPad(env, self._entered)
        self.body.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignHCenter)
        self.result = QWidget()
        self.result_box = QVBoxLayout(self.result)
        self.result.setVisible(False)
        self.body.addWidget(self.result)
        self.body.addStretch(1)
        self.back = button(tr(texts.BACK), "back", on_click=on_back, icon="back")
        self.footer.addWidget(self.back)
        self.footer.addStretch(1)

    def fail(self, message: str) -> None:
        self.first = None
        self.pad.setEnabled(True)
        self.back.setEnabled(True)
        self.prompt.setText(self.t(texts.CHOOSE_PIN))
        self.error.setText(message)
        self.error.setVisible(True)

    def _entered(self, digits: str) -> None:
        if not 4 <= len(digits) <= 6:
            self.fail(self.t(texts.PIN_TOO_SHORT))
            return
        if self.first is None:
            self.first = digits
            self.error.setVisible(False)
            self.prompt.setText(self.t(texts.REPEAT_PIN))
            return
        if digits != self.first:
            self.fail(self.t(texts.PIN_MISMATCH))
            return
        self.busy()
        self.on_pin(digits)

    def busy(self) -> None:
        """Saving takes a moment (the PIN is stretched on purpose): say so, take no taps."""
        self.pad.setEnabled(False)
        self.back.setEnabled(False)
        self.error.setVisible(False)
        self.prompt.setText(self.t(texts.SAVING))

    def show_code(
        self,
        code: str,
        expires: float,
        on_finish: Callable[[], None],
        on_print: Callable[[], None] | None = None,
    ) -> None:
        tr = self.t
        self.pad.setVisible(False)
        self.prompt.setVisible(False)
        self.error.setVisible(False)
        self.back.setVisible(False)
        self.top.setEnabled(True)
        self.result_box.addWidget(CodeWithQr(tr(texts.YOUR_CODE), code, "resume_code", 220))
        until = tr.date(dt.datetime.fromtimestamp(expires).date())
        valid = label(tr(texts.CODE_VALID_UNTIL, date=until))
        valid.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.result_box.addWidget(valid)
        self.result.setVisible(True)
        if on_print is not None:
            self.print = PrintFeedback(tr, on_print)
            self.result_box.addWidget(self.print.unavailable)
            self.result_box.addWidget(self.print.printing)
            self.footer.addWidget(self.print.button)
        self.footer.addWidget(
            button(tr(texts.FINISH), "finish", primary=True, on_click=on_finish, icon="done")
        )


class ResumeScreen(Screen):
    """The code from the receipt on a pad of its characters, then the PIN on a PIN pad.

    The code's last character is a check: a mistyped code is caught here, before the
    visitor spends a PIN attempt on it.
    """

    name = "resume"

    def __init__(
        self, env: ScreenEnv, *, on_resume: Callable[[str, str], None], on_back: Callable[[], None]
    ) -> None:
        super().__init__(env, with_start_over=False)
        tr = self.t
        self.on_resume = on_resume
        self.on_back = on_back
        self.set_title(tr(texts.RESUME))
        self.prompt = label(tr(texts.ENTER_CODE), "subtitle")
        self.body.addWidget(self.prompt)
        self.error = label("", "error")
        self.error.setVisible(False)
        self.body.addWidget(self.error)
        self.status = label(tr(texts.OPENING), "subtitle")
        self.status.setVisible(False)
        self.body.addWidget(self.status)
        self.code = CodePad(env, self._code_changed, "resume-code")
        self.body.addWidget(self.code, 0, Qt.AlignmentFlag.AlignHCenter)
        self.pad = PinPad(env, self._entered, "resume-pin")
        self.pad.setVisible(False)
        self.body.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignHCenter)
        self.body.addStretch(1)
        self.back = button(tr(texts.BACK), "back", on_click=self._back, icon="back")
        self.footer.addWidget(self.back)
        self.footer.addStretch(1)
        self.next = button(tr(texts.NEXT), "resume-next", primary=True, on_click=self._to_pin)
        show_icon(self.next, "next")
        self.next.setEnabled(False)
        self.footer.addWidget(self.next)

    def _code_changed(self, code: str) -> None:
        complete = len(code) == RESUME_LENGTH + 1
        valid = complete and is_valid(code, RESUME_LENGTH)
        self.next.setEnabled(valid)
        self.error.setVisible(complete and not valid)
        if complete and not valid:
            self.error.setText(self.t(texts.RESUME_INVALID))
            self.error.setAccessibleName(self.error.text())

    def _to_pin(self) -> None:
        self.code.setVisible(False)
        self.next.setVisible(False)
        self.error.setVisible(False)
        self.pad.setVisible(True)
        self.prompt.setText(self.t(texts.ENTER_PIN))

    def _back(self) -> None:
        if self.pad.isVisible():  # from the PIN back to the code
            self.pad.setVisible(False)
            self.code.setVisible(True)
            self.next.setVisible(True)
            self.error.setVisible(False)
            self.prompt.setText(self.t(texts.ENTER_CODE))
            return
        self.on_back()

    def _entered(self, pin: str) -> None:
        self.pad.setEnabled(False)  # opening takes a moment: no second attempt meanwhile
        self.error.setVisible(False)
        self.status.setVisible(True)
        self.on_resume(self.code.code, pin)

    def fail(self, message: str) -> None:
        self.pad.setEnabled(True)
        self.status.setVisible(False)
        self.error.setText(message)
        self.error.setAccessibleName(message)
        self.error.setVisible(True)
