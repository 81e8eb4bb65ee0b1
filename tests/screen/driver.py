"""The kiosk on a real X server, used as a person uses it.

This runs inside a process whose DISPLAY is a private Xvfb (see
:mod:`tests.screen.run`). The kiosk is built and shown exactly as ``kiosk run``
shows it (full screen, frameless, the embedded keyboard), and every action is
real input through the X server (:mod:`tests.screen.xinput`): the driver only
*reads* widgets, to know where a button is and what the screen shows.

After every step :meth:`RealScreen.check` asserts what a visitor relies on: the
window is exactly the screen, no other window is mapped (no dialog, no file
browser, no stray keyboard), and every primary action of what is on screen
(the footer, the top bar, an open overlay) lies inside the screen, above the
keyboard, and is the widget a finger on its centre would hit.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QPointF, QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtQuick import QQuickItem
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QScroller,
    QWidget,
)

from tests.screen.xinput import Pointer

ROOT = Path(__file__).resolve().parents[2]


class JourneyError(AssertionError):
    """A step a visitor could not take, or a promise the screen broke."""


class ShiftedClock:
    """Real time plus an offset the journey can advance (idle timeouts without waiting)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


class RealScreen:
    """One kiosk window on the X server, a pointer, and the checks after each step."""

    def __init__(self, out: Path, *, home: Path) -> None:
        from kiosk.catalog.build import build_catalog
        from kiosk.session.terminal import Terminal, ensure_demo_office_keys
        from kiosk.store import Store
        from ui.app import kiosk_window, show_kiosk
        from ui.core import CoreRunner
        from ui.input_method import prepare_environment

        self.out = out
        self.out.mkdir(parents=True, exist_ok=True)
        self.steps = 0
        keyboard = prepare_environment()
        self.app = QApplication.instance() or QApplication(["kiosk"])
        result = build_catalog(ROOT / "forms_catalog")
        assert result.catalog is not None, result.errors
        ensure_demo_office_keys(home, result.catalog)
        self.clock = ShiftedClock()
        self.store = Store(home / "kiosk.sqlite3")
        self.terminal = Terminal(self.store, result.catalog, home, clock=self.clock)
        self.core = CoreRunner(self.terminal)
        # built and shown as `kiosk run` builds and shows it
        self.window = kiosk_window(self.terminal, self.core, keyboard=keyboard, kiosk_mode=True)
        show_kiosk(self.window, windowed=False)
        self.window.activateWindow()
        self.pointer = Pointer()
        self.crashes: list[str] = []
        self._hook_crashes()
        self.wait_until(lambda: self.window.isVisible() and self.screen_name == "welcome")
        self.settle(0.5)

    # ---------------------------------------------------------------- reading the screen
    @property
    def screen_name(self) -> str:
        current = self.window.current
        return current.name if current is not None else ""

    def settle(self, seconds: float = 0.25) -> None:
        """Let the kiosk work: core results arrive, the X server's events are read."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.005)
        self._raise_crash()

    def wait_until(
        self, condition: Callable[[], bool], timeout: float = 10.0, what: str = ""
    ) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.app.processEvents()
            self._raise_crash()
            if condition():
                return
            time.sleep(0.01)
        self.fail(f"waited {timeout:.0f} s for {what or condition.__name__}")

    def widgets(self, kiosk_id: str) -> list[QWidget]:
        return [
            w
            for w in self.app.allWidgets()
            if (w.property("kiosk_id") or w.objectName()) == kiosk_id and w.isVisible()
        ]

    def find(self, kiosk_id: str, timeout: float = 5.0) -> QWidget:
        found: list[QWidget] = []

        def present() -> bool:
            found[:] = self.widgets(kiosk_id)
            return bool(found)

        self.wait_until(present, timeout, f"{kiosk_id!r} on screen {self.screen_name!r}")
        return found[0]

    def visible(self, kiosk_id: str) -> bool:
        return bool(self.widgets(kiosk_id))

    def centre(self, widget: QWidget) -> QPoint:
        return widget.mapToGlobal(widget.rect().center())

    def global_rect(self, widget: QWidget) -> QRect:
        return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())

    def keyboard_rect(self) -> QRect | None:
        panel = self.window.keyboard
        if panel is None or not panel.isVisible():
            return None
        return self.global_rect(panel)

    def hit(self, widget: QWidget) -> str | None:
        """None if a finger on the widget's centre reaches it; else why not."""
        screen = QGuiApplication.primaryScreen().geometry()
        rect = self.global_rect(widget)
        name = widget.property("kiosk_id") or widget.objectName() or type(widget).__name__
        if not screen.contains(rect.center()):
            return f"{name} lies outside the screen at {rect.getRect()}"
        keyboard = self.keyboard_rect()
        if keyboard is not None and keyboard.intersects(rect) and not self._inside_keyboard(widget):
            return f"{name} lies under the keyboard ({rect.getRect()} vs {keyboard.getRect()})"
        under = self.app.widgetAt(rect.center())
        probe = under
        while probe is not None and probe is not widget:
            probe = probe.parentWidget()
        if probe is None:
            cover = under.property("kiosk_id") or under.objectName() if under else None
            return f"{name} is covered by {cover or type(under).__name__} at {rect.center()}"
        return None

    def _inside_keyboard(self, widget: QWidget) -> bool:
        panel = self.window.keyboard
        probe: QWidget | None = widget
        while probe is not None:
            if probe is panel:
                return True
            probe = probe.parentWidget()
        return False

    # ---------------------------------------------------------------- acting
    def tap(self, kiosk_id: str, *, settle: float = 0.3) -> None:
        if not self.visible(kiosk_id) and self.keyboard_rect() is not None:
            self.settle(0.3)
            if not self.visible(kiosk_id):
                # on a small screen the page's buttons make room for the keyboard: a
                # person closes the keyboard (its hide key) to reach them
                self.hide_keyboard()
        self.tap_widget(self.find(kiosk_id), settle=settle)

    def _rest(self, widget: QWidget) -> None:
        """A person waits for a moving page to stop before tapping in it."""
        area = _scroll_area_of(widget)
        if area is not None and QScroller.hasScroller(area.viewport()):
            scroller = QScroller.scroller(area.viewport())
            self.wait_until(
                lambda: scroller.state() == QScroller.State.Inactive, 5, "the page to rest"
            )

    def tap_widget(self, widget: QWidget, *, settle: float = 0.3) -> None:
        self.bring_into_view(widget)
        self._rest(widget)
        problem = self.hit(widget)
        if problem:
            self.fail(f"cannot tap: {problem}")
        point = self.centre(widget)
        self.pointer.tap(point.x(), point.y())
        self.settle(settle)
        self.check()

    def drag(self, points: list[tuple[int, int]], seconds: float) -> None:
        """A finger's stroke through *points* in *seconds*, the kiosk reading it as it goes."""
        self.pointer.drag(points, seconds, pause=self.settle)
        self.settle(0.3)

    def tap_at(self, x: int, y: int, settle: float = 0.3) -> None:
        self.pointer.tap(x, y)
        self.settle(settle)

    def long_press(self, x: int, y: int, seconds: float) -> None:
        self.pointer.press(x, y)
        self.settle(seconds)
        self.pointer.release()
        self.settle(0.3)

    def bring_into_view(self, widget: QWidget, attempts: int = 12) -> None:
        """Scroll as a person does, dragging the page, until the widget is fully shown."""
        area = _scroll_area_of(widget)
        if area is None:
            return
        for _ in range(attempts):
            viewport = self.global_rect(area.viewport())
            keyboard = self.keyboard_rect()
            if keyboard is not None and keyboard.top() < viewport.bottom():
                viewport.setBottom(keyboard.top() - 1)
            rect = self.global_rect(widget)
            if viewport.contains(rect) or (
                rect.height() > viewport.height() and viewport.contains(rect.center())
            ):
                return
            if rect.center().y() > viewport.bottom() or rect.bottom() > viewport.bottom():
                distance = min(rect.bottom() - viewport.bottom() + 24, viewport.height() // 2)
                direction = -1
            else:
                distance = min(viewport.top() - rect.top() + 24, viewport.height() // 2)
                direction = 1
            # a shorter drag stays under the scroller's start distance and lands as a tap
            # on whatever is under the finger (a form's start button, say)
            distance = max(distance, min(96, viewport.height() // 2))
            x = viewport.left() + max(8, min(viewport.width() // 12, 60))
            start = viewport.center().y() - direction * distance // 2
            points = [(x, start + direction * distance * i // 12) for i in range(13)]
            self.pointer.drag(points, 0.6, hold=0.3, pause=self.settle)
            scroller = QScroller.scroller(area.viewport())
            self.settle(0.2)
            self.wait_until(
                lambda s=scroller: s.state() == QScroller.State.Inactive, 5, "the page to rest"
            )
        self.fail(f"could not scroll {widget.property('kiosk_id') or widget} into view")

    def type_text(self, text: str) -> None:
        """Type on the on-screen keyboard, key by key, into the focused field."""
        for char in text:
            self._type_char(char)
        self.settle(0.2)
        self.check()

    def focused_text(self) -> str:
        focus = self.app.focusWidget()
        if isinstance(focus, QLineEdit):
            return focus.text()
        if isinstance(focus, QPlainTextEdit):
            return focus.toPlainText()
        return ""

    def _type_char(self, char: str) -> None:
        before = self.focused_text()
        key = self.keyboard_key(char)
        if key is None:
            self.fail(f"the keyboard shows no key for {char!r}; it shows {self.keyboard_letters()}")
        self._tap_key(key)
        after = self.focused_text()
        if after == before + char:
            return
        if after.casefold() == (before + char).casefold():  # the keyboard chose the other case
            backspace = self.keyboard_special("backspace")
            shift = self.keyboard_special("shift")
            if backspace is None or shift is None:
                self.fail(f"typed {after!r}, cannot correct the case of {char!r}")
            self._tap_key(backspace)
            self._tap_key(shift)
            self._tap_key(self.keyboard_key(char) or key)
            after = self.focused_text()
        if after != before + char:
            self.fail(f"typing {char!r} after {before!r} gave {after!r}")

    def _tap_key(self, item: QQuickItem) -> None:
        point = self._item_centre(item)
        self.pointer.tap(point.x(), point.y())
        self.settle(0.12)

    def _item_centre(self, item: QQuickItem) -> QPoint:
        assert self.window.keyboard is not None
        scene = item.mapToScene(QPointF(item.width() / 2, item.height() / 2))
        return self.window.keyboard.view.mapToGlobal(scene.toPoint())

    def keyboard_items(self) -> Iterator[QQuickItem]:
        panel = self.window.keyboard
        if panel is None or not panel.isVisible():
            return
        root = panel.view.rootObject()
        stack: list[QQuickItem] = [root] if root is not None else []
        while stack:
            item = stack.pop()
            if not item.isVisible() or item.opacity() <= 0.01:
                continue
            stack.extend(item.childItems())
            if item.width() > 8 and item.height() > 8:
                yield item

    def keyboard_key(self, char: str) -> QQuickItem | None:
        for item in self.keyboard_items():
            text = item.property("text")
            is_key = isinstance(text, str) and text and item.property("key") is not None
            if is_key and text.casefold() == char.casefold():
                return item
        return None

    def keyboard_special(self, kind: str) -> QQuickItem | None:
        from PySide6.QtCore import Qt

        wanted = {"backspace": Qt.Key.Key_Backspace, "shift": Qt.Key.Key_Shift}[kind].value
        for item in self.keyboard_items():
            if item.property("key") == wanted:
                return item
        return None

    #: Qt Virtual Keyboard's KeyType of the key that lowers the keyboard.
    HIDE_KEY_TYPE = 6

    def hide_keyboard(self) -> None:
        """Tap the keyboard's own "hide" key, as a visitor done with typing does."""
        for item in self.keyboard_items():
            if item.property("keyType") == self.HIDE_KEY_TYPE:
                self._tap_key(item)
                self.wait_until(lambda: self.keyboard_rect() is None, 5, "the keyboard to go")
                self.settle(0.3)
                self.check()
                return
        self.fail("the keyboard has no hide key")

    def keyboard_letters(self) -> str:
        letters = []
        for item in self.keyboard_items():
            text = item.property("text")
            if isinstance(text, str) and len(text) == 1 and item.property("key") is not None:
                letters.append(text)
        return "".join(sorted(set(letters)))

    def on_core(self, fn: Callable[[], Any], timeout: float = 30.0) -> Any:
        """Run *fn* on the kiosk's core thread (set-up a journey needs), wait for its result."""
        box: list[Any] = []
        self.core.run(lambda _: fn(), box.append, box.append)
        self.wait_until(lambda: bool(box), timeout, "the core thread")
        if isinstance(box[0], BaseException):
            raise box[0]
        return box[0]

    def advance(self, seconds: float) -> None:
        """Let time pass for the session (idle timers) without waiting for it."""
        self.clock.advance(seconds)
        self.settle(1.2)

    # ---------------------------------------------------------------- the checks
    def check(self) -> None:
        """What must hold after every step, on every screen size."""
        self.steps += 1
        if os.environ.get("KIOSK_SCREEN_SHOTS") == "all":
            self.shot(f"step-{self.steps:03d}-{self.screen_name}")
        screen = QGuiApplication.primaryScreen().geometry()
        if self.window.geometry() != screen or self.window.frameGeometry() != screen:
            self.fail(
                f"the window is {self.window.frameGeometry().getRect()}, "
                f"the screen {screen.getRect()}"
            )
        mapped = [w for w in self.pointer.mapped_windows() if w.width * w.height > 400]
        shapes = [(w.x, w.y, w.width, w.height) for w in mapped]
        if shapes != [(0, 0, screen.width(), screen.height())]:
            self.fail(f"windows on the X screen: {shapes}; only the kiosk may be there")
        for widget in self.primary_actions():
            problem = self.hit(widget)
            if problem:
                self.fail(f"primary action unreachable: {problem}")

    def primary_actions(self) -> list[QWidget]:
        """The footer and top bar of the screen, or the buttons of the overlay above it."""
        covers = [
            c
            for c in self.window.findChildren(QWidget)
            if c.property("overlay") is not None and c.isVisible()
        ]
        shown = max(covers, key=lambda c: int(c.property("overlay")), default=None)
        if shown is not None:
            return [b for b in shown.findChildren(QAbstractButton) if b.isVisible()]
        current = self.window.current
        if current is None:
            return []
        found: list[QWidget] = []
        for layout in (current.footer,):
            for i in range(layout.count()):
                item = layout.itemAt(i)
                widget = item.widget() if item is not None else None
                if widget is not None and widget.isVisible():
                    found.append(widget)
        if current.top.isVisible():
            found.extend(b for b in current.top.findChildren(QAbstractButton) if b.isVisible())
        if current.name == "welcome":
            found.extend(
                w
                for w in current.findChildren(QAbstractButton)
                if str(w.property("kiosk_id") or "").startswith("lang-") and w.isVisible()
            )
        return found

    # ---------------------------------------------------------------- evidence
    def shot(self, name: str) -> Path:
        path = self.out / f"{name}.png"
        screen = QGuiApplication.primaryScreen()
        screen.grabWindow(0).save(str(path))
        return path

    def fail(self, message: str) -> None:
        path = self.shot(f"failed-{self.steps:03d}")
        raise JourneyError(f"{message} (screen {self.screen_name!r}; screenshot {path})")

    def _hook_crashes(self) -> None:
        """An exception inside a Qt slot is a crash on a real terminal: collect and fail."""
        import sys

        previous = sys.excepthook

        def hook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
            import traceback

            self.crashes.append("".join(traceback.format_exception(kind, value, tb)))
            previous(kind, value, tb)

        sys.excepthook = hook

    def _raise_crash(self) -> None:
        if self.crashes:
            crash, self.crashes = self.crashes[0], []
            raise JourneyError(f"the kiosk raised an exception in a slot:\n{crash}")

    def close(self) -> None:
        self.window.activity.stop()
        self.core.wait_idle()
        self.app.processEvents()
        self.core.stop()
        self.store.close()
        self.pointer.close()


def _scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    probe = widget.parentWidget()
    while probe is not None:
        if isinstance(probe, QAbstractScrollArea):
            return probe
        probe = probe.parentWidget()
    return None
