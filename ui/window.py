"""The kiosk window: the screens of the visitor journey, from the language choice to
the receipt.

The window owns the screens, the overlays and the visitor's display settings; what
happens in a visit is decided by the :class:`~ui.visit_controller.VisitController`
(``self.visit``), whose signals the window answers by drawing the next screen, and
whether anyone is at the terminal by the :class:`~ui.activity.ActivityMonitor`. The
visitor's data lives in the session, which only the core thread touches. Every screen
is built for the moment and thrown away when the visitor moves on, and the end of a
visit throws away all of them, so no widget keeps a previous visitor's answers.
Pickers and questions are in-window overlays that close with the rest of the visit.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QClipboard, QCloseEvent, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.session.clock import local_date
from kiosk.session.terminal import Terminal
from kiosk.session.visitor import ResumeTicket
from ui import texts
from ui.activity import ActivityMonitor
from ui.confirm import Confirm
from ui.core import CoreRunner
from ui.idle import IdleOverlay
from ui.journey import JourneyScreens
from ui.keyboard import KeyboardPanel
from ui.overlay import dismiss_visit_overlays
from ui.printing import PrintService
from ui.room import KeyboardRoom
from ui.screens.base import Screen, ScreenEnv
from ui.screens.out_of_service import OutOfServiceScreen
from ui.speech import Speaker
from ui.speech_bar import SpeechBar
from ui.staff_mode import StaffMode, StatusSource
from ui.status_lookup import StatusLookup
from ui.theme import Theme, paint_icons, set_current
from ui.touch import DrawGuard
from ui.tr import Tr
from ui.visit_controller import VisitController
from ui.widgets import label

log = logging.getLogger("kiosk.ui")

WAITING = frozenset({"welcome", "out_of_service"})  # screens with no visitor's data on them


class KioskWindow(JourneyScreens, QWidget):
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
        self.terminal = terminal
        self.visit = VisitController(terminal, core, out_of_service=out_of_service)
        self.lookup = StatusLookup(self.visit)
        self.speaker = speaker
        self.kiosk_mode = kiosk_mode
        self.setObjectName("kiosk-window")
        self.setWindowTitle(self.visit.catalog.catalog.header.title)
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
        self.overlay = IdleOverlay(self, self.visit.still_here)
        self._close_allowed = not kiosk_mode
        self.printer = printer or PrintService()
        self.theme = Theme()
        self.current: Screen | None = None
        self.back_to_list: Callable[[], None] | None = None
        self.staff = StaffMode(
            self,
            self.visit,
            clock=terminal.clock,
            config=lambda: terminal.config,
            printer=self.printer,
            redraw=self.rerender,
            allow_close=self.allow_close,
            status_source=status_source,
            sync_now=sync_now,
            on_exit=on_exit or _quit,
            audio=(lambda: speaker.output_name) if speaker is not None else None,
        )
        self.printer.finished.connect(self._printed)
        self.outer.insertWidget(0, self.staff.banner)
        self.speech_bar: SpeechBar | None = None
        if speaker is not None and speaker.available:
            self.speech_bar = SpeechBar(speaker, self.t)
            self.outer.insertWidget(1, self.speech_bar)
            speaker.no_voice.connect(lambda _: self.show_message(self.t(texts.NO_VOICE)))
        self._connect_visit()
        self.activity = ActivityMonitor(
            self.visit, waiting=self.waiting, also_poll=self.staff.poll, parent=self
        )
        self.draw_guard = DrawGuard(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.installEventFilter(self)
            app.installEventFilter(self.activity)
            app.installEventFilter(self.draw_guard)
            app.focusChanged.connect(self.room.focus_changed)
        self.apply_theme()
        self.show_welcome()

    def _connect_visit(self) -> None:
        """What each turn of the visit shows."""
        visit = self.visit
        # first: staff rights end with the visit, before its screens go
        visit.ended.connect(lambda _: self.staff.lock("session_end"))
        visit.parked.connect(lambda _: self.staff.lock("session_end"))
        visit.visit_started.connect(self.show_visit)
        visit.language_changed.connect(self.apply_language)
        visit.form_opened.connect(self.form_opened)
        visit.submitted.connect(self.show_done)
        visit.submit_blocked.connect(self.submit_blocked)
        visit.submit_failed.connect(self.submit_failed)
        visit.parked.connect(self._parked)
        visit.park_refused.connect(self.park_refused)
        visit.resume_refused.connect(self.resume_refused)
        self.lookup.found.connect(self.status_found)
        self.lookup.not_found.connect(self.status_not_found)
        visit.idle_warning.connect(lambda seconds: self.overlay.show_warning(self.t, seconds))
        visit.idle_cleared.connect(self._idle_cleared)
        visit.catalog_changed.connect(self._catalog_changed)
        visit.problem.connect(self.show_message)
        visit.ended.connect(self._ended)

    # ---------------------------------------------------------------- plumbing
    @property
    def t(self) -> Tr:
        """The visitor's texts; German beside every one of them while staff are helping."""
        return self.visit.t

    @property
    def catalog(self) -> CompiledCatalog:
        return self.visit.catalog

    @property
    def out_of_service(self) -> bool:
        return self.visit.out_of_service

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

    def waiting(self) -> bool:
        """The screen holds nothing of a visitor (welcome, out of service)."""
        return self.current is not None and self.current.name in WAITING

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
        self.read_if_every_page(screen.speech_text(), screen.speech_contexts())

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
        if self.speech_bar is not None:
            self.speech_bar.set_language(tr)
        self.staff.language_changed()  # the banner speaks the visitor's language

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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        self.room.event_seen(event)  # even a release staff's corner swallows lifts the finger
        return self.staff.filter(event)

    def poll(self) -> None:
        """One tick of the activity monitor, now (tests)."""
        self.activity.poll()

    def _idle_cleared(self) -> None:
        if self.overlay.isVisible():
            self.overlay.dismiss()

    def _catalog_changed(self) -> None:
        self.setWindowTitle(self.visit.catalog.catalog.header.title)
        if self.visit.session is None and not self.visit.starting and self.waiting():
            self.show_welcome()  # the new catalog's languages

    def show_welcome(self) -> None:
        """The language choice; while out of service, the screen that says so instead."""
        if not self.visit.out_of_service:
            super().show_welcome()
            return
        self.visit.lang = "de"
        self.apply_language()
        catalog = self.visit.catalog
        self.set_screen(
            OutOfServiceScreen(self.env(), catalog.languages, self.visit.language_names)
        )

    def _printed(self, printed: bool, reason: str) -> None:
        self.staff.printed(printed)
        self.printed(printed, reason)

    # ---------------------------------------------------------------- accessibility
    def set_large(self, on: bool) -> None:
        self.theme = Theme(large_text=on, high_contrast=self.theme.high_contrast)
        self.apply_theme()
        self.rerender()

    def set_contrast(self, on: bool) -> None:
        self.theme = Theme(large_text=self.theme.large_text, high_contrast=on)
        self.apply_theme()
        self.rerender()

    def read_if_every_page(self, text: str, contexts: Sequence[str] = ()) -> None:
        """A new screen or page: read aloud when the visitor asked for every page."""
        if self.speech_bar is not None and self.speech_bar.reads_every_page:
            self.speak(text, contexts)

    def speak(self, text: str, contexts: Sequence[str] = ()) -> None:
        """Read *text* aloud in the visitor's language; from then on the visit keeps the
        read-aloud controls (stop, again, volume, every page) above the screen. *contexts*
        name the catalog texts it is made of: their recorded clips stand in where the
        language has no voice."""
        if self.speaker is None:
            return
        if self.speech_bar is not None:
            self.speech_bar.setVisible(True)
        lang = self.visit.lang
        if self.speaker.can_speak(lang):  # a voice: no recording is decoded
            self.speaker.say(text, lang)
            return
        clips = [clip for ctx in contexts if (clip := self.catalog.clip(lang, ctx)) is not None]
        self.speaker.say(text, lang, clips)

    def today(self) -> dt.date:
        return local_date(self.terminal.clock)

    # ---------------------------------------------------------------- the end of a visit
    def ask_start_over(self) -> None:
        """Start over deletes everything: with a visit on, the visitor confirms first."""
        if self.visit.session is None:
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
        """Forget the visitor: the visit ends, and with it everything on screen."""
        self.visit.end(reason)

    def _ended(self, reason: str) -> None:
        """The visit is over: close its overlays, drop every screen, clear the clipboards,
        reset language and display."""
        self.close_visit_overlays()
        if self.speaker is not None:
            self.speaker.wipe()  # silence, and nothing of what was said kept
        if self.speech_bar is not None:
            self.speech_bar.reset()
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

    def _parked(self, ticket: ResumeTicket) -> None:
        """Parked: the visit is over, its code stays on screen (nothing else of it)."""
        self.close_visit_overlays()
        self.parked(ticket)

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
        self.activity.stop()
        if self.speaker is not None:
            self.speaker.close()  # silence, nothing kept, the speech thread let go
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
