"""A real PulseAudio server with a null sink, for the whole test run.

Qt Multimedia plays to PulseAudio on Linux and looks for the server once per process,
so the server is started before any test and named in ``PULSE_SERVER``. Its null sink is
a real output that discards the sound; its monitor source lets a test record what was
played (``parec``) and measure it. Without ``pulseaudio`` the run goes on without sound
(read-aloud is then hidden, as on a terminal without an output), unless
``KIOSK_REQUIRE_AUDIO`` is set (CI), which makes that an error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

SINK = "kiosk_test"
_started: subprocess.Popen[bytes] | None = None


def start() -> str | None:
    """The server's address, once it answers; None when there is no PulseAudio here."""
    global _started
    program = shutil.which("pulseaudio")
    if program is None:
        if os.environ.get("KIOSK_REQUIRE_AUDIO"):
            raise RuntimeError("KIOSK_REQUIRE_AUDIO is set but pulseaudio is not installed")
        return None
    runtime = Path(tempfile.mkdtemp(prefix="kiosk-pulse-"))
    runtime.chmod(0o700)
    socket = runtime / "native"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(runtime)}
    command = [
        program, "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
        "--disallow-exit", "--log-target=stderr", "--log-level=error",
        f"--load=module-null-sink sink_name={SINK}",
        f"--load=module-native-protocol-unix auth-anonymous=1 socket={socket}",
    ]  # fmt: skip
    _started = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    address = f"unix:{socket}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if socket.exists() and _answers(address):
            os.environ["PULSE_SERVER"] = address
            return address
        time.sleep(0.05)
    stop()
    if os.environ.get("KIOSK_REQUIRE_AUDIO"):
        raise RuntimeError("the PulseAudio server for the tests did not start")
    return None


def _answers(address: str) -> bool:
    pactl = shutil.which("pactl")
    if pactl is None:
        return True
    done = subprocess.run(
        [pactl, "--server", address, "info"], capture_output=True, timeout=5, check=False
    )
    return done.returncode == 0


def stop() -> None:
    global _started
    if _started is not None:
        _started.terminate()
        try:
            _started.wait(timeout=5)
        except subprocess.TimeoutExpired:
            _started.kill()
        _started = None


class Recording:
    """What the null sink plays while the recording runs: 16-bit mono at 22,050 Hz."""

    RATE = 22050

    def __init__(self) -> None:
        parec = shutil.which("parec")
        if parec is None or "PULSE_SERVER" not in os.environ:
            raise RuntimeError("recording needs parec (pulseaudio-utils) and the test server")
        self._process = subprocess.Popen(
            [parec, f"--device={SINK}.monitor", "--format=s16le", f"--rate={self.RATE}",
             "--channels=1", "--latency-msec=20"],
            stdout=subprocess.PIPE,
        )  # fmt: skip

    def stop(self) -> bytes:
        self._process.terminate()
        data, _ = self._process.communicate(timeout=10)
        return data
