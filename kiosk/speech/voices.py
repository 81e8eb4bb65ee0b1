"""Which voice speaks which kiosk language.

eSpeak NG (the Debian package ``espeak-ng``) is on every terminal: it runs offline, starts
in milliseconds and has voices for most kiosk languages. Where its voice for a language
is missing (Pashto, Tigrinya, Sorani and Somali have none in 1.51), the kiosk says so
instead of offering a silent button. Dari is read with the Persian voice: the script and
the sounds are Persian's, the accent is Iranian, and Afghan readers understand it;
Leichte Sprache is German.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

#: kiosk language -> eSpeak NG voice (``espeak-ng --voices`` lists what is installed)
ESPEAK_VOICES: dict[str, str] = {
    "de": "de",
    "de@leicht": "de",
    "en": "en-gb",
    "uk": "uk",
    "ru": "ru",
    "ar": "ar",
    "fa": "fa",
    "fa_AF": "fa",
    "tr": "tr",
    "ro": "ro",
    "ku": "ku",
    "bg": "bg",
    "pl": "pl",
    "sq": "sq",
    "fr": "fr-fr",
    "am": "am",
    "ps": "ps",
    "ti": "ti",
}
ESPEAK = "espeak-ng"
_LIST_TIMEOUT = 3.0  # asked once, at start: it answers in milliseconds
_LIST_LIMIT = 1 << 20  # the voice list is a few KB; more is not eSpeak talking


@cache
def installed_voices() -> frozenset[str]:
    """The voices this machine's eSpeak NG has; empty when it is not installed or does
    not answer sensibly (then nothing is offered as speakable)."""
    program = shutil.which(ESPEAK)
    if program is None:
        return frozenset()
    try:
        done = subprocess.run(
            [program, "--voices"], capture_output=True, timeout=_LIST_TIMEOUT, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    if done.returncode != 0:
        return frozenset()
    return parse_voice_list(done.stdout[:_LIST_LIMIT].decode("utf-8", "replace"))


def parse_voice_list(text: str) -> frozenset[str]:
    """The language column of ``espeak-ng --voices``: ``Pty Language Age/Gender ...``."""
    found = set()
    for line in text.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 2 and parts[0].isdigit():
            found.add(parts[1])
    return frozenset(found)


def voice_for(lang: str, installed: frozenset[str] | None = None) -> str | None:
    """The eSpeak NG voice for *lang*, or None when this machine has none for it."""
    voice = ESPEAK_VOICES.get(lang)
    have = installed_voices() if installed is None else installed
    return voice if voice is not None and voice in have else None
