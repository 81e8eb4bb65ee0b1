"""The kept picture of the welcome screen: taken of that screen alone, shown at the next
start only under the same key and shape, answering taps as the screen would, and
refused when damaged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tests.ui.conftest import Kiosk
from ui.boot import BootWindow
from ui.snapshot import INDEX, PICTURE, PictureWindow, keep_picture, load_picture, picture_key

ROOT = Path(__file__).resolve().parents[2]
BOOT = {
    "languages": ["de", "ar", "uk"],
    "names": {"de": "Deutsch", "ar": "العربية", "uk": "Українська"},
}
SIZE = (900, 600)


def kept(qtbot: QtBot, folder: Path, key: str = "key-1") -> tuple[BootWindow, QImage]:
    """A welcome screen drawn in a real window, its picture kept in *folder*."""
    window = BootWindow(BOOT, lambda _: None)
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window)
    screen = window.welcome
    writer = keep_picture(
        screen, window, screen.tap_targets(), "Bitte wählen Sie Ihre Sprache", folder, key
    )
    assert writer is not None
    writer.join(timeout=30)
    return window, screen.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def test_the_picture_is_the_screen_and_answers_taps_as_it_would(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, drawn = kept(qtbot, tmp_path)
    picture = load_picture(tmp_path, "key-1", SIZE)
    assert picture is not None
    assert picture.image == drawn  # pixel for pixel
    assert picture.description == "Bitte wählen Sie Ihre Sprache"

    shown = PictureWindow(picture)
    qtbot.addWidget(shown)
    shown.resize(*SIZE)
    shown.show()
    targets = dict(picture.targets)
    buttons = window.welcome.language_buttons
    assert targets["uk"].center() == buttons["uk"].mapTo(
        window.welcome, buttons["uk"].rect().center()
    )
    QTest.mouseClick(shown, Qt.MouseButton.LeftButton, pos=targets["ar"].center())
    assert shown.pending == "ar"
    QTest.mouseClick(shown, Qt.MouseButton.LeftButton, pos=targets["@status"].center())
    assert shown.pending == "@status"
    QTest.mouseClick(shown, Qt.MouseButton.LeftButton, pos=QPoint(2, SIZE[1] // 2))  # no button
    assert shown.pending == "@status"
    assert not shown.close() and shown.isVisible()  # only the handover closes it
    shown.release()
    assert not shown.isVisible()


def test_another_key_or_shape_shows_no_picture(qtbot: QtBot, tmp_path: Path) -> None:
    kept(qtbot, tmp_path)
    assert load_picture(tmp_path, "key-2", SIZE) is None
    assert load_picture(tmp_path, "key-1", (SIZE[0] + 1, SIZE[1])) is None


@pytest.mark.parametrize(
    "damage",
    [
        "cut_pixels",
        "extra_pixels",
        "index_not_json",
        "index_huge",
        "width_huge",
        "no_index",
        "index_nested_deep",  # json.loads would recurse out of its depth
        "width_infinite",  # 1e400 reads as infinity
        "target_infinite",
        "target_not_five",
        "width_as_text",
        "index_is_a_pipe",  # a read would block the start for ever
        "pixels_link_to_zero",  # a read would never end
    ],
)
def test_a_damaged_picture_is_not_shown(qtbot: QtBot, tmp_path: Path, damage: str) -> None:
    kept(qtbot, tmp_path)
    pixels, index = tmp_path / PICTURE, tmp_path / INDEX
    match damage:
        case "cut_pixels":
            pixels.write_bytes(pixels.read_bytes()[:-1])
        case "extra_pixels":
            pixels.write_bytes(pixels.read_bytes() + b"\0")
        case "index_not_json":
            index.write_text("{not json")
        case "index_huge":
            index.write_text(" " * 300_000 + index.read_text())
        case "width_huge":
            data = json.loads(index.read_text())
            data.update(width=100_000, stride=400_000)
            index.write_text(json.dumps(data))
        case "no_index":
            index.unlink()
        case "index_nested_deep":
            index.write_text("[" * 200_000)
        case "width_infinite":
            index.write_text(index.read_text().replace('"width": 900', '"width": 1e400'))
        case "target_infinite":
            data = json.loads(index.read_text())
            data["targets"][0][1] = "INF"
            index.write_text(json.dumps(data).replace('"INF"', "1e400"))
        case "target_not_five":
            data = json.loads(index.read_text())
            data["targets"][0] = data["targets"][0][:3]
            index.write_text(json.dumps(data))
        case "width_as_text":
            index.write_text(index.read_text().replace('"width": 900', '"width": "900"'))
        case "index_is_a_pipe":
            key = index.read_text()
            index.unlink()
            os.mkfifo(index)
            assert key  # the pipe has no writer: opening it to read must not wait
        case "pixels_link_to_zero":
            pixels.unlink()
            pixels.symlink_to("/dev/zero")
    assert load_picture(tmp_path, "key-1", SIZE) is None


def test_the_key_changes_with_what_the_screen_shows(tmp_path: Path) -> None:
    texts = tmp_path / "ui.mo"
    texts.write_bytes(b"one")

    def key(**changes: object) -> str:
        parts: dict[str, object] = {
            "boot": BOOT,
            "size": SIZE,
            "ratio": 1.0,
            "settings": b"",
            "texts": [texts],
        }
        parts.update(changes)
        return picture_key(**parts)  # type: ignore[arg-type]

    first = key()
    assert key() == first
    assert key(boot={**BOOT, "languages": ["de", "uk"]}) != first
    assert key(size=(1080, 1920)) != first
    assert key(ratio=2.0) != first
    assert key(settings=b"[display]\nlarge_text = true\n") != first
    os.utime(texts, ns=(1, 1))
    assert key() != first  # the kiosk's own texts were replaced


def _start(home: Path) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "run", "--smoke", "--home", str(home)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "welcome screen shown" in done.stdout
    return (home / "logs" / "kiosk.log").read_text(encoding="utf-8")


def test_kiosk_run_keeps_the_picture_and_paints_it_first_next_time(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = _start(home)
    assert "first paint: the boot window" in first
    assert (home / "cache" / PICTURE).exists()
    second = _start(home)[len(first) :]
    assert "first paint: the kept picture of the welcome screen" in second
    (home / "kiosk.toml").write_text("[logging]\n")  # what the screen shows may change
    third = _start(home)[len(first) + len(second) :]
    assert "first paint: the boot window" in third
    fourth = _start(home)[len(first) + len(second) + len(third) :]
    assert "first paint: the kept picture of the welcome screen" in fourth


def test_no_picture_of_a_visitor_s_choices(kiosk: Kiosk, tmp_path: Path) -> None:
    """The welcome screen with larger text or high contrast (a visitor's choice, which the
    end of the visit undoes) or behind a started visit is not what the next start shows."""
    from ui.first_screen import keep_welcome_picture

    assert kiosk.screen.name == "welcome"
    kiosk.window.set_large(True)
    assert keep_welcome_picture(kiosk.window, tmp_path, "key-1") is None
    kiosk.window.set_large(False)
    writer = keep_welcome_picture(kiosk.window, tmp_path, "key-1")
    assert writer is not None
    writer.join(timeout=30)
    kiosk.start("uk")
    assert keep_welcome_picture(kiosk.window, tmp_path, "key-2") is None
