"""A private X server (Xvfb) of a given size, for tests that need a real screen."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
from collections.abc import Iterator


class NoXServerError(RuntimeError):
    """Xvfb is not installed (``.ci/run`` installs it)."""


@contextlib.contextmanager
def xvfb(width: int, height: int, *, timeout: float = 20.0) -> Iterator[str]:
    """Start Xvfb at *width* x *height*; yields its DISPLAY (":N") and stops it afterwards.

    Xvfb picks a free display number itself and writes it to a pipe (``-displayfd``),
    so parallel runs never fight over a number."""
    binary = shutil.which("Xvfb")
    if binary is None:
        raise NoXServerError("Xvfb is not installed")
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [
            binary,
            "-displayfd",
            str(write_end),
            "-screen",
            "0",
            f"{width}x{height}x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], timeout)
        number = os.read(read_end, 64).decode().strip() if ready else ""
        if not number.isdigit():
            raise RuntimeError(f"Xvfb did not start within {timeout:.0f} s")
        yield f":{number}"
    finally:
        os.close(read_end)
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
