"""Run one journey on the X server of DISPLAY: ``python -m tests.screen.run NAME --out DIR``.

Exit 0 when the journey went through; otherwise the reason on stderr (with the
screenshot's path) and exit 1. A separate process per journey: a crash of the
kiosk ends only its own run, and each visit starts on a fresh terminal.
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import sys
import tempfile
import traceback
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("journey")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    os.environ.pop("QT_QPA_PLATFORM", None)  # the real X server, not offscreen
    # a frozen kiosk (a nested event loop, a stuck disk) ends the run with every thread's
    # stack on stderr instead of hanging the test session
    faulthandler.dump_traceback_later(
        int(os.environ.get("KIOSK_JOURNEY_TIMEOUT", "240")), exit=True
    )
    from tests.screen.driver import JourneyError, RealScreen
    from tests.screen.journeys import JOURNEYS

    home = Path(tempfile.mkdtemp(prefix="kiosk-screen-"))
    screen = RealScreen(args.out, home=home)
    try:
        JOURNEYS[args.journey](screen)
        screen.check()
        screen.shot("last")
    except JourneyError as exc:
        print(f"JOURNEY FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    except Exception:
        screen.shot("failed-exception")
        traceback.print_exc()
        return 1
    finally:
        screen.close()
    print("journey passed", flush=True)
    return 0


if __name__ == "__main__":
    os._exit(main())  # skip Qt's teardown order: the result is already printed
