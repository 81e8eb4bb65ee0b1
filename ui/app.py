"""Starting the kiosk: Qt, the terminal (database, catalog, keys), the core thread, the window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.session.terminal import Terminal, ensure_demo_office_keys
from kiosk.store import Store, StoreError
from ui import texts
from ui.core import CoreRunner
from ui.keyboard import prepare_environment
from ui.speech import Speaker
from ui.window import KioskWindow


def _fatal(app: QApplication, error: StoreError, windowed: bool) -> int:
    """A screen staff can read, instead of a traceback: the terminal cannot store anything."""
    screen = QLabel(f"{error.message}\n\n{texts.STAFF_NEEDED}\n\n({error.kind}: {error.detail})")
    screen.setWordWrap(True)
    screen.setAlignment(Qt.AlignmentFlag.AlignCenter)
    screen.setStyleSheet("font-size: 28px; padding: 48px;")
    screen.showFullScreen() if not windowed else screen.show()
    print(f"{error.kind}: {error.detail}", file=sys.stderr)
    return int(app.exec())


def run_app(catalog: CompiledCatalog, *, home: Path, windowed: bool, smoke: bool) -> int:
    keyboard = prepare_environment() and not smoke
    QLocale.setDefault(QLocale("de_DE"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    try:
        store = Store(home / "kiosk.sqlite3")
    except StoreError as exc:
        if smoke:
            print(f"{exc.kind}: {exc.detail}", file=sys.stderr)
            return 1
        return _fatal(app, exc, windowed)
    ensure_demo_office_keys(home, catalog)
    terminal = Terminal(store, catalog, home)
    core = CoreRunner()
    window = KioskWindow(
        terminal, core, speaker=Speaker(), keyboard=keyboard, kiosk_mode=not (windowed or smoke)
    )
    if windowed or smoke:
        window.resize(1280, 800)
        window.show()
    else:
        window.setWindowFlags(
            Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        )
        window.showFullScreen()
    if smoke:

        def done() -> None:
            window.repaint()
            if window.current is not None and window.current.name == "welcome":
                print("welcome screen shown", flush=True)
                app.exit(0)
            else:
                app.exit(1)

        QTimer.singleShot(0, done)
    code = int(app.exec())
    core.wait_idle()
    core.stop()
    store.close()
    return code
