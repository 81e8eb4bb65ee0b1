"""Reading ``HOME/kiosk.toml`` and the environment, without checking the values.

The full check (:mod:`kiosk.settings`) needs pydantic, whose import alone takes
longer than painting a window. ``kiosk run`` paints its first screen before that
check: this module gives it what the first paint needs (the parsed file, so a file
that is not TOML at all stops the kiosk at once, and the on-screen keyboard switch)
and nothing else. Every value is checked after the first paint, before any visitor
is served; a value the check refuses still stops the kiosk (exit 2).

The environment variables of the kiosk are read here and nowhere else.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SETTINGS_FILE = "kiosk.toml"
#: A settings file is a few hundred bytes; anything near this is a mistake, not settings.
MAX_FILE_BYTES = 64 * 1024

ENV_HOME = "KIOSK_HOME"
ENV_SPEECH_ENGINE = "KIOSK_TTS_ENGINE"
ENV_KEYBOARD = "KIOSK_KEYBOARD"
ENV_ADMIN_TOKEN = "KIOSK_ADMIN_TOKEN"


class SettingsError(Exception):
    """The settings cannot be used; each line of the message names where the value came
    from (the file, or an environment variable), the key and why."""

    def __init__(self, path: Path, problems: list[str], *, from_file: bool = True) -> None:
        self.path = path
        self.problems = problems
        lines = [f"{path}: {problem}" if from_file else problem for problem in problems]
        super().__init__("\n".join(lines))


def settings_path(home: Path) -> Path:
    return home / SETTINGS_FILE


def read_table(path: Path) -> dict[str, Any] | None:
    """The parsed file, None when there is none; :class:`SettingsError` when it is not a
    settings file at all (unreadable, too large, not UTF-8, not TOML: with line and column)."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SettingsError(path, [f"cannot be read: {exc.strerror}"]) from None
    if len(raw) > MAX_FILE_BYTES:
        too_large = f"larger than {MAX_FILE_BYTES // 1024} KiB: not a settings file"
        raise SettingsError(path, [too_large])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SettingsError(path, [f"not UTF-8 (byte {exc.start})"]) from None
    import tomllib  # only when there is a file: a start without one never loads the parser

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(path, [_toml_problem(str(exc))]) from None


_TOML_POSITION = re.compile(r"^(?P<what>.*?) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")


def _toml_problem(message: str) -> str:
    """``line 3, column 7: Invalid value`` from tomllib's ``Invalid value (at line 3, ...)``."""
    found = _TOML_POSITION.match(message)
    if found is None:
        return f"not valid TOML: {message}"
    return f"line {found['line']}, column {found['column']}: not valid TOML: {found['what']}"


def keyboard_before_check(
    table: Mapping[str, Any] | None, environ: Mapping[str, str] | None = None
) -> bool | None:
    """Whether the first screen gets the on-screen keyboard: ``$KIOSK_KEYBOARD``, else
    ``keyboard.enabled`` of *table* when it is a plain true or false, else None (the
    default). The keyboard's input method must be chosen before Qt starts, so this is
    read before the full check; a value that check refuses stops the kiosk anyway."""
    override = keyboard_override(environ)
    if override is not None:
        return override
    section = (table or {}).get("keyboard")
    value = section.get("enabled") if isinstance(section, dict) else None
    return value if isinstance(value, bool) else None


# ---------------------------------------------------------------- the environment
def home_from_environment(environ: Mapping[str, str] | None = None) -> str | None:
    """``$KIOSK_HOME``, when set and not empty."""
    return (os.environ if environ is None else environ).get(ENV_HOME) or None


def admin_token_from_environment(environ: Mapping[str, str] | None = None) -> str | None:
    """``$KIOSK_ADMIN_TOKEN``: the admin's token for ``kiosk catalog publish``."""
    return (os.environ if environ is None else environ).get(ENV_ADMIN_TOKEN) or None


def speech_engine_override(environ: Mapping[str, str] | None = None) -> str | None:
    """``$KIOSK_TTS_ENGINE``, which wins over ``speech.engine``."""
    return (os.environ if environ is None else environ).get(ENV_SPEECH_ENGINE) or None


def keyboard_override(environ: Mapping[str, str] | None = None) -> bool | None:
    """``$KIOSK_KEYBOARD``: ``0`` turns the on-screen keyboard off, anything else on."""
    value = (os.environ if environ is None else environ).get(ENV_KEYBOARD)
    return None if value is None else value != "0"


def environment_overrides(environ: Mapping[str, str]) -> dict[str, tuple[str, object]]:
    """dotted key -> (the variable, its value) for each setting the environment overrides."""
    found: dict[str, tuple[str, object]] = {}
    engine = speech_engine_override(environ)
    if engine is not None:
        found["speech.engine"] = (ENV_SPEECH_ENGINE, engine)
    keyboard = keyboard_override(environ)
    if keyboard is not None:
        found["keyboard.enabled"] = (ENV_KEYBOARD, keyboard)
    return found
