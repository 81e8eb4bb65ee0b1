"""A question on screen: label in the visitor's language, the German term beside it,
help behind an info button, the input, and the engine's messages in both languages."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.definition.model import FormField
from kiosk.definition.strings import field_ctx, option_ctx
from kiosk.engine.field_types import ALWAYS_LTR_TYPES
from kiosk.engine.messages import Message
from ui import texts
from ui.fields.by_type import FieldContext, make_input
from ui.glossary import term_label
from ui.tr import ltr_isolate
from ui.widgets import button, german_label, icon_button, label

#: The screens build frames with the form's FieldContext, so it is offered here too.
__all__ = ["FieldContext", "FieldFrame", "GroupFrame", "head_row"]


def head_row(words: QLabel, *controls: QWidget | None) -> QHBoxLayout:
    """A question's words with its controls (help, ...) at the end of the reading direction.

    The words take the row's width less the controls' and wrap within it; the layout,
    not the code, places everything, so Qt mirrors the row for right-to-left languages
    and the words get as many lines as they need beside the controls, never under them.
    Controls sit at the top, next to the first line.
    """
    row = QHBoxLayout()
    row.setSpacing(12)
    row.addWidget(words, 1)
    for control in controls:
        if control is not None:
            row.addWidget(control, 0, Qt.AlignmentFlag.AlignTop)
    return row


class FieldFrame(QFrame):
    """One question. Emits ``changed`` and ``left`` with its path."""

    changed = Signal(str)
    left = Signal(str)

    def __init__(self, f: FormField, key: str, path: str, ctx: FieldContext) -> None:
        super().__init__()
        self.field, self.key, self.path, self.ctx = f, key, path, ctx
        tr = ctx.tr
        self.setProperty("field_path", path)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        self.title = ctx.text(key, "label", f.label)
        self.label = term_label(
            self.title,
            tr,
            "subtitle" if f.holds_answer else "",
            german=f.label,
            ctx=field_ctx(ctx.form.id, key, "label"),
        )
        self.help_text = ctx.text(key, "help", f.help) if f.help else ""
        self.help_button: QPushButton | None = None
        if self.help_text:
            self.help_button = icon_button(
                "help", f"{path}.help", f"{tr(texts.HELP)}: {self.title}", checkable=True
            )
        self.speak_button: QPushButton | None = None
        if ctx.speak is not None:
            self.speak_button = icon_button(
                "read_aloud",
                f"{path}.read_aloud",
                tr(texts.READ_QUESTION, question=self.title),
            )
            self.speak_button.clicked.connect(lambda: self._speak())
        layout.addLayout(head_row(self.label, self.speak_button, self.help_button))
        if not tr.shows_german:
            self.german = german_label(f.label, tr)
            layout.addWidget(self.german)
        self.help = term_label(
            self.help_text, tr, "muted", german=f.help, ctx=field_ctx(ctx.form.id, key, "help")
        )
        self.help.setVisible(False)
        layout.addWidget(self.help)
        if self.help_button is not None:
            self.help_button.toggled.connect(self.help.setVisible)
        self.input = make_input(f, path, ctx)
        self.computed: QLabel | None = None
        if f.compute is not None:
            self.computed = label(tr(texts.COMPUTED), "subtitle")
            self.computed.setProperty("kiosk_id", f"{path}.computed")
            layout.addWidget(self.computed)
            self.input = None
        elif self.input is not None:
            layout.addWidget(self.input)
            self.input.changed.connect(lambda: self.changed.emit(self.path))
            self.input.left.connect(lambda: self.left.emit(self.path))
        self.errors = label("", "error")
        self.errors.setVisible(False)
        layout.addWidget(self.errors)

    def value(self) -> Any:
        return self.input.value() if self.input is not None else None

    def set_value(self, value: Any) -> None:
        if self.input is not None:
            self.input.set_value(value)

    def set_required(self, required: bool) -> None:
        suffix = " *" if required else ""
        self.label.setText(self.title + suffix)
        self.label.setAccessibleName(
            self.title + (f" ({self.ctx.tr(texts.REQUIRED)})" if required else "")
        )

    def set_computed(self, value: Any) -> None:
        if self.computed is not None:
            if value is None:
                shown = self.ctx.tr(texts.COMPUTED)
            elif self.field.type in ALWAYS_LTR_TYPES:
                shown = ltr_isolate(str(value))  # a number or an amount: left to right
            else:
                shown = f"\u2068{value}\u2069"  # a date: in its own words' direction
            self.computed.setText(shown)
            self.computed.setAccessibleName(shown)

    def set_messages(self, messages: list[Message]) -> None:
        if not messages:
            self.errors.setVisible(False)
            self.errors.setText("")
            return
        tr = self.ctx.tr
        self.errors.setText("\n".join(tr.with_german(m.text, m.text_de) for m in messages))
        self.errors.setAccessibleName(self.errors.text())
        self.errors.setVisible(True)

    def speech_text(self) -> str:
        """The question, its help, its answers to choose from, and what is wrong with
        the answer given: what a visitor who cannot read needs to answer it."""
        parts = [self.title, self.help_text]
        if self.field.options is not None or self.field.codelist is not None:
            parts += [words for _, words, _ in self.ctx.options(self.field, self.key)][:30]
        if self.errors.isVisible():
            parts.append(self.errors.text().split("\n")[0])
        return ". ".join(part.strip().rstrip(".") for part in parts if part.strip()) + "."

    def speech_contexts(self) -> list[str]:
        """The catalog texts :meth:`speech_text` reads, by context, in its order."""
        form = self.ctx.form.id
        out = [field_ctx(form, self.key, "label")]
        if self.help_text:
            out.append(field_ctx(form, self.key, "help"))
        if self.field.options is not None:
            out += [option_ctx(form, self.key, o.value) for o in self.field.options][:30]
        return out

    def _speak(self) -> None:
        if self.ctx.speak is not None:
            self.ctx.speak(self.speech_text(), self.speech_contexts())


class GroupFrame(QFrame):
    """A repeat group: a card per item with its questions, add and remove buttons."""

    changed = Signal(str)
    left = Signal(str)

    def __init__(
        self, f: FormField, ctx: FieldContext, make_child: Callable[..., FieldFrame]
    ) -> None:
        super().__init__()
        self.field, self.ctx, self.make_child = f, ctx, make_child
        self.path = f.id
        tr = ctx.tr
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        self.title = ctx.text(f.id, "label", f.label)
        layout.addWidget(
            term_label(
                self.title,
                tr,
                "subtitle",
                german=f.label,
                ctx=field_ctx(ctx.form.id, f.id, "label"),
            )
        )
        if not tr.shows_german:
            layout.addWidget(german_label(f.label, tr))
        self.item_label = ctx.text(f.id, "item_label", f.item_label) if f.item_label else self.title
        self.items_box = QVBoxLayout()
        layout.addLayout(self.items_box)
        self.add = button(
            f"{tr(texts.ADD_ITEM)}: {self.item_label}",
            f"{f.id}.add",
            on_click=self.add_item,
            icon="add",
        )
        layout.addWidget(self.add)
        self.errors = label("", "error")
        self.errors.setVisible(False)
        layout.addWidget(self.errors)
        self.items: list[dict[str, FieldFrame]] = []
        self.cards: list[QFrame] = []

    def add_item(self, values: dict[str, Any] | None = None, *, notify: bool = True) -> None:
        index = len(self.items)
        card = QFrame()
        card.setObjectName("card")
        box = QVBoxLayout(card)
        title = label(
            self.ctx.tr(texts.ITEM_NUMBER, label=self.item_label, number=index + 1), "subtitle"
        )
        remove = button(
            self.ctx.tr(texts.REMOVE_ITEM),
            f"{self.field.id}[{index}].remove",
            on_click=partial(self.remove_item, index),
            icon="remove",
        )
        remove.setAccessibleName(f"{self.ctx.tr(texts.REMOVE_ITEM)}: {self.item_label} {index + 1}")
        box.addLayout(head_row(title, remove))
        frames: dict[str, FieldFrame] = {}
        for child in self.field.fields or ():
            frame = self.make_child(
                child, f"{self.field.id}.{child.id}", f"{self.field.id}[{index}].{child.id}"
            )
            frame.changed.connect(self.changed.emit)
            frame.left.connect(self.left.emit)
            if values and child.id in values:
                frame.set_value(values[child.id])
            box.addWidget(frame)
            frames[child.id] = frame
        self.items_box.addWidget(card)
        self.items.append(frames)
        self.cards.append(card)
        self._limits()
        if notify:
            self.changed.emit(self.path)

    def remove_item(self, index: int) -> None:
        values = self.value()
        del values[index]
        self.set_value(values)
        self.changed.emit(self.path)

    def _limits(self) -> None:
        self.add.setEnabled(self.field.max_items is None or len(self.items) < self.field.max_items)

    def value(self) -> list[dict[str, Any]]:
        return [
            {k: v for k, frame in item.items() if (v := frame.value()) is not None}
            for item in self.items
        ]

    def set_value(self, value: Any) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.items, self.cards = [], []
        for item in value if isinstance(value, list) else []:
            self.add_item(item if isinstance(item, dict) else {}, notify=False)
        self._limits()

    def frames(self) -> list[FieldFrame]:
        return [frame for item in self.items for frame in item.values()]

    def set_messages(self, messages: list[Message]) -> None:
        if not messages:
            self.errors.setVisible(False)
            return
        tr = self.ctx.tr
        self.errors.setText("\n".join(tr.with_german(m.text, m.text_de) for m in messages))
        self.errors.setAccessibleName(self.errors.text())
        self.errors.setVisible(True)
