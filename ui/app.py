"""Starting the kiosk: first paint, then the terminal (database, catalog, keys), the core
thread and the kiosk window.

A terminal that pins admin keys serves only a verified catalog bundle: without one
(none installed yet, none that verifies, or the pinned keys damaged) it starts on its
out-of-service screen, where staff can still unlock and sync, and comes back by itself
when the sync brings a bundle. The unsigned catalog folder and demo office keys are for
the explicit demo mode (``kiosk run --demo``) only.

In kiosk mode every window of ours is exactly the screen: placed at its origin,
fixed to its size (a layout can never grow it, a window manager never resize
it), and kept so when the screen changes (a monitor replugged, the resolution
set again).
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from kiosk.catalog.cache import read_boot
from kiosk.locales import LANGUAGE_PATTERN
from kiosk.settings_file import SettingsError
from ui.crash import CrashGuard, OnGuiThread
from ui.first_screen import PICTURE_DELAY_MS, WINDOWED_SIZE, first_window, keep_welcome_picture
from ui.input_method import prepare_environment
from ui.qt_privacy import keep_qt_settings_off_disk

if TYPE_CHECKING:
    from kiosk.session.config import SessionConfig
    from kiosk.session.terminal import Terminal
    from kiosk.settings import KioskSettings
    from ui.boot import BootWindow
    from ui.core import CoreRunner
    from ui.snapshot import PictureWindow
    from ui.window import KioskWindow

#: Called once when the first screen has been painted (benchmarks, smoke tests).
FIRST_PAINT_HOOK: Callable[[], None] | None = None
_LANGUAGE = re.compile(LANGUAGE_PATTERN)

log = logging.getLogger("kiosk.ui.start")  # why the kiosk did not start, or serves nobody


def show_kiosk(window: QWidget, windowed: bool) -> None:
    """Show *window* as the kiosk shows its windows: full screen and fixed to the screen."""
    if windowed:
        window.resize(*WINDOWED_SIZE)
        window.show()
        return
    from PySide6.QtCore import Qt  # its enums cost a start 12 ms: only where needed

    window.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
    screen = QGuiApplication.primaryScreen()
    if screen is not None:
        _cover(window, screen)
        screen.geometryChanged.connect(lambda _=None: _cover(window, screen))
    window.showFullScreen()


def _cover(window: QWidget, screen: QScreen) -> None:
    # a kiosk X session may have no window manager to honour "full screen": cover the
    # screen ourselves, and fix the size so no layout can make the window taller
    geometry = screen.geometry()
    try:
        window.setFixedSize(geometry.size())
        window.move(geometry.topLeft())
    except RuntimeError:  # the window is gone (the boot window after the handover)
        return


def kiosk_window(
    terminal: Terminal,
    core: CoreRunner,
    *,
    keyboard: bool,
    kiosk_mode: bool,
    status_source: Callable[[], dict[str, Any]] | None = None,
    sync_now: Callable[[], None] | None = None,
    out_of_service: bool = False,
    speech_engine: str | None = None,
    speech_volume_db: float = -6.0,
) -> KioskWindow:
    """The kiosk window on *terminal*, as ``kiosk run`` builds it (tests build it so too)."""
    from ui.speech import Speaker
    from ui.window import KioskWindow

    return KioskWindow(
        terminal,
        core,
        speaker=Speaker(speech_engine, volume_db=speech_volume_db),
        keyboard=keyboard,
        kiosk_mode=kiosk_mode,
        status_source=status_source,
        sync_now=sync_now,
        out_of_service=out_of_service,
    )


class FatalScreen(QLabel):
    """A screen staff can read, instead of a traceback: the terminal cannot work."""

    def __init__(self, message: str, detail: str) -> None:
        from PySide6.QtCore import Qt  # after the first paint: see show_kiosk

        from ui import texts

        super().__init__(f"{message}\n\n{texts.STAFF_NEEDED}\n\n({detail})")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("font-size: 28px; padding: 48px;")

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        event.ignore()  # nothing to close to: the terminal stays on this screen


def stop_serving(window: QWidget, windowed: bool) -> FatalScreen:
    """The kiosk after crashes it could not recover from (see :mod:`ui.crash`): a screen that
    asks for staff and cannot be closed, in place of the kiosk window, which is hidden so
    nothing of it can be tapped. Only a restart brings the kiosk back."""
    from ui import texts

    screen = FatalScreen(texts.OUT_OF_SERVICE_TITLE, "repeated errors: see HOME/logs/kiosk.log")
    show_kiosk(screen, windowed)  # shown last, so on top; the window under it goes
    window.hide()
    return screen


def _fatal(message: str, detail: str, windowed: bool) -> QLabel:
    screen = FatalScreen(message, detail)
    show_kiosk(screen, windowed)
    print(detail, file=sys.stderr)
    return screen


def screen_languages(boot: dict[str, Any] | None) -> list[str]:
    """The languages the out-of-service screen speaks: those the boot screen offers, else
    every language the kiosk's own texts are translated into (no catalog is trusted then)."""
    found = [str(lang) for lang in (boot or {}).get("languages", [])]
    if not found:
        from kiosk.paths import translations_dir

        ui_po = translations_dir().glob("*/LC_MESSAGES/ui.po")
        found = ["de", *sorted(p.parent.parent.name for p in ui_po)]
    return [lang for lang in dict.fromkeys(found) if _LANGUAGE.match(lang)] or ["de"]


def _boot_data(home: Path, root: Path) -> dict[str, Any] | None:
    boot = read_boot(home / "cache")
    if boot is None:
        from kiosk.catalog.cache import boot_from_source

        boot = boot_from_source(root)
    return boot


def run_app(
    home: Path,
    root: Path,
    translations: Path | None,
    *,
    windowed: bool,
    smoke: bool,
    demo: bool = False,
    status_for: Callable[[Any], dict[str, Any]] | None = None,
    sync_now: Callable[[], None] | None = None,
    after_first_paint: Callable[[], None] | None = None,
    settings: Callable[[], KioskSettings] | None = None,
    keyboard: bool | None = None,
    session_config: Callable[[], SessionConfig] | None = None,
) -> int:
    """Start the kiosk; returns the exit code.

    *status_for* (given the store) and *sync_now* come from the launcher, which owns
    the sync: the staff menu shows the one and offers the other. *after_first_paint*
    starts what the first screen need not wait for (the launcher's background sync).
    *demo*: run the unsigned catalog folder, with demo office keys, when no verified
    bundle is installed; otherwise a terminal that pins admin keys stays out of service.
    *settings*: HOME/kiosk.toml checked in full, asked for right after the first paint (a
    :class:`SettingsError` then ends the kiosk with exit 2 before anyone is served);
    *keyboard*: the on-screen keyboard switch as read before the check (Qt needs it at
    start); *session_config*: the session's timings, made from the checked settings.
    """
    keyboard = prepare_environment(keyboard) and not smoke
    keep_qt_settings_off_disk()
    QLocale.setDefault(QLocale("de_DE"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    crash_guard = CrashGuard(home).install()  # logs what nobody caught; see ui.crash
    windowed = windowed or smoke
    if not windowed:
        app.setQuitOnLastWindowClosed(False)  # only the admin's exit ends the kiosk
    state: dict[str, object] = {}

    def first_paint() -> None:
        if FIRST_PAINT_HOOK is not None:
            FIRST_PAINT_HOOK()

    boot = _boot_data(home, root)
    boot_window: BootWindow | PictureWindow | None = None
    key: str | None = None
    from_picture = False
    if boot is not None:
        # a language tapped before the kiosk is ready is applied at the handover
        boot_window, key, from_picture = first_window(boot, home, windowed)
        show_kiosk(boot_window, windowed)
        boot_window.repaint()
        app.processEvents()
        first_paint()

    def handover(window: KioskWindow) -> None:
        show_kiosk(window, windowed)
        if boot_window is not None:
            # loading held the event loop: a tap made meanwhile reaches the first screen now
            app.processEvents()
            pending = boot_window.pending
            boot_window.release()
            if window.out_of_service:
                return  # a tap on the boot screen starts nothing on a terminal out of service
            if pending is not None:
                log.info("the kiosk took over the first screen, with a tap made on it")
            if pending == "@code":
                window.show_resume()
            elif pending == "@status":
                window.show_status_lookup()
            elif pending is not None and pending in window.catalog.languages:
                window.choose_language(pending)

    def load_rest() -> None:
        """Everything heavy; whatever goes wrong ends on a screen staff can read."""
        from ui import texts

        def cannot_start(exc: Exception) -> None:
            from kiosk.logsetup import log_exception

            log_exception(log, logging.ERROR, exc, "the kiosk could not start")
            state["fatal"] = _fatal(texts.STAFF_NEEDED, f"{type(exc).__name__}: {exc}", windowed)
            if boot_window is not None:
                boot_window.release()
            if smoke:
                app.exit(1)

        try:
            checked = settings() if settings is not None else None
        except SettingsError as exc:  # named key by key; nobody is served on such a file
            print(exc, file=sys.stderr)
            from kiosk.logsetup import Count

            log.error("HOME/kiosk.toml refused: %d problems", Count(len(exc.problems)))
            if boot_window is not None:
                boot_window.release()
            app.exit(2)
            return
        except Exception as exc:  # the log cannot be set up (HOME/logs unusable)
            cannot_start(exc)
            return
        try:
            if after_first_paint is not None:
                after_first_paint()
            load_kiosk(checked)
        except Exception as exc:  # the terminal must show something, never hang on boot
            cannot_start(exc)

    def load_kiosk(checked: KioskSettings | None) -> None:
        started = time.perf_counter()
        from kiosk.catalog.build import BuildResult
        from kiosk.catalog.cache import load_catalog_cached
        from kiosk.catalog.install import open_for_visitors, out_of_service_catalog
        from kiosk.logsetup import Diagnostic
        from kiosk.session.terminal import Terminal, ensure_demo_office_keys
        from kiosk.store import Store, StoreError
        from ui import texts
        from ui.core import CoreRunner

        serving = open_for_visitors(home, demo=demo)
        bundle = serving.bundle
        if serving.closed is not None:
            # staff read why here; the fleet view shows the terminal's catalog as
            # "out_of_service"; visitors see the out-of-service screen and nothing else
            log.error(
                "out of service until a verified catalog bundle is installed: %s",
                Diagnostic(serving.closed),
            )
            result = BuildResult(out_of_service_catalog(screen_languages(boot)), [])
        elif bundle is not None:
            result = BuildResult(bundle.catalog, [])
        else:
            result = load_catalog_cached(root, translations, home / "cache")
        if result.catalog is None or result.errors:
            for issue in result.errors:
                print(issue, file=sys.stderr)
            state["fatal"] = _fatal(texts.STAFF_NEEDED, "the catalog has errors", windowed)
            app.exit(1) if smoke else None
            return
        try:
            store = Store(home / "kiosk.sqlite3")
        except StoreError as exc:
            state["fatal"] = _fatal(exc.message, f"{exc.kind}: {exc.detail}", windowed)
            app.exit(1) if smoke else None
            return
        catalog = result.catalog
        if demo and bundle is None:
            made = ensure_demo_office_keys(home, catalog)
            print(
                f"demo mode: serving the unsigned catalog in {root}; offices without a "
                f"public_key seal to demo keys in {home / 'office_keys'}"
                + (f" (made now for {', '.join(made)})" if made else ""),
                file=sys.stderr,
            )
        elif bundle is None and serving.closed is None:
            print(
                f"no admin keys pinned: serving the unsigned catalog in {root} (development); "
                "offices without a public_key cannot receive applications (--demo makes keys)",
                file=sys.stderr,
            )
        terminal = Terminal(
            store,
            catalog,
            home,
            config=session_config() if session_config is not None else None,
            installer=serving.installer,
            bundle=bundle,
            demo=demo,
        )
        core = CoreRunner(terminal)
        window = kiosk_window(
            terminal,
            core,
            keyboard=keyboard,
            kiosk_mode=not windowed,
            status_source=(lambda: status_for(store)) if status_for is not None else None,
            sync_now=sync_now,
            out_of_service=serving.closed is not None,
            speech_engine=checked.speech.engine if checked else None,
            speech_volume_db=checked.speech.volume_db if checked else -6.0,
        )
        state.update(window=window, core=core, store=store)
        # after a crash: the welcome, nothing of the visit (queued: never inside the hook)
        crash_guard.recover_with(lambda: window.wipe("crash"), deliver=OnGuiThread())
        crash_guard.stop_serving_with(
            lambda: state.__setitem__("fatal", stop_serving(window, windowed))
        )
        if boot_window is None:
            show_kiosk(window, windowed)
            window.repaint()
            first_paint()
        else:
            handover(window)
        if not from_picture and not smoke:  # for the next start (see ui/first_screen.py)
            QTimer.singleShot(
                PICTURE_DELAY_MS, window, lambda: keep_welcome_picture(window, home, key)
            )
        if smoke:
            app.processEvents()
            writer = None if from_picture else keep_welcome_picture(window, home, key)
            if writer is not None:
                writer.join(timeout=30)
            window.repaint()
            shown = window.current.name if window.current is not None else ""
            ok = shown == "welcome"
            if ok:
                print(
                    f"welcome screen shown (kiosk ready after "
                    f"{time.perf_counter() - started:.2f} s of loading)",
                    flush=True,
                )
            elif shown == "out_of_service":
                print(f"out-of-service screen shown: {serving.closed}", flush=True)
            else:
                print("welcome screen missing", flush=True)
            app.exit(0 if ok else 1)

    QTimer.singleShot(0, load_rest)
    code = int(app.exec())
    crash_guard.uninstall()
    core = state.get("core")
    if core is not None:
        core.wait_idle()  # type: ignore[attr-defined]
        core.stop()  # type: ignore[attr-defined]
    store = state.get("store")
    if store is not None:
        store.close()  # type: ignore[attr-defined]
    return code
