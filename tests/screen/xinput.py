"""Input through the X server, as a touchscreen's driver delivers it: XTEST pointer events.

Nothing here calls a widget: a tap is a pointer motion, a button press and a
release that the X server sends to whichever window lies under that spot, so
whatever covers the spot (an overlay, a dialog, a window outside the kiosk)
gets it, exactly as with a finger.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from Xlib import X, display
from Xlib.ext import xtest


@dataclass(frozen=True)
class MappedWindow:
    """A top-level window the X server shows (map state viewable)."""

    wid: int
    x: int
    y: int
    width: int
    height: int


class Pointer:
    """Taps, presses, drags and key presses through XTEST on the display of DISPLAY."""

    def __init__(self, name: str | None = None) -> None:
        self.display = display.Display(name)
        if not self.display.has_extension("XTEST"):
            raise RuntimeError("the X server has no XTEST extension")
        self.screen = self.display.screen()

    def close(self) -> None:
        self.display.close()

    @property
    def size(self) -> tuple[int, int]:
        return self.screen.width_in_pixels, self.screen.height_in_pixels

    def move(self, x: int, y: int) -> None:
        xtest.fake_input(self.display, X.MotionNotify, x=int(x), y=int(y))
        self.display.sync()

    def press(self, x: int, y: int) -> None:
        self.move(x, y)
        xtest.fake_input(self.display, X.ButtonPress, 1)
        self.display.sync()

    def release(self) -> None:
        xtest.fake_input(self.display, X.ButtonRelease, 1)
        self.display.sync()

    def tap(self, x: int, y: int) -> None:
        self.press(x, y)
        time.sleep(0.03)
        self.release()

    def drag(
        self,
        points: list[tuple[int, int]],
        seconds: float,
        hold: float = 0.0,
        pause: Callable[[float], None] = time.sleep,
    ) -> None:
        """Press at the first point, move through the others evenly in *seconds*, rest
        *hold* seconds (a careful drag: no fling when the finger lifts), release.

        *pause* waits between moves; a test in the kiosk's own process passes one that
        keeps Qt reading its events meanwhile, as it does while a real finger moves."""
        self.press(*points[0])
        step = seconds / max(1, len(points) - 1)
        for x, y in points[1:]:
            pause(step)
            self.move(x, y)
        if hold:
            pause(hold)
        self.release()

    def clicks_middle(self, x: int, y: int) -> None:
        self.move(x, y)
        xtest.fake_input(self.display, X.ButtonPress, 2)
        xtest.fake_input(self.display, X.ButtonRelease, 2)
        self.display.sync()

    def mapped_windows(self) -> list[MappedWindow]:
        """Every viewable child of the root window, with its geometry."""
        found: list[MappedWindow] = []
        for child in self.screen.root.query_tree().children:
            try:
                if child.get_attributes().map_state != X.IsViewable:
                    continue
                geometry = child.get_geometry()
            except Exception:  # the window went away meanwhile
                continue
            if geometry.width <= 1 and geometry.height <= 1:
                continue
            found.append(
                MappedWindow(child.id, geometry.x, geometry.y, geometry.width, geometry.height)
            )
        return found
