"""Filling in a form, one page at a time.

All pages are built when the form opens, so turning a page only switches the
visible one. After every change the engine re-evaluates the form (about a
millisecond) to show and hide questions and update computed values.

Messages follow what the visitor did: a question they answered shows its
message when they leave it; a question they skipped says nothing until they
press Next; and once a message is on screen it is checked again on every
change, so it goes away (or changes) the moment the answer is right. Answers go
to the session through the core thread.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QProgressBar, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.model import Form, FormField
from kiosk.definition.strings import form_ctx, page_ctx
from kiosk.documents.answers import describe
from kiosk.engine.form import CompiledForm, FormState
from kiosk.engine.messages import Message
from ui import texts
from ui.fields.frame import FieldContext, FieldFrame, GroupFrame
from ui.glossary import binding_note, term_label
from ui.screens.base import Screen, ScreenEnv
from ui.widgets import button, label, scroll

Persist = Callable[[str, Any], None]


def show_computed(catalog: CompiledCatalog, form: Form, f: FormField, value: Any, lang: str) -> str:
    """A computed answer as the visitor reads it (dates and amounts in their language's way),
    worded like the review and the documents."""
    if value is None:
        return ""
    if isinstance(value, Decimal) and f.type not in {"money", "decimal"}:
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return describe(catalog, form, f, f.id, value, lang)


class FormScreen(Screen):
    name = "form"
    scrolls_itself = True

    def __init__(
        self,
        env: ScreenEnv,
        catalog: CompiledCatalog,
        form: Form,
        compiled: CompiledForm,
        answers: dict[str, Any],
        page: str,
        today: dt.date,
        *,
        persist: Persist,
        on_page: Callable[[str], None],
        on_leave: Callable[[], None],
        on_review: Callable[[], None],
        on_continue_later: Callable[[], None],
    ) -> None:
        super().__init__(env)
        self.catalog, self.form, self.compiled, self.today = catalog, form, compiled, today
        self.answers = copy.deepcopy(answers)
        self.persist, self.on_page, self.on_leave, self.on_review = (
            persist,
            on_page,
            on_leave,
            on_review,
        )
        tr = self.t
        self.set_title(tr.cat(form_ctx(form.id, "title"), form.title), form.title)
        self.progress_label = label("", "muted")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(14)
        self.heading.addWidget(self.progress_label)
        self.heading.addWidget(self.progress)
        self.ctx = FieldContext(tr, form, today, speak=env.speak if env.speech else None)
        self.frames: dict[str, FieldFrame] = {}
        self.groups: dict[str, GroupFrame] = {}
        self.page_of: dict[str, str] = {}
        self.edited: set[str] = set()  # answered (or changed) by the visitor
        self.touched: set[str] = set()  # may show its messages
        self.focused: FieldFrame | None = None
        self.stack = QStackedWidget()
        self.scrolls: dict[str, QScrollArea] = {}
        for p in form.pages:
            self.stack.addWidget(self._build_page(p.id))
        self.body.addWidget(self.stack, 1)
        self.back = button(tr(texts.BACK), "back", on_click=self.go_back, icon="back")
        self.later = button(
            tr(texts.CONTINUE_LATER),
            "continue_later",
            on_click=on_continue_later,
            icon="continue_later",
        )
        self.next = button(tr(texts.NEXT), "next", primary=True, on_click=self.go_next, icon="next")
        self.footer.addWidget(self.back)
        self.footer.addStretch(1)
        self.footer.addWidget(self.later)
        self.footer.addWidget(self.next)
        self._load_values()
        self.state = self.refresh()
        self.page = page if page in self.state.visible_pages else self.state.visible_pages[0]
        self._show_page()

    @classmethod
    def standalone(
        cls,
        env: ScreenEnv,
        catalog: CompiledCatalog,
        form_id: str,
        answers: dict[str, Any],
        today: dt.date,
    ) -> FormScreen:
        """A form screen that saves nothing and goes nowhere: previews and benchmarks."""
        form = catalog.catalog.form(form_id)

        def nothing(*_: object) -> None:
            return None

        return cls(
            env,
            catalog,
            form,
            catalog.compiled_form(form_id),
            answers,
            form.pages[0].id,
            today,
            persist=nothing,
            on_page=nothing,
            on_leave=nothing,
            on_review=nothing,
            on_continue_later=nothing,
        )

    # ---------------------------------------------------------------- building
    def _build_page(self, page_id: str) -> QWidget:
        page = next(p for p in self.form.pages if p.id == page_id)
        tr = self.t
        inner = QWidget()
        box = QVBoxLayout(inner)
        if page_id == self.form.pages[0].id and (note := binding_note(tr)) is not None:
            box.addWidget(note)  # once on every form, where it begins
        title_ctx = page_ctx(self.form.id, page.id, "title")
        box.addWidget(
            term_label(
                tr.cat(title_ctx, page.title), tr, "subtitle", german=page.title, ctx=title_ctx
            )
        )
        if page.intro:
            intro_ctx = page_ctx(self.form.id, page.id, "intro")
            box.addWidget(
                term_label(tr.cat(intro_ctx, page.intro), tr, german=page.intro, ctx=intro_ctx)
            )
        for f in page.fields:
            self.page_of[f.id] = page.id
            if f.type == "group":
                group = GroupFrame(f, self.ctx, self._child_frame)
                group.changed.connect(self.on_changed)
                group.left.connect(self.on_left)
                self.groups[f.id] = group
                box.addWidget(group)
            else:
                frame = FieldFrame(f, f.id, f.id, self.ctx)
                self._wire(frame)
                self.frames[f.id] = frame
                box.addWidget(frame)
        box.addStretch(1)
        area = scroll(inner)
        self.scrolls[page_id] = area
        return area

    def _child_frame(self, f: FormField, key: str, path: str) -> FieldFrame:
        frame = FieldFrame(f, key, path, self.ctx)
        frame.changed.connect(lambda p: setattr(self, "focused", frame))
        return frame

    def _wire(self, frame: FieldFrame) -> None:
        frame.changed.connect(self.on_changed)
        frame.left.connect(self.on_left)
        frame.changed.connect(lambda _: setattr(self, "focused", frame))

    def _load_values(self) -> None:
        for key, frame in self.frames.items():
            frame.set_value(self.answers.get(key))
        for key, group in self.groups.items():
            group.set_value(self.answers.get(key) or [])

    # ---------------------------------------------------------------- state
    def refresh(self) -> FormState:
        """Re-evaluate: visible and required questions, computed values, progress."""
        state = self.compiled.evaluate(self.answers, self.today)
        for key, frame in self.frames.items():
            frame.setVisible(key in state.visible)
            frame.set_required(key in state.required)
            if frame.field.compute is not None:
                frame.set_computed(
                    show_computed(
                        self.catalog, self.form, frame.field, state.values.get(key), self.t.lang
                    )
                    or None
                )
        for key, group in self.groups.items():
            group.setVisible(key in state.visible)
            for frame in group.frames():
                frame.setVisible(frame.path in state.visible)
                frame.set_required(frame.path in state.required)
        self.state = state
        return state

    def _show_page(self) -> None:
        pages = self.state.visible_pages
        index = pages.index(self.page) if self.page in pages else 0
        self.stack.setCurrentIndex([p.id for p in self.form.pages].index(self.page))
        self.progress_label.setText(self.t(texts.PAGE_OF, page=index + 1, pages=len(pages)))
        self.progress.setMaximum(len(pages))
        self.progress.setValue(index + 1)
        last = index == len(pages) - 1
        self.next.setText(self.t(texts.TO_REVIEW if last else texts.NEXT))
        self.next.setAccessibleName(self.next.text())

    # ---------------------------------------------------------------- edits
    def on_changed(self, path: str) -> None:
        self.edited.add(path)
        key = path.split("[", 1)[0]
        if key in self.groups:
            value: Any = self.groups[key].value()
        else:
            value = self.frames[key].value()
        if value is None or value == []:
            self.answers.pop(key, None)
        else:
            self.answers[key] = value
        self.persist(key, copy.deepcopy(value))
        self.refresh()
        if self.touched:
            self.show_messages()  # what is on screen is checked again at once

    def on_left(self, path: str) -> None:
        if path in self.edited or path in self.touched:
            self.touched.add(path)
            self.show_messages()

    def show_messages(self) -> list[Message]:
        result = self.compiled.validate(
            self.answers, self.t.lang, self.today, translate=self.catalog.t, pages=[self.page]
        )
        by_path: dict[str, list[Message]] = {}
        for m in result.messages:
            by_path.setdefault(m.path, []).append(m)
        for key, frame in self.frames.items():
            frame.set_messages(by_path.get(key, []) if key in self.touched else [])
        for key, group in self.groups.items():
            group.set_messages(by_path.get(key, []) if key in self.touched else [])
            for frame in group.frames():
                frame.set_messages(
                    by_path.get(frame.path, []) if frame.path in self.touched else []
                )
        return result.messages

    # ---------------------------------------------------------------- navigation
    def page_paths(self) -> set[str]:
        paths: set[str] = set()
        for key, page in self.page_of.items():
            if page != self.page:
                continue
            paths.add(key)
            if key in self.groups:
                paths |= {f.path for f in self.groups[key].frames()}
        return paths

    def go_next(self) -> None:
        self.touched |= self.page_paths()
        messages = self.show_messages()
        if messages:
            first = messages[0].path.split("[", 1)[0]
            target = self.frames.get(first) or self.groups.get(first)
            if target is not None:
                self.scrolls[self.page].ensureWidgetVisible(target)
            return
        pages = self.state.visible_pages
        index = pages.index(self.page)
        if index + 1 >= len(pages):
            self.on_review()
            return
        self.go_to(pages[index + 1])

    def go_back(self) -> None:
        pages = self.state.visible_pages
        index = pages.index(self.page) if self.page in pages else 0
        if index == 0:
            self.on_leave()
            return
        self.go_to(pages[index - 1])

    def go_to(self, page_id: str) -> None:
        self.page = page_id
        self._show_page()
        self.on_page(page_id)

    def speech_text(self) -> str:
        """The question being answered, else the whole page."""
        if self.focused is not None and self.focused.isVisible():
            return self.focused.speech_text()
        return self.page_speech_text()

    def speech_contexts(self) -> list[str]:
        if self.focused is not None and self.focused.isVisible():
            return self.focused.speech_contexts()
        return self.page_contexts()

    def page_contexts(self) -> list[str]:
        """The catalog texts :meth:`page_speech_text` reads, by context, in its order."""
        out = [form_ctx(self.form.id, "title"), page_ctx(self.form.id, self.page, "title")]
        for frame in self.frames.values():
            if self.page_of.get(frame.key) == self.page and frame.isVisibleTo(self):
                out += frame.speech_contexts()[:2]  # its question and help, as read
        return out

    def page_speech_text(self) -> str:
        """The form's title, the page's title and each question shown on it, with its
        help: what a visitor who cannot read hears of the page (a question's own speaker
        button adds its answers to choose from)."""
        page = next(p for p in self.form.pages if p.id == self.page)
        parts = [self._title, self.t.cat(page_ctx(self.form.id, page.id, "title"), page.title)]
        for frame in self.frames.values():
            if self.page_of.get(frame.key) == self.page and frame.isVisibleTo(self):
                parts += [frame.title, frame.help_text]
        return ". ".join(part.strip().rstrip(".") for part in parts if part.strip()) + "."
