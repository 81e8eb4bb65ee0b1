"""Wait for a first screen at a spot, then tap it through X (run in a process of its own:
python-xlib leaves the pipe of ``xauth`` open, which a test process must not)."""

from __future__ import annotations

import sys
import time

from Xlib import X, display

from tests.screen.xinput import Pointer


def white_at(name: str, x: int, y: int, timeout: float) -> bool:
    """Wait until the screen is white at (x, y): a button of the first screen is drawn."""
    screen = display.Display(name)
    try:
        root = screen.screen().root
        width = root.get_geometry().width
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = root.get_image(0, y, width, 1, X.ZPixmap, 0xFFFFFFFF).data
            if min(bytes(row[4 * x : 4 * x + 3])) > 0xF0:
                return True
            time.sleep(0.005)
        return False
    finally:
        screen.close()


def main() -> int:
    name, x, y = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if not white_at(name, x, y, timeout=60):
        print("no first screen drawn", file=sys.stderr)
        return 1
    pointer = Pointer(name)
    pointer.tap(x, y)
    pointer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
