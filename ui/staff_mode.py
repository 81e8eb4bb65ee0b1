"""The assisted mode: a long press in the top-left corner, a staff PIN, then help.

While staff are unlocked every text carries its German original, a banner
tells the visitor who is helping, and answers count as filled in on the
visitor's behalf. The mode locks itself after a quiet spell and whenever the
visitor session ends. Every staff action goes to the audit log (who, what,
when; never an answer); PIN checks and audit writes run on the core thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, QPoint, QTimer
from PySide6.QtGui import QPointerEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.documents.render import receipt as receipt_pdf
from kiosk.documents.render import visitor_copy
from kiosk.session.clock import Clock
from kiosk.session.config import SessionConfig
from kiosk.session.staff import StaffGrant
from kiosk.session.terminal import Terminal
from kiosk.session.unlock import UnlockRefusedError
from kiosk.session.visitor import Receipt, VisitorSession
from kiosk.store.outbox import OutboxState
from ui import texts
from ui.core import CoreRunner, Scope
from ui.printing import PrinterState, PrinterStatus, PrintService, printer_status
from ui.screens.base import ScreenEnv
from ui.screens.staff import StaffActions, StaffBanner, StaffPanel, StaffUnlockOverlay
from ui.staff_status import short_hashes, status_lines
from ui.theme import Theme
from ui.tr import Tr
from ui.widgets import STAFF_CORNER_PX as CORNER_PX

HOLD_MS = 2500  # long enough that no visitor triggers it by chance
SYNC_REPORT_SECONDS = 30.0  # how long "sync now" waits for the pass it asked for

StatusSource = Callable[[], dict[str, Any]]


class VisitForStaff(Protocol):
    """What the assisted mode may know of and ask of the visit: whether one is on, its
    language and catalog, its receipt, help for it, and the core to run staff actions.
    It reads no answer through this; the session it holds is only handed on (recovery,
    assistance), never read. :class:`ui.visit_controller.VisitController` is the one
    implementation.
    """

    core: CoreRunner
    catalog: CompiledCatalog
    lang: str
    session: VisitorSession | None
    #: the visit's lifetime: a reprint still waiting for the printer when it ends is dropped
    scope: Scope

    @property
    def t(self) -> Tr: ...

    def report(self, error: BaseException) -> None: ...
    def assist(self, grant: StaffGrant | None) -> None: ...
    def adopt_recovered(self, session: VisitorSession) -> None: ...
    def last_receipt(self, on_done: Callable[[Receipt | None], None]) -> bool: ...


class StaffMode(QObject):
    def __init__(
        self,
        window: QWidget,
        visit: VisitForStaff,
        *,
        clock: Clock,
        config: Callable[[], SessionConfig],
        printer: PrintService,
        redraw: Callable[[], None],
        allow_close: Callable[[], None],
        status_source: StatusSource | None = None,
        sync_now: Callable[[], None] | None = None,
        on_exit: Callable[[], None] | None = None,
        audio: Callable[[], str | None] | None = None,
        hold_ms: int = HOLD_MS,
    ) -> None:
        """*window*: where the corner is and the overlays go; *config*: the terminal's
        timings as they are now; *redraw*: draw the visitor's screen again (German beside,
        or not); *allow_close*: an admin ends the kiosk; *audio*: the sound output
        read-aloud plays to, None when there is none (checked when the kiosk started)."""
        super().__init__(window)
        self.w = window
        self.audio = audio
        self.visit = visit
        self.core = visit.core
        self.clock, self.config, self.printer = clock, config, printer
        self.redraw, self.allow_close = redraw, allow_close
        self.status_source = status_source
        self.sync_now_hook = sync_now
        self.on_exit = on_exit
        self.grant: StaffGrant | None = None
        self.name = ""
        self.last_activity = 0.0
        self.unlocked_at = 0.0
        self._confirming_exit = False
        self._swallow_release = False
        self.hold = QTimer(self)
        self.hold.setSingleShot(True)
        self.hold.setInterval(hold_ms)
        self.hold.timeout.connect(self._held)
        self.german = Tr("de", visit.catalog)
        env = ScreenEnv.standalone(self.german, Theme())
        self.unlock = StaffUnlockOverlay(window, env, self._pin_entered, self.cancel_unlock)
        self.banner = StaffBanner(self.open_menu, lambda: self.lock("manual"))
        self.panel: StaffPanel | None = None
        self._printer = PrinterStatus(PrinterState.NO_PRINTER)

    def _now(self) -> float:
        return self.clock.monotonic()

    @property
    def active(self) -> bool:
        return self.grant is not None

    # ---------------------------------------------------------------- the hidden corner
    def filter(self, event: QEvent) -> bool:
        """Called by the window's event filter; True swallows the event."""
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self.last_activity = self._now()
            if self._in_corner(event) and not self.unlock.isVisible():
                self.hold.start()
        elif kind in (QEvent.Type.MouseMove, QEvent.Type.TouchUpdate):
            if self.hold.isActive() and not self._in_corner(event):
                self.hold.stop()  # the finger slid away: a scroll or a drag, not the signal
        elif kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd):
            self.hold.stop()
            if self._swallow_release:
                # the press opened the pad: its release must not also tap what lies beneath
                self._swallow_release = False
                return True
        return False

    def _in_corner(self, event: QEvent) -> bool:
        if not isinstance(event, QPointerEvent) or not event.points():
            return False
        spot = event.points()[0].globalPosition().toPoint()
        local = self.w.mapFromGlobal(spot)
        return (
            isinstance(local, QPoint) and 0 <= local.x() < CORNER_PX and 0 <= local.y() < CORNER_PX
        )

    def _held(self) -> None:
        self._swallow_release = True
        under = QApplication.widgetAt(self.w.mapToGlobal(QPoint(CORNER_PX // 2, CORNER_PX // 2)))
        if isinstance(under, QAbstractButton):
            under.setDown(False)  # its release is swallowed: it must not stay drawn pressed
        if self.active:
            self.open_menu()
        else:
            self.open_unlock()

    # ---------------------------------------------------------------- unlock
    def open_unlock(self) -> None:
        self.unlock.open()
        self.show_wait()

    def show_wait(self) -> None:
        """The pad counts down while the terminal waits after wrong PINs."""
        self.core.run(
            lambda terminal: terminal.unlock.lockout_state(),
            lambda state: self.unlock.wait(state[1], time.monotonic()),
            self._background_problem,
        )

    def _background_problem(self, error: BaseException) -> None:
        self.unlock.say(self.german(texts.STAFF_NEEDED))

    def cancel_unlock(self) -> None:
        self._confirming_exit = False
        self.unlock.dismiss()

    def _pin_entered(self, pin: str) -> None:
        self.unlock.checking(self.german(texts.STAFF_CHECKING))

        def work(terminal: Terminal) -> tuple[StaffGrant, str]:
            grant = terminal.unlock.try_pin(pin)
            names = {a.id: a.name for a in terminal.staff.accounts()}
            return grant, names.get(grant.staff_id, grant.staff_id)

        self.core.run(work, self._pin_accepted, self._refused)

    def _pin_accepted(self, result: tuple[StaffGrant, str]) -> None:
        if not self._confirming_exit:
            self._unlocked(result)
            return
        grant = result[0]
        if grant.role != "admin":  # only an admin's own PIN, typed now, ends the kiosk
            self.unlock.say(self.german(texts.STAFF_WRONG_PIN))
            return
        self._confirming_exit = False
        self.unlock.dismiss()
        self._exit(grant)

    def _refused(self, error: BaseException) -> None:
        if not isinstance(error, UnlockRefusedError):
            self.unlock.dismiss()
            self.visit.report(error)
            return
        t = self.german
        self.unlock.wait(error.wait_seconds, time.monotonic())
        if error.kind == "no_staff":
            self.unlock.say(t(texts.STAFF_NO_ACCOUNTS))
        elif error.kind == "locked":
            self.unlock.say(t(texts.STAFF_LOCKED))
        elif error.wait_seconds > 0:
            self.unlock.say(f"{t(texts.STAFF_WRONG_PIN)} {t(texts.STAFF_LOCKED)}")
        else:
            self.unlock.say(t(texts.STAFF_WRONG_PIN))

    def _unlocked(self, result: tuple[StaffGrant, str]) -> None:
        self.grant, self.name = result
        self.last_activity = self.unlocked_at = self._now()
        self.unlock.dismiss()
        self.visit.assist(self.grant)
        self._show_banner()
        self.redraw()

    def _show_banner(self) -> None:
        self.banner.show_for(self.visit.t, self.german, self.name)

    def language_changed(self) -> None:
        if self.active:
            self._show_banner()

    # ---------------------------------------------------------------- lock
    def lock(self, reason: str) -> None:
        grant = self.grant
        if grant is None:
            return
        self.grant = None
        self.name = ""
        self.audit(grant, "staff_lock", reason)
        self.visit.assist(None)
        self.banner.hide()
        self.close_menu()
        self.redraw()

    def poll(self) -> None:
        """Lock after the idle time, and in any case after the longest unlock allowed
        (a visitor who keeps tapping must not keep staff rights)."""
        config = self.config()
        if self.grant is None:
            return
        now = self._now()
        if now - self.last_activity > config.staff_idle_seconds:
            self.lock("timeout")
        elif now - self.unlocked_at > config.staff_max_seconds:
            self.lock("max_time")

    def audit(self, grant: StaffGrant, action: str, detail: str = "") -> None:
        self.core.run(
            lambda terminal: terminal.store.audit.write(
                at=terminal.clock.now(),
                actor=f"staff:{grant.staff_id}",
                action=action,
                detail=detail,
            ),
            None,
            self.visit.report,
        )

    # ---------------------------------------------------------------- the staff menu
    def open_menu(self) -> None:
        grant = self.grant
        if grant is None:
            return
        self.close_menu()
        self.panel = StaffPanel(
            self.w,
            self.german,
            self.name,
            StaffActions(
                recover=self.recover,
                reprint=self.reprint,
                sync_now=self.sync_now,
                exit_kiosk=self.exit_kiosk if grant.role == "admin" else None,
                reset_lockout=self.reset_lockout if grant.role == "admin" else None,
                back=self.close_menu,
                lock=lambda: self.lock("manual"),
            ),
        )
        self.panel.cover()
        self.audit(grant, "status_viewed")
        self.refresh_status()

    def close_menu(self) -> None:
        if self.panel is not None:
            self.panel.dismiss()
            self.panel = None

    def refresh_status(self) -> None:
        source = self.status_source
        audio = self.audio() if self.audio is not None else None  # asked on the UI thread

        def work(terminal: Terminal) -> tuple[dict[str, Any], PrinterStatus]:
            status = dict(source() if source is not None else {})
            catalog = terminal.catalog
            status["languages"] = {lang: catalog.review(lang) for lang in catalog.languages}
            status["withheld"] = catalog.kept_back
            if self.audio is not None:
                status["audio"] = audio or ""
            return status, printer_status()

        self.core.run(work, self._show_status, self.visit.report)

    def _show_status(self, result: tuple[dict[str, Any], PrinterStatus]) -> None:
        self._printer = result[1]
        if self.panel is not None:
            self.panel.show_status(status_lines(self.german, *result))

    def say(self, msgid: str, **params: Any) -> None:
        if self.panel is not None:
            self.panel.say(self.german(msgid, **params))

    def recover(self) -> None:
        grant = self.grant
        if grant is None:
            return
        if self.visit.session is not None:
            self.say(texts.STAFF_END_SESSION_FIRST)
            return
        lang = self.visit.lang

        def work(terminal: Terminal) -> VisitorSession | None:
            session = terminal.recover_last_session(grant, lang)
            if session is not None:
                session.assist(grant)
            return session

        self.core.run(work, self._recovered, self.visit.report)

    def _recovered(self, session: VisitorSession | None) -> None:
        if session is None:
            self.say(texts.NOTHING_TO_RECOVER)
            return
        self.close_menu()
        self.visit.adopt_recovered(session)

    def reprint(self) -> None:
        grant = self.grant
        if grant is None:
            return
        if not self.visit.last_receipt(lambda r: self._reprint(grant, r)):
            self.say(texts.NO_RECEIPT_YET)

    def _reprint(self, grant: StaffGrant, receipt: Receipt | None) -> None:
        if receipt is None or receipt.record is None:
            self.say(texts.NO_RECEIPT_YET)
            return
        record = receipt.record
        self.audit(grant, "reprint", receipt.reference)
        self.say(texts.PRINTING)
        self.printer.print_documents(
            lambda: [receipt_pdf(record), visitor_copy(record)], scope=self.visit.scope
        )

    def printed(self, printed: bool) -> None:
        if self.panel is not None and self.panel.isVisible():
            self.say(texts.PRINTING if printed else texts.PRINT_UNAVAILABLE)

    def sync_now(self) -> None:
        """Ask the background sync for a pass now, and report how that pass ended."""
        grant = self.grant
        if grant is None:
            return
        self.audit(grant, "sync_now")
        source = self.status_source
        if source is None or self.sync_now_hook is None:
            self.say(texts.SYNC_UNAVAILABLE)
            return
        hook = self.sync_now_hook

        def before(_: Terminal) -> dict[str, Any]:
            return source()

        def started(status: dict[str, Any]) -> None:
            if not status.get("enrolled", True):
                self.say(texts.STATUS_NOT_ENROLLED_LONG)
                return
            hook()
            self.say(texts.SYNC_STARTED)
            self._await_sync(status.get("last_attempt_at"), time.monotonic())

        self.core.run(before, started, self.visit.report)

    def _await_sync(self, previous: Any, since: float) -> None:
        source = self.status_source
        if self.panel is None or source is None:
            return
        if time.monotonic() - since > SYNC_REPORT_SECONDS:
            self.say(texts.SYNC_NO_ANSWER)
            return

        def check(status: dict[str, Any]) -> None:
            if self.panel is None:
                return
            if status.get("last_attempt_at") == previous:
                QTimer.singleShot(1000, self, lambda: self._await_sync(previous, since))
                return
            self._show_status((status, self._printer))
            error = status.get("last_error")
            if error:
                self.say(texts.SYNC_FAILED, error=short_hashes(str(error))[:200])
            else:
                outbox = status.get("outbox") or {}
                self.say(
                    texts.SYNC_DONE,
                    left=sum(
                        int(outbox.get(k, 0)) for k in (OutboxState.PENDING, OutboxState.SENDING)
                    ),
                )

        self.core.run(lambda _: source(), check, self.visit.report)

    def reset_lockout(self) -> None:
        """An admin lifts the wait a visitor's (or anyone's) wrong PINs caused."""
        grant = self.grant
        if grant is None or grant.role != "admin":
            return
        self.core.run(
            lambda terminal: terminal.unlock.reset_lockout(grant),
            lambda _: self.say(texts.LOCKOUT_RESET),
            self.visit.report,
        )

    def exit_kiosk(self) -> None:
        """Ask for an admin PIN once more: whoever stands at the terminal now may not be
        the admin who unlocked it."""
        grant = self.grant
        if grant is None:
            return
        grant.require("admin")
        self._confirming_exit = True
        self.unlock.open()

    def _exit(self, grant: StaffGrant) -> None:
        grant.require("admin")
        exit_hook = self.on_exit

        def work(terminal: Terminal) -> None:
            terminal.store.audit.write(
                at=terminal.clock.now(), actor=f"staff:{grant.staff_id}", action="exit_kiosk"
            )

        def done(_: object) -> None:
            self.allow_close()
            if exit_hook is not None:
                exit_hook()

        self.core.run(work, done, self.visit.report)
