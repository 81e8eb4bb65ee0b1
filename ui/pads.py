"""Pads of big keys for what a visitor types at the kiosk without a keyboard: PINs and codes.

A PIN pad has the ten digits; a code pad has exactly the characters a resume
code can have (Crockford's base 32: digits and the letters that cannot be
mistaken for them), so a visitor who does not read Latin script copies the code
from the receipt key by key, and nothing else can be typed. Both always run
left to right, whatever the visitor's language.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from kiosk.session.codes import ALPHABET, RESUME_LENGTH
from ui import texts
from ui.screens.base import ScreenEnv
from ui.tr import ltr_isolate
from ui.widgets import button, label


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
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "delete", "0", "ok"]
        for i, key in enumerate(keys):
            if key == "delete":
                b = button("", f"{name}-delete", on_click=self.delete, icon="delete_digit")
                b.setAccessibleName(self.t(texts.DELETE_DIGIT))
            elif key == "ok":
                b = button("", f"{name}-ok", primary=True, on_click=self.enter, icon="ok")
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
        self.display.setAccessibleName(str(len(self.digits)))


class CodePad(QWidget):
    """The code's characters as keys, delete, and the code so far in groups of four.

    Signals are plain callbacks: *on_change* after every key (the screen checks the
    code there).
    """

    COLUMNS = 8
    MAX_CHARS = RESUME_LENGTH + 1  # the code and its check character

    def __init__(
        self,
        env: ScreenEnv,
        on_change: Callable[[str], None],
        name: str = "code",
    ) -> None:
        super().__init__()
        self.t = env.tr
        self.code = ""
        self.on_change = on_change
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        box = QVBoxLayout(self)
        self.display = label("", "reference", wrap=False)
        self.display.setObjectName(f"{name}-display")
        self.display.setProperty("kiosk_id", f"{name}-display")
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.display)
        grid = QGridLayout()
        grid.setSpacing(8)
        keys = list(ALPHABET)
        for i, key in enumerate(keys):
            b = button(key, f"{name}-{key}", on_click=partial(self.press, key))
            b.setMinimumSize(env.theme.px(64), env.theme.px(60))
            grid.addWidget(b, i // self.COLUMNS, i % self.COLUMNS)
        delete = button("", f"{name}-delete", on_click=self.delete, icon="delete_digit")
        delete.setAccessibleName(self.t(texts.DELETE_DIGIT))
        delete.setMinimumSize(env.theme.px(64), env.theme.px(60))
        row, column = divmod(len(keys), self.COLUMNS)
        grid.addWidget(delete, row, column, 1, self.COLUMNS - column)
        box.addLayout(grid)
        self._show()

    def press(self, char: str) -> None:
        if len(self.code) < self.MAX_CHARS:
            self.code += char
            self._show()
            self.on_change(self.code)

    def delete(self) -> None:
        self.code = self.code[:-1]
        self._show()
        self.on_change(self.code)

    def _show(self) -> None:
        groups = "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
        self.display.setText(ltr_isolate(groups) if groups else "_")
        self.display.setAccessibleName(" ".join(self.code))
