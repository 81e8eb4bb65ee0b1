"""No control of the kiosk opens a window of its own: no dialog, menu, file browser or URL.

Every window outside the kiosk window would be a way out (a file dialog browses
the disk and renames folders, a print dialog prints to a file, a link opens a
browser). Two checks: the UI code names none of the classes that make such
windows, and a walk that presses every button on every page of every form of
the demo catalog (every field type it has) sees no second window appear.
"""

from __future__ import annotations

import ast
import random
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from kiosk.session.clock import local_date
from kiosk.simulation.answers import AnswerMaker
from tests.ui.conftest import Kiosk
from ui.overlay import overlays
from ui.screens.form import FormScreen

UI = Path(__file__).resolve().parents[2] / "ui"
WINDOW_MAKERS = {
    "QFileDialog",
    "QDialog",
    "QMessageBox",
    "QInputDialog",
    "QColorDialog",
    "QFontDialog",
    "QPrintDialog",
    "QPrintPreviewDialog",
    "QPageSetupDialog",
    "QErrorMessage",
    "QProgressDialog",
    "QWizard",
    "QMenu",
    "QDesktopServices",
    "QSystemTrayIcon",
}


def test_the_ui_code_makes_no_window_of_its_own() -> None:
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        named = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        named |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        named |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        assert not named & WINDOW_MAKERS, f"{path.relative_to(UI.parent)}: {named & WINDOW_MAKERS}"


class WindowWatch(QObject):
    """Every widget that is shown as a window of its own (a tooltip does not count)."""

    def __init__(self, kiosk_window: QWidget) -> None:
        super().__init__()
        self.kiosk_window = kiosk_window
        self.seen: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and watched is not self.kiosk_window
            and type(watched).__name__ not in {"QTipLabel"}
        ):
            self.seen.append(f"{type(watched).__name__} {watched.objectName()!r}")
        return False


def press_everything(kiosk: Kiosk, screen: FormScreen) -> int:
    """Press every button of every question on the page (the bars around it have their own
    tests): tiles, help, pickers, list rows, add and remove, signature, attachment."""
    pressed = 0
    questions = [*screen.frames.values(), *screen.groups.values()]
    buttons = [b for q in questions for b in q.findChildren(QAbstractButton)]
    for button in buttons:
        if not (button.isVisibleTo(kiosk.window) and button.isEnabled()):
            continue
        button.click()
        pressed += 1
        kiosk.settle()
        for overlay in overlays(kiosk.window):  # a help text, a picker: back to the page
            if overlay.isVisible():
                overlay.dismiss()
        assert QApplication.activePopupWidget() is None
        assert QApplication.activeModalWidget() is None
        assert kiosk.screen is screen
    return pressed


def test_no_button_on_any_page_opens_a_window(kiosk: Kiosk) -> None:
    watch = WindowWatch(kiosk.window)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(watch)
    catalog = kiosk.terminal.catalog.catalog
    codelists = {c.id: c for c in catalog.codelists}
    seen_types: set[str] = set()
    pressed = 0
    try:
        for form in catalog.forms:
            kiosk.start("ar")
            screen = kiosk.open_form(form.id)
            answers = None
            maker = AnswerMaker(random.Random(7))
            while answers is None:
                answers = maker.fill(screen.compiled, codelists, local_date(kiosk.terminal.clock))
            for _ in range(len(form.pages) + 1):
                current = kiosk.screen
                if not isinstance(current, FormScreen):
                    break
                seen_types |= {
                    f.type for p in current.form.pages if p.id == current.page for f in p.fields
                }
                pressed += press_everything(kiosk, current)
                if kiosk.screen is not current:
                    break
                for key, page in current.page_of.items():
                    if page == current.page and key in answers and key in current.state.visible:
                        kiosk.set_answer(current, key, answers[key])
                kiosk.click("next")
            kiosk.start_over()
    finally:
        app.removeEventFilter(watch)
    assert watch.seen == []
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [kiosk.window]
    used = {f.type for form in catalog.forms for p in form.pages for f in p.fields}
    assert used <= seen_types and pressed > 500
