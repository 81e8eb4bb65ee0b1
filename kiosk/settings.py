"""The terminal's settings: one typed file, ``HOME/kiosk.toml``, and the environment.

A deployment sets timings and limits here instead of in code. The file is checked
as strictly as a catalog: an unknown key, a wrong type or a value out of its bounds
is refused with the file, the dotted key and what is allowed, so a typo never turns
silently into a default and a bad value never reaches a visitor (a 5-second idle
timeout, say). A missing file means every default.

Environment variables that existed before the file stay as overrides, checked as the
file's values are (they and the file are read in :mod:`kiosk.settings_file`, which
the first paint of ``kiosk run`` uses before this check has even been imported).

Nothing here imports the session, the sync or Qt: the launcher (``cli``) turns the
sections into the configuration objects of those parts.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotated_types import Ge, Le
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo

from kiosk.logsetup import DEFAULT_LOG_LIMITS, LogLevel
from kiosk.settings_file import (
    ENV_KEYBOARD,
    ENV_SPEECH_ENGINE,
    SETTINGS_FILE,
    SettingsError,
    environment_overrides,
    read_table,
    settings_path,
)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class SessionSettings(_Section):
    """A visitor's session and the assisted mode.

    The upper bounds are part of the privacy promise, not a matter of taste: a visitor
    who walks away must not leave their answers on screen, staff who walk away must not
    leave their rights behind, and PIN guessing must stay slow, whatever a deployment
    writes here.
    """

    idle_seconds: float = Field(
        90.0,
        ge=20,
        le=300,
        description="seconds without a touch before the idle warning (at most 300: a "
        "visitor who walked away leaves the answers on screen no longer)",
    )
    warning_seconds: float = Field(
        30.0,
        ge=20,
        le=120,
        description="seconds the idle warning counts down before the visit is wiped "
        "(at least 20: WCAG 2.2.1; at most 120: the answers stay on screen meanwhile)",
    )
    resume_days: float = Field(
        7.0,
        ge=1,
        le=30,
        description='days a "continue later" code stays valid (at most 30: the parked '
        "answers stay on the terminal no longer)",
    )
    recovery_window_seconds: float = Field(
        600.0,
        ge=60,
        le=1800,
        description="seconds after an unclean stop in which staff may recover the "
        "interrupted visit (at most 1800: after that it is wiped)",
    )
    free_pin_attempts: int = Field(
        3,
        ge=1,
        le=5,
        description="wrong PINs for one resume code before waits begin (at most 5: more "
        "would let a guesser try PINs at full speed)",
    )
    lockout_base_seconds: float = Field(
        30.0,
        ge=10,
        le=600,
        description="the first wait after the free attempts; each further wrong PIN doubles "
        "it, up to an hour (at least 10: shorter waits hardly slow a guesser)",
    )
    max_pin_attempts: int = Field(
        10,
        ge=2,
        le=10,
        description="wrong PINs after which a resume code is locked for good (at most 10: "
        "each one more is one more PIN a guesser may try)",
    )
    staff_idle_seconds: float = Field(
        120.0,
        ge=30,
        le=600,
        description="seconds without a touch after which the assisted mode locks itself "
        "(at most 600: staff who walked away leave their rights behind no longer)",
    )
    staff_max_seconds: float = Field(
        1800.0,
        ge=60,
        le=7200,
        description="seconds after which the assisted mode locks, however busy the terminal "
        "is (at most 7200: staff unlock again at least every two hours)",
    )

    @model_validator(mode="after")
    def _consistent(self) -> SessionSettings:
        if self.free_pin_attempts >= self.max_pin_attempts:
            raise ValueError("free_pin_attempts must be below max_pin_attempts")
        if self.staff_idle_seconds > self.staff_max_seconds:
            raise ValueError("staff_idle_seconds must not exceed staff_max_seconds")
        return self


class LoggingSettings(_Section):
    """The log in ``HOME/logs`` (never answers: see :mod:`kiosk.logsetup`)."""

    level: LogLevel = Field(
        DEFAULT_LOG_LIMITS.level,
        description="the least severe records written to HOME/logs/kiosk.log",
    )
    max_file_kib: int = Field(
        DEFAULT_LOG_LIMITS.max_file_kib,
        ge=64,
        le=10240,
        description="size in KiB at which kiosk.log is rotated (at most 10240: with "
        "files_kept, the logs never fill the disk the visits are saved on)",
    )
    files_kept: int = Field(
        DEFAULT_LOG_LIMITS.files_kept,
        ge=1,
        le=20,
        description="rotated log files kept beside kiosk.log (kiosk.log.1 ...; at most 20: "
        "see max_file_kib)",
    )


class SpeechSettings(_Section):
    engine: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_-]{1,40}$",
        description="read-aloud: espeak-ng (left out: the same) or none (no read-aloud); "
        f"overridden by ${ENV_SPEECH_ENGINE}",
    )
    volume_db: float = Field(
        -6.0,
        ge=-24,
        le=0,
        description="read-aloud's volume at the start of each visit, in dB below full "
        "(visitors change it in steps of 6 dB on screen)",
    )


class KeyboardSettings(_Section):
    enabled: bool = Field(
        True,
        description="the on-screen keyboard (the virtual keyboard of Qt); "
        f"${ENV_KEYBOARD}=0 turns it off",
    )


class BackgroundSyncSettings(_Section):
    """The background sync that ``kiosk run`` starts."""

    idle_interval: float = Field(
        5.0, ge=1, le=3600, description="seconds between looks at an empty outbox"
    )
    heartbeat_interval: float = Field(
        60.0, ge=10, le=3600, description="seconds between status reports to the server"
    )
    delivery_interval: float = Field(
        300.0,
        ge=60,
        le=86400,
        description="seconds between asking the server which applications it still holds",
    )
    timeout: float = Field(30.0, ge=5, le=300, description="seconds one request may take")
    compress: bool = Field(
        False,
        description="gzip the applications sent up: saves about a quarter of the bytes on a "
        "slow or metered link (a mobile modem), costs CPU on terminal and server",
    )


class KioskSettings(_Section):
    """The whole file: one table per part of the terminal."""

    session: SessionSettings = SessionSettings()
    logging: LoggingSettings = LoggingSettings()
    speech: SpeechSettings = SpeechSettings()
    keyboard: KeyboardSettings = KeyboardSettings()
    sync: BackgroundSyncSettings = BackgroundSyncSettings()


@dataclass(frozen=True)
class LoadedSettings:
    """The settings in effect, and where each value that is not a default came from."""

    settings: KioskSettings
    path: Path
    exists: bool
    from_file: frozenset[str] = frozenset()
    #: dotted key -> the environment variable that set it
    from_environment: dict[str, str] = field(default_factory=dict)

    def source(self, key: str) -> str:
        if key in self.from_environment:
            return f"${self.from_environment[key]}"
        return SETTINGS_FILE if key in self.from_file else "default"


def load_settings(home: Path, environ: Mapping[str, str] | None = None) -> LoadedSettings:
    """The settings of the terminal in *home*: its file, then the environment's overrides.

    Raises :class:`SettingsError` for a file that cannot be used, and for an environment
    variable with a value the file could not hold either (naming the variable).
    """
    env = os.environ if environ is None else environ
    path = settings_path(home)
    data = read_table(path)
    settings = parse_settings(data, path) if data is not None else KioskSettings()
    overrides = environment_overrides(env)
    if overrides:
        settings = _overridden(data or {}, overrides, path)
    return LoadedSettings(
        settings,
        path,
        exists=data is not None,
        from_file=frozenset(_dotted_keys(data or {})),
        from_environment={key: variable for key, (variable, _) in overrides.items()},
    )


def parse_settings(data: dict[str, Any], path: Path) -> KioskSettings:
    """*data* (a parsed TOML table) as settings, or :class:`SettingsError` naming each key."""
    try:
        return KioskSettings.model_validate(data)
    except ValidationError as exc:
        raise SettingsError(path, [_describe(error) for error in exc.errors()]) from None


def _overridden(
    data: dict[str, Any], overrides: dict[str, tuple[str, object]], path: Path
) -> KioskSettings:
    """The file's *data* (already valid) with the environment's values in their places,
    validated as a whole: an override passes the checks a value of the file passes."""
    merged = {key: dict(value) if isinstance(value, dict) else value for key, value in data.items()}
    for key, (_, value) in overrides.items():
        section, name = key.split(".", 1)
        merged.setdefault(section, {})[name] = value
    try:
        return KioskSettings.model_validate(merged)
    except ValidationError as exc:
        variables = {key: f"${variable}" for key, (variable, _) in overrides.items()}
        problems = [
            f"{variables.get('.'.join(map(str, e['loc'])), 'the environment')}: {_describe(e)}"
            for e in exc.errors()
        ]
        raise SettingsError(path, problems, from_file=False) from None


def _describe(error: Any) -> str:
    loc = [str(part) for part in error["loc"]]
    key = ".".join(loc) or "(the file)"
    kind = error["type"]
    section = _section_model(loc[:-1])
    if kind == "extra_forbidden":
        known = sorted(section.model_fields) if section is not None else []
        return f"{key}: unknown setting" + (f" (known here: {', '.join(known)})" if known else "")
    if kind == "value_error":
        return f"{key}: {error['msg'].removeprefix('Value error, ')}"
    if kind in {"model_type", "dict_type"}:
        return f"{key}: must be a table ([{key}] with its settings below it)"
    got = error.get("input")
    shown = "" if isinstance(got, dict | list) else f" (got {repr(got)[:60]})"
    info = section.model_fields.get(loc[-1]) if section is not None and loc else None
    hint = f"; allowed: {allowed_values(info)}" if info is not None else ""
    return f"{key}: {error['msg'][:1].lower()}{error['msg'][1:]}{shown}{hint}"


def _section_model(section: list[str]) -> type[BaseModel] | None:
    model: type[BaseModel] = KioskSettings
    for part in section:
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def allowed_values(info: FieldInfo) -> str:
    """What a setting accepts, in words (for a refusal, the README and ``kiosk settings``)."""
    low = next((m.ge for m in info.metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in info.metadata if isinstance(m, Le)), None)
    if low is not None and high is not None:
        kind = "whole number" if info.annotation is int else "number"
        return f"{kind}, {plain_number(low)} to {plain_number(high)}"
    if info.annotation is bool:
        return "true or false"
    args = getattr(info.annotation, "__args__", ())
    if args and all(isinstance(a, str) for a in args):
        return ", ".join(f'"{a}"' for a in args)
    return "a name: letters, digits, - and _"


def plain_number(value: object) -> str:
    """``90`` for 90.0, as a number is written in kiosk.toml."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def _dotted_keys(data: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    for key, value in data.items():
        if isinstance(value, dict):
            yield from _dotted_keys(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}"
