"""Kiosk UI speed: start-up, page change, language switch, as ratios to plain Qt.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ui.py [--starts 7]`` (or on a
real display). Prints one line per figure (``bench/ratios.py``), each beside a floor
measured in the same run:
- start-up to the first painted welcome screen, in a fresh process, against a minimal
  PySide6 window (one label) started and painted the same way: target <= 1.5x for a
  terminal's usual start, <= 3x for its very first one (no catalog cache, no database);
- changing the page of a form with two pages of 60 fields (switch + repaint), p50 and
  p95, against a ``QStackedWidget`` switching between two pages of 60 plain label +
  line edit pairs: target <= 3x;
- switching the language of a filled 120-field form (the screen rebuilt and painted),
  against building and painting 120 plain label + line edit pairs: target <= 3x.
Start-ups alternate between the kiosk and the minimal window, so that load from other
processes falls on both alike.
"""

from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QLabel,
    QLineEdit,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from bench.generated import answers_for, generated_form, one_office_catalog  # noqa: E402
from bench.ratios import Report, at_most, interleaved_ms, p50, percentile  # noqa: E402

MINIMAL = """
import sys, time
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QLabel
from PySide6.QtCore import QTimer
app = QApplication(sys.argv[:1])
w = QLabel("Hallo"); w.resize(1280, 800); w.show()
def painted():
    w.repaint(); print(time.perf_counter() - t0); app.quit()
QTimer.singleShot(0, painted)
app.exec()
"""

KIOSK = """
import sys, time
t0 = time.perf_counter()
import ui.app
def painted():
    print(time.perf_counter() - t0, flush=True)
ui.app.FIRST_PAINT_HOOK = painted
from cli.main import main
main(["run", "--smoke", "--home", sys.argv[1]])
"""


def startup_ms(script: str, *args: str) -> float:
    """Milliseconds from the start of a fresh interpreter to the first painted screen."""
    out = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return 1000 * float(next(line for line in out.stdout.splitlines() if line[:1].isdigit()))


def startup_figures(report: Report, starts: int) -> None:
    # a terminal runs bytecode (the bundle carries nothing else); where the environment
    # forbids writing it (PYTHONDONTWRITEBYTECODE), every start would compile our sources
    for package in ("ui", "kiosk", "cli", "sync"):
        compileall.compile_dir(ROOT / package, quiet=1)
    home = Path(tempfile.mkdtemp())
    startup_ms(KIOSK, str(home))  # builds the catalog cache, the boot file and the database once
    times: dict[str, list[float]] = {"minimal": [], "kiosk": [], "first": []}
    for _ in range(starts):  # one of each per round: load falls on all three alike
        times["minimal"].append(startup_ms(MINIMAL))
        times["kiosk"].append(startup_ms(KIOSK, str(home)))
        times["first"].append(startup_ms(KIOSK, tempfile.mkdtemp()))
    report.note(
        f"start-up to the first painted screen, {starts} starts each; "
        "floor: a minimal PySide6 window"
    )
    minimal = p50(times["minimal"])
    report.figure("start-up, usual, p50", p50(times["kiosk"]), minimal, "ms", at_most(1.5))
    report.figure("start-up, very first, p50", p50(times["first"]), minimal, "ms", at_most(3.0))


def plain_form(pages: int, fields: int, stylesheet: str) -> QStackedWidget:
    """The floor's form: *pages* pages of *fields* label + line edit pairs in a stack,
    each page scrolling, with the kiosk's style sheet."""
    stack = QStackedWidget()
    stack.setStyleSheet(stylesheet)
    for page in range(pages):
        body = QWidget()
        rows = QVBoxLayout(body)
        for n in range(fields):
            rows.addWidget(QLabel(f"Frage Nummer {page * fields + n}"))
            rows.addWidget(QLineEdit("Antwort"))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        stack.addWidget(scroll)
    stack.resize(1280, 800)
    stack.show()
    return stack


def screen_figures(report: Report, app: QApplication, runs: int) -> None:
    from kiosk.catalog.build import build_catalog
    from kiosk.session.clock import SystemClock, local_date
    from ui.screens.base import ScreenEnv
    from ui.screens.form import FormScreen
    from ui.theme import Theme
    from ui.tr import Tr

    stylesheet = Theme().stylesheet()
    with tempfile.TemporaryDirectory() as tmp:
        root = one_office_catalog(Path(tmp) / "forms_catalog", ["de", "uk", "ar"])
        text = generated_form("big", 120, 30, per_page=60)  # two pages of 60 fields
        (root / "amt" / "big.yaml").write_text(text)
        catalog = build_catalog(root).catalog
    if catalog is None:
        raise RuntimeError("the generated form does not build")
    form = catalog.catalog.form("big")
    answers = answers_for(form)
    today = local_date(SystemClock())

    def make(lang: str) -> FormScreen:
        env = ScreenEnv.standalone(Tr(lang, catalog), Theme())
        screen = FormScreen.standalone(env, catalog, "big", answers, today)
        screen.setStyleSheet(stylesheet)
        screen.resize(1280, 800)
        screen.show()
        app.processEvents()
        return screen

    screen = make("uk")
    plain = plain_form(2, 60, stylesheet)
    app.processEvents()
    turn = 0

    def change_page() -> None:
        nonlocal turn
        turn += 1
        screen.go_to(form.pages[turn % 2].id)
        screen.repaint()

    def change_plain_page() -> None:
        plain.setCurrentIndex(1 - plain.currentIndex())
        plain.repaint()

    times = interleaved_ms({"screen": change_page, "floor": change_plain_page}, runs=runs)
    report.note(
        "page change on a form of two pages of 60 fields (switch + repaint); "
        "floor: a plain QStackedWidget of two pages of 60 label + line edit pairs"
    )
    for name, q in [("p50", 0.5), ("p95", 0.95)]:
        report.figure(
            f"page change, {name}",
            percentile(times["screen"], q),
            percentile(times["floor"], q),
            "ms",
            at_most(3.0),
        )

    languages = iter(["ar", "de", "uk"] * runs)

    def switch_language() -> None:
        nonlocal screen
        screen.deleteLater()
        screen = make(next(languages))
        screen.repaint()

    def rebuild_plain() -> None:
        nonlocal plain
        plain.deleteLater()
        plain = plain_form(2, 60, stylesheet)
        app.processEvents()
        plain.repaint()

    times = interleaved_ms({"screen": switch_language, "floor": rebuild_plain}, runs=9)
    report.note(
        "language switch on a filled 120-field form (rebuilt and painted); "
        "floor: 120 plain label + line edit pairs built and painted"
    )
    report.figure(
        "language switch, p50", p50(times["screen"]), p50(times["floor"]), "ms", at_most(3.0)
    )


def quiet_size_hint_notes() -> None:
    """Drop the offscreen platform's note that it cannot pass size limits on (xcb can);
    every other Qt message still goes to stderr."""
    previous = None

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message == "This plugin does not support propagateSizeHints()":
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--starts", type=int, default=7, help="start-ups of each kind")
    parser.add_argument("--runs", type=int, default=60, help="page changes timed")
    args = parser.parse_args()
    report = Report("ui")
    quiet_size_hint_notes()
    startup_figures(report, args.starts)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    screen_figures(report, app, args.runs)


if __name__ == "__main__":
    main()
