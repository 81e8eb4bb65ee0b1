"""`kiosk catalog preview` renders every page of the chosen forms and languages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

KIOSK = str(Path(sys.executable).with_name("kiosk"))


def test_preview_subset(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [
            KIOSK,
            "catalog",
            "preview",
            "--out",
            str(tmp_path),
            "--lang",
            "ar",
            "--lang",
            "de",
            "--form",
            "sozialticket",
            "--form",
            "wbs",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    pages = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.png"))
    assert "ar/sozialticket/01-person.png" in pages
    assert len([p for p in pages if p.startswith("de/wbs/")]) == 6
    assert len(pages) == 2 * (3 + 6)
    image = QImage(str(tmp_path / "ar" / "sozialticket" / "02-benefit.png"))
    assert image.width() == 1280 and image.height() >= 800
    colours = {image.pixel(x, y) for x in range(0, 1280, 7) for y in range(0, 600, 7)}
    assert len(colours) > 10  # text was drawn, not an empty page


def test_preview_rejects_unknown_names(tmp_path: Path) -> None:
    done = subprocess.run(
        [KIOSK, "catalog", "preview", "--out", str(tmp_path), "--lang", "xx"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "not in the catalog: xx" in done.stderr
