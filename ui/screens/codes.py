"""Continue later (choose a PIN, receive a code) and resume (type the code and the PIN)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLineEdit, QVBoxLayout, QWidget

from ui import texts
from ui.screens.base import Screen, ScreenEnv
from ui.widgets import PrintFeedback, button, label, ltr_isolate, qr_pixmap


class PinPad(QWidget):
    """Ten big digit keys (always left to right), delete, and a dotted display."""

    def __init__(
        self,
        env: ScreenEnv,
        on_enter: Callable[[str], None],
        name: str = "pin",
        max_digits: int = 6,
    ) -> None:
        super().__init__()
        self.t = env.tr
        self.digits = ""
        self.max_digits = max_digits
        self.on_enter = on_enter
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        box = QVBoxLayout(self)
        self.display = label("", "reference", wrap=False)
        self.display.setObjectName(f"{name}-display")
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.display)
        grid = QGridLayout()
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "✓"]
        for i, key in enumerate(keys):
            if key == "⌫":
                b = button(key, f"{name}-delete", on_click=self.delete)
                b.setAccessibleName(self.t(texts.DELETE_DIGIT))
            elif key == "✓":
                b = button(key, f"{name}-ok", primary=True, on_click=self.enter)
                b.setAccessibleName(self.t(texts.OK))
            else:
                b = button(key, f"{name}-{key}", on_click=partial(self.press, key))
            b.setMinimumSize(env.theme.px(96), env.theme.px(72))
            grid.addWidget(b, i // 3, i % 3)
        box.addLayout(grid)

    def press(self, digit: str) -> None:
        if len(self.digits) < self.max_digits:
            self.digits += digit
            self._show()

    def delete(self) -> None:
        self.digits = self.digits[:-1]
        self._show()

    def enter(self) -> None:
        digits, self.digits = self.digits, ""
        self._show()
        self.on_enter(digits)

    def _show(self) -> None:
        self.display.setText("●" * len(self.digits))


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
        self.back = button(tr(texts.BACK), "back", on_click=on_back)
        self.footer.addWidget(self.back)
        self.footer.addStretch(1)

    def fail(self, message: str) -> None:
        self.first = None
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
        self.on_pin(digits)

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
        self.result_box.addWidget(label(tr(texts.YOUR_CODE), "subtitle"))
        shown = label(ltr_isolate(code), "reference", selectable=True)
        shown.setProperty("resume_code", code)
        shown.setAccessibleName(code)
        self.result_box.addWidget(shown)
        qr = label("", "qr", wrap=False)
        qr.setPixmap(qr_pixmap(code, 220))
        qr.setAccessibleName(code)
        self.result_box.addWidget(qr)
        until = tr.date(dt.datetime.fromtimestamp(expires).date())
        self.result_box.addWidget(label(tr(texts.CODE_VALID_UNTIL, date=until)))
        self.result.setVisible(True)
        if on_print is not None:
            self.print = PrintFeedback(tr, on_print)
            self.result_box.addWidget(self.print.unavailable)
            self.result_box.addWidget(self.print.printing)
            self.footer.addWidget(self.print.button)
        self.footer.addWidget(button(tr(texts.FINISH), "finish", primary=True, on_click=on_finish))


class ResumeScreen(Screen):
    """The code from the receipt (typed or read aloud by staff), then the PIN."""

    name = "resume"

    def __init__(
        self, env: ScreenEnv, *, on_resume: Callable[[str, str], None], on_back: Callable[[], None]
    ) -> None:
        super().__init__(env, with_start_over=False)
        tr = self.t
        self.on_resume = on_resume
        self.set_title(tr(texts.RESUME))
        self.body.addWidget(label(tr(texts.ENTER_CODE), "subtitle"))
        self.code = QLineEdit()
        self.code.setObjectName("resume-code")
        self.code.setAccessibleName(tr(texts.ENTER_CODE))
        self.code.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.code.setInputMethodHints(
            Qt.InputMethodHint.ImhPreferUppercase | Qt.InputMethodHint.ImhNoPredictiveText
        )
        self.body.addWidget(self.code)
        self.body.addWidget(label(tr(texts.ENTER_PIN), "subtitle"))
        self.error = label("", "error")
        self.error.setVisible(False)
        self.body.addWidget(self.error)
        self.pad = PinPad(env, lambda pin: self.on_resume(self.code.text(), pin), "resume-pin")
        self.body.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignHCenter)
        self.body.addStretch(1)
        self.footer.addWidget(button(tr(texts.BACK), "back", on_click=on_back))
        self.footer.addStretch(1)

    def fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.setAccessibleName(message)
        self.error.setVisible(True)
