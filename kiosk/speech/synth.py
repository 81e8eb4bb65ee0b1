"""Text to sound with eSpeak NG, bounded, with the text never on a command line.

Visitors' own words can be read back to them (their answers on the review page), so the
text goes to eSpeak on standard input: a command line is readable by every process of
the machine. Each run is bounded in input, time and output, and nothing is written to
disk: the sound comes back on standard output.
"""

from __future__ import annotations

import shutil
import subprocess

from kiosk.speech.pcm import Pcm, SoundError, read_wav
from kiosk.speech.voices import ESPEAK

MAX_TEXT = 6000  # characters read at once: a long info sheet's page
TIMEOUT = 20.0  # seconds; eSpeak needs ~0.1 s for a page
MAX_SOUND = 64 * 1024 * 1024  # bytes; 6,000 characters are ~8 MB at 22 kHz


class SynthesisError(RuntimeError):
    """eSpeak NG is missing, failed, took too long or wrote no usable sound."""


def synthesize(text: str, voice: str, *, words_per_minute: int = 150) -> Pcm:
    """*text* spoken by eSpeak NG's *voice*; *text* past :data:`MAX_TEXT` is cut at a
    word there. Runs on the caller's thread: never call it from the UI thread."""
    program = shutil.which(ESPEAK)
    if program is None:
        raise SynthesisError("eSpeak NG is not installed (Debian package espeak-ng)")
    spoken = _bounded(text)
    command = [program, "-v", voice, "-s", str(words_per_minute), "--stdout"]
    try:
        done = subprocess.run(
            command,
            input=spoken.encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise SynthesisError(f"eSpeak NG took longer than {TIMEOUT:g} s") from None
    except OSError as exc:
        raise SynthesisError(f"eSpeak NG could not start: {exc}") from None
    if done.returncode != 0:
        reason = done.stderr[:200].decode("utf-8", "replace").strip()
        raise SynthesisError(f"eSpeak NG failed: {reason or done.returncode}")
    if len(done.stdout) > MAX_SOUND:
        raise SynthesisError("eSpeak NG wrote more sound than a page can need")
    try:
        return read_wav(done.stdout)
    except SoundError as exc:
        raise SynthesisError(f"eSpeak NG wrote no usable sound: {exc}") from None


def _bounded(text: str) -> str:
    if len(text) <= MAX_TEXT:
        return text
    cut = text.rfind(" ", 0, MAX_TEXT)
    return text[: cut if cut > 0 else MAX_TEXT]
