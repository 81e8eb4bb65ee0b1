"""Run under a real X server (xvfb-run): open a form with the embedded keyboard, tap keys.

Prints one JSON line with what happened; tests/ui/test_keyboard.py reads it.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ["QT_IM_MODULE"] = "qtvirtualkeyboard"
os.environ["QT_VIRTUALKEYBOARD_DESKTOP_DISABLE"] = "1"

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from kiosk.catalog.build import build_catalog
from kiosk.session.terminal import Terminal
from kiosk.store import Store
from ui.core import CoreRunner
from ui.window import KioskWindow

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    app = QApplication(sys.argv[:1])
    home = Path(tempfile.mkdtemp())
    catalog = build_catalog(ROOT / "forms_catalog").catalog
    assert catalog is not None
    core = CoreRunner()
    window = KioskWindow(Terminal(Store(home / "k.sqlite3"), catalog, home), core, keyboard=True)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowActive(window)

    def wait(seconds: float = 0.3) -> None:
        end = time.time() + seconds
        while time.time() < end:
            core.wait_idle(0.05)
            app.processEvents()

    def click(kiosk_id: str) -> None:
        for w in window.findChildren(QWidget):
            if w.property("kiosk_id") == kiosk_id and w.isVisibleTo(window):
                w.click() if isinstance(w, QPushButton) else w.clicked.emit()  # type: ignore[attr-defined]
                wait()
                return
        raise SystemExit(f"no {kiosk_id}")

    def tap_row(fraction_y: float, fractions_x: list[float]) -> None:
        assert window.keyboard is not None
        view = window.keyboard.view
        for fx in fractions_x:
            QTest.mouseClick(
                view,
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
                QPoint(int(view.width() * fx), int(view.height() * fraction_y)),
            )
            wait(0.2)

    click("lang-uk")
    click("office-sozialamt")
    click("start-sozialticket")
    name = window.current.frames["family_name"].input.edit  # type: ignore[union-attr]
    QTest.mouseClick(name, Qt.MouseButton.LeftButton)
    wait(1.5)
    result = {
        "keyboard": window.keyboard is not None,
        "visible": bool(window.keyboard and window.keyboard.isVisible()),
        "inside": bool(window.keyboard and window.keyboard.window() is window),
        "windows": len([w for w in QGuiApplication.topLevelWindows() if w.isVisible()]),
    }
    tap_row(0.38, [0.08, 0.16, 0.24])
    result["typed"] = name.text()
    phone = window.current.frames["phone"].input.edit  # type: ignore[union-attr]
    window.current.scrolls["person"].ensureWidgetVisible(phone)
    phone.setFocus(Qt.FocusReason.MouseFocusReason)
    QGuiApplication.inputMethod().show()
    wait(1.0)
    tap_row(0.15, [0.385, 0.46, 0.54])
    result["phone"] = phone.text()
    print(json.dumps(result, ensure_ascii=False), flush=True)
    os._exit(0)


if __name__ == "__main__":
    main()
