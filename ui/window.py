"""The kiosk window: the visitor journey from the language choice to the receipt.

The window owns the screens and the visitor's language and display settings;
the visitor's data lives in the session, which only the core thread touches.
Every screen is built for the moment and thrown away when the visitor moves on,
and a wipe throws away all of them, so no widget keeps a previous visitor's
answers.

Each visit has a :class:`~ui.core.Scope`. Everything the window asks of the
core for a visit carries it, and a new visit (or the end of one) closes the old
scope: a slow answer about a visit that is over (an idle check queued behind
"continue later", the old session of a visitor who just resumed another) is
dropped instead of acting on the next screen. Pickers and questions are
in-window overlays that the wipe closes with the rest of the visit.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QClipboard, QCloseEvent, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.install import reopen_installer
from kiosk.definition.model import Form
from kiosk.engine.form import CompiledForm
from kiosk.session.clock import local_date
from kiosk.session.idle import IdlePhase, IdleState
from kiosk.session.terminal import Terminal
from kiosk.session.visitor import FormDraft, Receipt, VisitorSession
from kiosk.store import StoreError
from ui import texts
from ui.confirm import Confirm
from ui.core import CoreRunner, Scope
from ui.idle import IdleOverlay
from ui.keyboard import KeyboardPanel
from ui.overlay import dismiss_visit_overlays
from ui.parking import ParkingFlows
from ui.printing import PrintService
from ui.room import KeyboardRoom
from ui.screens.base import Screen, ScreenEnv
from ui.screens.out_of_service import OutOfServiceScreen
from ui.speech import Speaker
from ui.staff_mode import StaffMode, StatusSource
from ui.theme import Theme, install_icon_painter, paint_icons, set_current
from ui.touch import DrawGuard
from ui.tr import Tr, native_name
from ui.widgets import label

log = logging.getLogger("kiosk.ui")

POLL_MS = 400
NO_SESSION_TIMEOUT = 60.0  # a code or message left on screen goes away after a minute
WAITING = frozenset({"welcome", "out_of_service"})  # screens with no visitor's data on them


class OpenForm:
    """The form being filled in, as the UI holds it (immutable parts + a copy of the answers)."""

    def __init__(self, draft: FormDraft) -> None:
        self.catalog: CompiledCatalog = draft.catalog
        self.form: Form = draft.form
        self.compiled: CompiledForm = draft.compiled
        self.answers: dict[str, Any] = copy.deepcopy(draft.answers)
        self.page = draft.page


class KioskWindow(ParkingFlows, QWidget):
    def __init__(
        self,
        terminal: Terminal,
        core: CoreRunner,
        *,
        speaker: Speaker | None = None,
        keyboard: bool = False,
        kiosk_mode: bool = False,
        printer: PrintService | None = None,
        status_source: StatusSource | None = None,
        sync_now: Callable[[], None] | None = None,
        on_exit: Callable[[], None] | None = None,
        out_of_service: bool = False,
    ) -> None:
        QWidget.__init__(self)
        self.terminal, self.core = terminal, core
        # no verified catalog to serve: no visit starts until the sync brings one
        self.out_of_service = out_of_service
        self.catalog = terminal.catalog
        self.speaker = speaker
        self.kiosk_mode = kiosk_mode
        self.setObjectName("kiosk-window")
        self.setWindowTitle(self.catalog.catalog.header.title)
        install_icon_painter()
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(0, 0, 0, 0)
        self.outer.setSpacing(0)
        self.stack = QStackedWidget()
        self.outer.addWidget(self.stack, 1)
        self.keyboard: KeyboardPanel | None = None
        self.room = KeyboardRoom(self, self.outer, lambda: self.current)
        if keyboard:
            panel = KeyboardPanel(self)
            if panel.ok:
                self.keyboard = panel
                panel.shown.connect(self.room.moved)
            else:
                panel.deleteLater()
        self.overlay = IdleOverlay(self, self.still_here)
        self._close_allowed = not kiosk_mode
        self._starting_session = False
        self.printer = printer or PrintService()
        self.printer.finished.connect(self._printed)
        self.lang = "de"
        self.language_names = {lang: native_name(lang) for lang in self.catalog.languages}
        self.theme = Theme()
        self.visit = Scope()
        self.session: VisitorSession | None = None
        self.open: OpenForm | None = None
        self.receipt: Receipt | None = None
        self.current: Screen | None = None
        self.back_to_list: Any = None
        self.last_activity = time.monotonic()
        self._last_touch_sent = 0.0
        self.staff = StaffMode(
            self, status_source=status_source, sync_now=sync_now, on_exit=on_exit or _quit
        )
        self.outer.insertWidget(0, self.staff.banner)
        self.poll_timer = QTimer(self)
        self.poll_timer.timeout.connect(self.poll)
        self.poll_timer.start(POLL_MS)
        self.draw_guard = DrawGuard(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.installEventFilter(self)
            app.installEventFilter(self.draw_guard)
            app.focusChanged.connect(self.room.focus_changed)
        core.on_unhandled = self._unexpected
        self.apply_theme()
        self.show_welcome()

    # ---------------------------------------------------------------- plumbing
    @property
    def t(self) -> Tr:
        """The visitor's texts; German beside every one of them while staff are helping."""
        catalog = self.open.catalog if self.open is not None else self.catalog
        return Tr(self.lang, catalog, beside=self.staff.active)

    def env(self) -> ScreenEnv:
        return ScreenEnv(
            tr=self.t,
            theme=self.theme,
            speech=bool(self.speaker and self.speaker.available),
            go_language=self.show_language_choice,
            set_large=self.set_large,
            set_contrast=self.set_contrast,
            speak=self.speak,
            start_over=self.ask_start_over,
        )

    def set_screen(self, screen: Screen) -> None:
        old = self.current
        self.current = screen
        self.stack.addWidget(screen)
        self.stack.setCurrentWidget(screen)
        if old is not None:
            self.stack.removeWidget(old)
            old.setParent(None)
            old.deleteLater()
        self.room.fit(screen)

    def apply_theme(self) -> None:
        # on the window, not the application: overlays are its children, and nothing
        # outside the kiosk is restyled
        set_current(self.theme)
        self.setStyleSheet(self.theme.stylesheet())
        paint_icons(self)

    def apply_language(self) -> None:
        tr = self.t
        QApplication.setLayoutDirection(tr.direction)
        self.setLayoutDirection(tr.direction)
        if self.keyboard is not None:
            self.keyboard.set_language(tr)
        self.staff.language_changed()  # the banner speaks the visitor's language

    def storage_problem(self, error: BaseException) -> None:
        if isinstance(error, StoreError):
            self.show_message(self.t(error.message))
            return
        self._unexpected(error)

    def _unexpected(self, error: BaseException) -> None:
        """A failure nobody expected: logged, the visitor asked to get staff; never a crash."""
        log.error("unexpected failure: %s", type(error).__name__, exc_info=error)
        self.show_message(self.t(texts.STAFF_NEEDED))

    def show_message(self, text: str) -> None:
        """A problem the visitor must know about, at the top of the current screen."""
        if self.current is None:
            return
        box = next(
            (w for w in self.current.findChildren(QLabel) if w.property("kiosk_id") == "message"),
            None,
        )
        if box is None:
            box = label(text, "error")
            box.setProperty("kiosk_id", "message")
            self.current.heading.addWidget(box)
        box.setText(text)
        box.setAccessibleName(text)

    # ---------------------------------------------------------------- activity and idle
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        self.room.event_seen(event)  # even a release staff's corner swallows lifts the finger
        if self.staff.filter(event):
            return True
        if event.type() in {
            QEvent.Type.MouseButtonPress,
            QEvent.Type.KeyPress,
            QEvent.Type.TouchBegin,
        }:
            self.last_activity = time.monotonic()
            if self.session is not None and self.last_activity - self._last_touch_sent > 1.0:
                self._last_touch_sent = self.last_activity
                self.session_call(lambda s: s.touch())
        return False

    def poll(self) -> None:
        self.staff.poll()
        session = self.session
        if session is not None:
            self.session_call(
                lambda s: s.poll(), lambda state: self.on_idle_state(session, state), key="poll"
            )
            return
        # no visitor: expired codes and old crash leftovers are still purged every hour,
        # and a catalog the sync staged is installed, but only while the welcome (or the
        # out-of-service) screen waits: a code just given out or being typed stays on screen
        terminal = self.terminal
        idle = self.current is not None and self.current.name in WAITING
        install = idle and not self._starting_session
        reopen = self.out_of_service and terminal.installer is None

        def between_visitors() -> CompiledCatalog | None:
            terminal.maybe_housekeeping()
            if reopen:  # out of service for damaged pinned keys: enrolled again since?
                terminal.installer = reopen_installer(terminal.home)
            return terminal.install_staged_catalog() if install else None

        # not scoped to a visit: an installed catalog must reach the window even when a
        # visitor taps a language while it is being installed
        self.core.run(
            between_visitors, self.catalog_installed, self._background_problem, key="between"
        )
        if (
            self.current is not None
            and self.current.name not in WAITING
            and time.monotonic() - self.last_activity > NO_SESSION_TIMEOUT
        ):
            self.wipe()

    def on_idle_state(self, session: VisitorSession, state: IdleState) -> None:
        if session is not self.session:
            return  # an answer about a visit that is over
        if state.phase is IdlePhase.WARNING:
            self.overlay.show_warning(self.t, state.seconds_left)
        elif state.phase is IdlePhase.EXPIRED:
            self.wipe()
        elif self.overlay.isVisible():
            self.overlay.dismiss()

    def still_here(self) -> None:
        self.overlay.dismiss()
        self.session_call(lambda s: s.extend())

    def catalog_installed(self, catalog: CompiledCatalog | None) -> None:
        if catalog is None or catalog is self.catalog:
            return
        if self.out_of_service:
            log.warning("a verified catalog bundle is installed: serving visitors again")
        self.catalog = catalog
        self.out_of_service = False
        self.language_names = {lang: native_name(lang) for lang in catalog.languages}
        self.setWindowTitle(catalog.catalog.header.title)
        on_welcome = self.current is not None and self.current.name in WAITING
        if self.session is None and not self._starting_session and on_welcome:
            self.show_welcome()  # the new catalog's languages

    def show_welcome(self) -> None:
        """The language choice; while out of service, the screen that says so instead."""
        if not self.out_of_service:
            super().show_welcome()
            return
        self.lang = "de"
        self.apply_language()
        self.set_screen(OutOfServiceScreen(self.env(), self.catalog.languages, self.language_names))

    def _background_problem(self, error: BaseException) -> None:
        """Housekeeping or an install failed between visitors: the kiosk keeps serving
        what it has and tries again later; the reason goes to the log, not the screen."""
        log.warning("between visitors: %s: %s", type(error).__name__, error)

    # ---------------------------------------------------------------- accessibility
    def set_large(self, on: bool) -> None:
        self.theme = Theme(large_text=on, high_contrast=self.theme.high_contrast)
        self.apply_theme()
        self.rerender()

    def set_contrast(self, on: bool) -> None:
        self.theme = Theme(large_text=self.theme.large_text, high_contrast=on)
        self.apply_theme()
        self.rerender()

    def speak(self, text: str) -> None:
        if self.speaker is not None:
            self.speaker.say(text, self.lang)

    def today(self) -> dt.date:
        return local_date(self.terminal.clock)

    # ---------------------------------------------------------------- the end of a visit
    def ask_start_over(self) -> None:
        """Start over deletes everything: with a visit on, the visitor confirms first."""
        if self.session is None:
            self.wipe("start_over")
            return
        tr = self.t
        Confirm(
            self,
            tr,
            "start_over",
            title=tr(texts.START_OVER_TITLE),
            text=tr(texts.START_OVER_TEXT),
            yes=tr(texts.START_OVER_YES),
            no=tr(texts.START_OVER_NO),
            on_yes=self.start_over,
        ).present()

    def start_over(self) -> None:
        self.wipe("start_over")

    def finish(self) -> None:
        self.wipe("finished")

    def wipe(self, reason: str = "timeout") -> None:
        """Forget the visitor: end the session, close its overlays, drop every screen, clear
        the clipboards, reset language and display."""
        session = self.session
        self.new_visit()
        self.session = None
        self.open = None
        self.receipt = None
        self.staff.lock("session_end")
        if session is not None and not session.ended:
            self.core.run(lambda: session.end(reason))
        self.close_visit_overlays()
        focus = QApplication.focusWidget()
        if focus is not None:
            focus.clearFocus()  # the keyboard goes away with the field
        clipboard = QGuiApplication.clipboard()
        clipboard.clear(QClipboard.Mode.Clipboard)
        if clipboard.supportsSelection():
            clipboard.clear(QClipboard.Mode.Selection)
        self.back_to_list = None
        self.theme = Theme()
        self.apply_theme()
        self.show_welcome()

    def close_visit_overlays(self) -> None:
        """Pickers, questions and the idle warning belong to a visit: gone with it."""
        dismiss_visit_overlays(self)
        self.overlay.dismiss()

    # ---------------------------------------------------------------- leaving the kiosk
    def allow_close(self) -> None:
        """An admin chose "exit" in the staff menu."""
        self._close_allowed = True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._close_allowed:
            event.ignore()  # closing needs an admin (staff menu, "exit the kiosk")
            return
        self.poll_timer.stop()
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if self.kiosk_mode and event.key() in {Qt.Key.Key_Escape, Qt.Key.Key_F4}:
            event.ignore()
            return
        super().keyPressEvent(event)


def _quit() -> None:
    app = QApplication.instance()
    if app is not None:
        app.quit()
