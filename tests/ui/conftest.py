"""A real kiosk window on a real database, driven as a visitor would, offscreen."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.session.clock import FakeClock, local_date
from kiosk.session.terminal import Terminal
from kiosk.simulation.answers import AnswerMaker
from kiosk.store import Store
from tests.conftest import FAST
from ui.core import CoreRunner
from ui.fields.frame import FieldFrame, GroupFrame
from ui.screens.form import FormScreen
from ui.speech import Speaker
from ui.visit_controller import VisitController
from ui.window import KioskWindow


class Kiosk:
    """The window plus the steps a visitor takes, each waiting for the core thread."""

    def __init__(
        self,
        qtbot: QtBot,
        window: KioskWindow,
        core: CoreRunner,
        terminal: Terminal,
        clock: FakeClock,
    ) -> None:
        self.qtbot, self.window, self.core, self.terminal, self.clock = (
            qtbot,
            window,
            core,
            terminal,
            clock,
        )

    def settle(self) -> None:
        for _ in range(4):
            self.core.wait_idle()
            QApplication.processEvents()
        while self.core.pending:
            self.core.wait_idle()
            QApplication.processEvents()

    @property
    def screen(self) -> Any:
        return self.window.current

    def find(self, kiosk_id: str) -> QWidget:
        for w in self.window.findChildren(QWidget):
            if w.property("kiosk_id") == kiosk_id and w.isVisibleTo(self.window):
                return w
        raise AssertionError(f"no visible control {kiosk_id!r} on {self.screen.name}")

    def click(self, kiosk_id: str) -> None:
        w = self.find(kiosk_id)
        if isinstance(w, QPushButton):
            assert w.isEnabled(), kiosk_id
            w.click()
        else:
            w.clicked.emit()  # type: ignore[attr-defined]
        self.settle()

    def start_over(self) -> None:
        """Start over, confirming when the kiosk asks (it does while a visit is on)."""
        self.click("start_over")
        if any(
            w.property("kiosk_id") == "start_over.yes" and w.isVisibleTo(self.window)
            for w in self.window.findChildren(QWidget)
        ):
            self.click("start_over.yes")

    def type_code(self, code: str) -> None:
        """A resume code on the code pad, key by key, then on to the PIN."""
        for char in code.replace("-", "").upper():
            self.click(f"resume-code-{char}")
        self.click("resume-next")

    def start(self, lang: str) -> None:
        self.click(f"lang-{lang}")
        assert self.screen.name == "home"

    def open_form(self, form_id: str) -> FormScreen:
        form = self.terminal.catalog.catalog.form(form_id)
        self.click(f"office-{form.office}")
        self.click(f"start-{form_id}")
        assert isinstance(self.screen, FormScreen)
        return self.screen

    def set_answer(self, form: FormScreen, key: str, value: Any) -> None:
        """Answer through the widgets' own API, as a tap or the keyboard would."""
        if key in form.groups:
            group: GroupFrame = form.groups[key]
            group.set_value(value)
            group.changed.emit(key)
            return
        frame: FieldFrame = form.frames[key]
        frame.set_value(value)
        frame.changed.emit(key)
        frame.left.emit(key)

    def fill_and_submit(self, form_id: str, seed: int = 1) -> str:
        form = self.open_form(form_id)
        today = local_date(self.terminal.clock)
        codelists = {c.id: c for c in self.terminal.catalog.catalog.codelists}
        maker = AnswerMaker(random.Random(seed))
        answers = None
        while answers is None:
            answers = maker.fill(form.compiled, codelists, today)
        for _ in range(len(form.form.pages) + 1):
            if not isinstance(self.screen, FormScreen):
                break
            screen: FormScreen = self.screen
            for key, page in screen.page_of.items():
                if page == screen.page and key in answers and key in screen.state.visible:
                    self.set_answer(screen, key, answers[key])
            self.click("next")
        assert self.screen.name == "review", self.screen.name
        self.click("submit")
        assert self.screen.name == "done", self.screen.name
        reference = self.find_reference()
        return reference

    def choose_pin(self, pin: str) -> str:
        """On the continue-later screen: the PIN twice on the pad; returns the code shown."""
        for _ in range(2):
            for digit in pin:
                self.click(f"pin-{digit}")
            self.click("pin-ok")
        return next(
            str(w.property("resume_code"))
            for w in self.window.findChildren(QWidget)
            if w.property("resume_code")
        )

    def find_reference(self) -> str:
        for w in self.window.findChildren(QWidget):
            if w.property("reference"):
                return str(w.property("reference"))
        raise AssertionError("no reference on screen")

    def flush_deleted(self) -> None:
        self.settle()
        for _ in range(3):
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            QApplication.processEvents()

    def advance(self, seconds: float) -> None:
        """Let *seconds* pass on the terminal's clock, then one tick of the activity
        monitor, as its timer would run it, and wait until the core answered."""
        self.clock.advance(seconds)
        self.window.poll()
        self.settle()


@pytest.fixture
def kiosk(qtbot: QtBot, home: Path, demo: CompiledCatalog) -> Iterator[Kiosk]:
    yield from running_kiosk(qtbot, home, demo)


def running_kiosk(
    qtbot: QtBot, home: Path, demo: CompiledCatalog, speaker: Speaker | None = None
) -> Iterator[Kiosk]:
    """The kiosk window on the demo catalog, 1280 x 800, with *speaker* for read-aloud."""
    clock = FakeClock(start=dt.datetime(2026, 11, 21, 10, 0).timestamp())
    store = Store(home / "kiosk.sqlite3")
    terminal = Terminal(store, demo, home, clock=clock, config=FAST)
    core = CoreRunner(terminal)
    window = KioskWindow(terminal, core, speaker=speaker)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    yield Kiosk(qtbot, window, core, terminal, clock)
    window.activity.stop()
    core.wait_idle()
    QApplication.processEvents()  # results still on their way reach a living window
    core.stop()
    store.close()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


# ---------------------------------------------------------------- a visit without widgets
SIGNALS = (
    "visit_started",
    "language_changed",
    "form_opened",
    "submitted",
    "submit_blocked",
    "submit_failed",
    "parked",
    "park_refused",
    "resume_refused",
    "idle_warning",
    "idle_cleared",
    "catalog_changed",
    "problem",
    "ended",
)


@dataclass
class Visit:
    """The visit controller on a real terminal, and every signal it gave, in order."""

    controller: VisitController
    terminal: Terminal
    clock: FakeClock
    core: CoreRunner
    qtbot: QtBot
    heard: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)

    def settle(self) -> None:
        """Until the core ran everything asked of it and every answer was delivered."""
        self.qtbot.waitUntil(lambda: self.core.pending == 0, timeout=10000)

    def names(self) -> list[str]:
        return [name for name, _ in self.heard]

    def last(self, name: str) -> tuple[Any, ...]:
        return next(args for heard, args in reversed(self.heard) if heard == name)


@pytest.fixture
def visit(qtbot: QtBot, home: Path, demo: CompiledCatalog) -> Iterator[Visit]:
    clock = FakeClock(start=dt.datetime(2026, 11, 21, 10, 0).timestamp())
    store = Store(home / "kiosk.sqlite3")
    terminal = Terminal(store, demo, home, clock=clock, config=FAST)
    core = CoreRunner(terminal)
    controller = VisitController(terminal, core, out_of_service=False)
    made = Visit(controller, terminal, clock, core, qtbot)
    for name in SIGNALS:
        getattr(controller, name).connect(lambda *args, name=name: made.heard.append((name, args)))
    yield made
    core.wait_idle()
    core.stop()
    store.close()
