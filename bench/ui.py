"""Kiosk UI speed: start-up, page change, language switch.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ui.py`` (or on a real display).
Prints:
- start-up to the first painted welcome screen, in a fresh process, against a minimal
  PySide6 window started the same way (the ratio is the figure; target under 1.5x), both
  for a terminal's usual start and for its very first one (no cache, no database yet);
- page change on a 60-field page, p50/p95 (target p95 under 16 ms);
- language switch on a filled form.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

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


def startup(script: str, *args: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return float(next(line for line in out.stdout.splitlines() if line[:1].isdigit()))


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    home = Path(tempfile.mkdtemp())
    startup(KIOSK, str(home))  # builds the catalog cache, the boot file and the database once
    minimal = [startup(MINIMAL) for _ in range(5)]
    kiosk = [startup(KIOSK, str(home)) for _ in range(5)]
    first = [startup(KIOSK, tempfile.mkdtemp()) for _ in range(3)]
    m, k, f = statistics.median(minimal), statistics.median(kiosk), statistics.median(first)
    print(
        f"start-up to first painted screen: kiosk {k * 1000:.0f} ms, minimal PySide6 window "
        f"{m * 1000:.0f} ms, ratio {k / m:.2f}x (target < 1.5x)"
    )
    print(
        f"very first start (empty home, no catalog cache): first paint {f * 1000:.0f} ms, "
        f"ratio {f / m:.2f}x"
    )

    from PySide6.QtWidgets import QApplication

    from kiosk.catalog.build import build_catalog
    from kiosk.session.clock import SystemClock, local_date
    from ui.screens.base import ScreenEnv
    from ui.screens.form import FormScreen
    from ui.theme import Theme
    from ui.tr import Tr

    sys.path.insert(0, str(ROOT / "bench"))
    from engine import generated_form, one_office_catalog

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        root = one_office_catalog(Path(tmp) / "forms_catalog", ["de", "uk", "ar"])
        text = generated_form("big", 120, 30, per_page=60)  # two pages of 60 fields
        (root / "amt" / "big.yaml").write_text(text)
        catalog = build_catalog(root).catalog
        assert catalog is not None
        form = catalog.catalog.form("big")
        assert [len(p.fields) for p in form.pages] == [60, 60], [len(p.fields) for p in form.pages]

        def env(lang: str) -> ScreenEnv:
            return ScreenEnv.standalone(Tr(lang, catalog), Theme())

        today = local_date(SystemClock())
        sys.path.insert(0, str(ROOT))
        from engine import answers_for

        answers = answers_for(form)

        def make(lang: str) -> FormScreen:
            screen = FormScreen.standalone(env(lang), catalog, "big", answers, today)
            screen.setStyleSheet(Theme().stylesheet())
            screen.resize(1280, 800)
            screen.show()
            app.processEvents()
            return screen

        screen = make("uk")
        samples = []
        for n in range(60):
            target = form.pages[(n + 1) % 2].id
            start = time.perf_counter()
            screen.go_to(target)
            screen.repaint()
            samples.append((time.perf_counter() - start) * 1000)
        print(
            f"page change on a 60-field page (switch + repaint): p50 {pct(samples, 0.5):.1f} ms, "
            f"p95 {pct(samples, 0.95):.1f} ms (target p95 < 16 ms)"
        )
        switch = []
        for lang in ["ar", "de", "uk"] * 3:
            start = time.perf_counter()
            screen.deleteLater()
            screen = make(lang)
            screen.repaint()
            switch.append((time.perf_counter() - start) * 1000)
        print(
            f"language switch on a filled 120-field form (rebuild + paint): "
            f"median {statistics.median(switch):.0f} ms, max {max(switch):.0f} ms"
        )


if __name__ == "__main__":
    main()
