"""HOME/kiosk.toml: what it accepts, what it refuses and how it says so, and where its
values end up (the session, the sync, `kiosk settings check`, `kiosk run`)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cli.main import main
from cli.settings_cmd import session_config, sync_settings
from kiosk.session.config import SessionConfig
from kiosk.settings import KioskSettings, load_settings
from kiosk.settings_doc import markdown_table, setting_specs
from kiosk.settings_file import (
    MAX_FILE_BYTES,
    SettingsError,
    keyboard_before_check,
    read_table,
)
from sync.client.worker import SyncSettings

KIOSK = str(Path(sys.executable).with_name("kiosk"))
README = Path(__file__).resolve().parents[2] / "README.md"


def write(home: Path, text: str) -> Path:
    path = home / "kiosk.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def refusal(home: Path, text: str) -> str:
    write(home, text)
    with pytest.raises(SettingsError) as caught:
        load_settings(home, environ={})
    return str(caught.value)


# (what the file says, what the message must contain besides the file's path)
REFUSED = [
    ("[session]\nidle_seconds = 5\n", ["session.idle_seconds", "20 to 300", "got 5"]),
    ("[session]\nidle_seconds = 301\n", ["session.idle_seconds", "20 to 300"]),
    ("[session]\nwarning_seconds = 19.5\n", ["session.warning_seconds", "20 to 120"]),
    ('[session]\nidle_seconds = "90"\n', ["session.idle_seconds", "valid number"]),
    ("[session]\nidle_seconds = true\n", ["session.idle_seconds", "valid number"]),
    ("[session]\nidle_seconds = nan\n", ["session.idle_seconds"]),
    ("[session]\nidle_seconds = inf\n", ["session.idle_seconds"]),
    ("[session]\nmax_pin_attempts = 5.0\n", ["session.max_pin_attempts", "valid integer"]),
    ("[session]\nidel_seconds = 90\n", ["session.idel_seconds", "unknown setting", "idle_seconds"]),
    ("[sesion]\nidle_seconds = 90\n", ["sesion", "unknown setting", "session"]),
    ("session = 90\n", ["session", "must be a table"]),
    (
        "[session]\nfree_pin_attempts = 5\nmax_pin_attempts = 5\n",
        ["session", "free_pin_attempts must be below max_pin_attempts"],
    ),
    (
        "[session]\nstaff_idle_seconds = 600\nstaff_max_seconds = 300\n",
        ["session", "staff_idle_seconds must not exceed staff_max_seconds"],
    ),
    ('[logging]\nlevel = "info"\n', ["logging.level", "'INFO'"]),
    ("[logging]\nmax_file_kib = 10\n", ["logging.max_file_kib", "64 to 10240"]),
    ("[logging]\nfiles_kept = 0\n", ["logging.files_kept", "1 to 20"]),
    ('[speech]\nengine = "speech dispatcher"\n', ["speech.engine"]),
    ('[keyboard]\nenabled = "yes"\n', ["keyboard.enabled", "valid boolean"]),
    ("[keyboard]\nenabled = 1\n", ["keyboard.enabled", "valid boolean"]),
    ("[sync]\nidle_interval = 0\n", ["sync.idle_interval", "1 to 3600"]),
    ("[session]\nidle_seconds = \n", ["line 2, column 16", "not valid TOML"]),
    ("[session]\nidle_seconds = 90\nidle_seconds = 95\n", ["line 3", "not valid TOML"]),
    ("[session\n", ["line 1", "not valid TOML"]),
]


@pytest.mark.parametrize(("text", "expected"), REFUSED)
def test_a_bad_file_is_refused_naming_file_and_key(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    message = refusal(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'kiosk.toml'}: "), message
    for part in expected:
        assert part in message, (part, message)


# (setting, the least value refused above its bound, the bound, why it is there)
UPPER_BOUNDS = [
    ("idle_seconds", 301, 300, "a visitor who walked away leaves the answers on screen"),
    ("warning_seconds", 121, 120, "the answers stay on screen while it counts down"),
    ("resume_days", 31, 30, "parked answers stay on the terminal"),
    ("recovery_window_seconds", 1801, 1800, "an interrupted visit stays recoverable"),
    ("staff_idle_seconds", 601, 600, "staff who walked away leave their rights behind"),
    ("staff_max_seconds", 7201, 7200, "staff rights last however busy the terminal is"),
    ("max_pin_attempts", 11, 10, "each attempt more is one more PIN a guesser may try"),
    ("free_pin_attempts", 6, 5, "attempts without a wait let a guesser go at full speed"),
]


@pytest.mark.parametrize(("name", "refused", "bound", "why"), UPPER_BOUNDS)
def test_no_setting_can_undo_the_wipe_or_the_pin_lock(
    tmp_path: Path, name: str, refused: int, bound: int, why: str
) -> None:
    message = refusal(tmp_path, f"[session]\n{name} = {refused}\n")
    assert f"session.{name}: " in message and f" to {bound}" in message, (why, message)
    lower = {"max_pin_attempts": "free_pin_attempts = 1\n"}.get(name, "")
    staff = "staff_idle_seconds = 30\n" if name == "staff_max_seconds" else ""
    write(tmp_path, f"[session]\n{lower}{staff}{name} = {bound}\n")
    settings = load_settings(tmp_path, environ={}).settings.session
    assert getattr(settings, name) == bound  # the bound itself is allowed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[session]\nlockout_base_seconds = 9\n", "10 to 600"),
        ("[session]\nrecovery_window_seconds = 59\n", "60 to 1800"),
        ("[logging]\nmax_file_kib = 10241\n", "64 to 10240"),
        ("[logging]\nfiles_kept = 21\n", "1 to 20"),
    ],
)
def test_the_other_bounds_hold_too(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in refusal(tmp_path, text)


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    message = refusal(tmp_path, "[session]\nidle_seconds = 5\nwarning_seconds = 5\n[x]\n")
    lines = message.splitlines()
    assert len(lines) == 3, message
    assert [line.split(": ")[1] for line in lines] == [
        "session.idle_seconds",
        "session.warning_seconds",
        "x",
    ]


def test_a_file_too_large_or_not_text_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, "# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    assert "larger than 64 KiB" in message
    (tmp_path / "kiosk.toml").write_bytes(b"[session]\nidle_seconds = 90 # \xff\n")
    with pytest.raises(SettingsError, match="not UTF-8"):
        load_settings(tmp_path, environ={})


def test_no_file_means_every_default(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path, environ={})
    assert not loaded.exists
    assert loaded.settings == KioskSettings()
    assert session_config(loaded.settings) == SessionConfig()


def test_the_file_sets_the_session_and_the_sync(tmp_path: Path) -> None:
    write(
        tmp_path,
        """\
        [session]
        idle_seconds = 120          # whole numbers are fine for seconds
        warning_seconds = 45.5
        resume_days = 3
        recovery_window_seconds = 300
        free_pin_attempts = 2
        lockout_base_seconds = 10
        max_pin_attempts = 6
        staff_idle_seconds = 60
        staff_max_seconds = 900

        [logging]
        level = "WARNING"
        max_file_kib = 256
        files_kept = 2

        [speech]
        engine = "speechd"

        [keyboard]
        enabled = false

        [sync]
        idle_interval = 15
        heartbeat_interval = 120
        delivery_interval = 600
        timeout = 20
        """,
    )
    loaded = load_settings(tmp_path, environ={})
    config = session_config(loaded.settings)
    default = SessionConfig()
    assert (config.idle_seconds, config.warning_seconds, config.resume_days) == (120, 45.5, 3)
    assert (config.recovery_window_seconds, config.free_pin_attempts) == (300, 2)
    assert (config.lockout_base_seconds, config.max_pin_attempts) == (10, 6)
    assert (config.staff_idle_seconds, config.staff_max_seconds) == (60, 900)
    # what the file cannot set stays as the code has it
    assert (config.scrypt, config.pin_min, config.pin_max) == (
        default.scrypt,
        default.pin_min,
        default.pin_max,
    )
    assert sync_settings(loaded.settings) == SyncSettings(
        idle_interval=15, heartbeat_interval=120, delivery_interval=600, timeout=20
    )
    assert loaded.settings.logging.level == "WARNING"
    assert loaded.settings.speech.engine == "speechd"
    assert loaded.settings.keyboard.enabled is False
    assert loaded.source("session.idle_seconds") == "kiosk.toml"
    assert loaded.source("session.debounce_seconds") == "default"


def test_the_environment_overrides_the_file_where_it_always_did(tmp_path: Path) -> None:
    write(tmp_path, '[speech]\nengine = "speechd"\n[keyboard]\nenabled = true\n')
    loaded = load_settings(tmp_path, environ={"KIOSK_TTS_ENGINE": "mock", "KIOSK_KEYBOARD": "0"})
    assert loaded.settings.speech.engine == "mock"
    assert loaded.settings.keyboard.enabled is False
    assert loaded.source("speech.engine") == "$KIOSK_TTS_ENGINE"
    assert loaded.source("keyboard.enabled") == "$KIOSK_KEYBOARD"
    kept = load_settings(tmp_path, environ={"KIOSK_KEYBOARD": "1"})
    assert kept.settings.keyboard.enabled is True and kept.settings.speech.engine == "speechd"


# (environment, the lines its refusal must contain)
BAD_ENVIRONMENT = [
    (
        {"KIOSK_TTS_ENGINE": "../../x y z"},
        ["$KIOSK_TTS_ENGINE: speech.engine: ", "got '../../x y z'", "letters, digits"],
    ),
    ({"KIOSK_TTS_ENGINE": "e" * 41}, ["$KIOSK_TTS_ENGINE: speech.engine: "]),
]


@pytest.mark.parametrize(("environ", "expected"), BAD_ENVIRONMENT)
def test_a_bad_environment_value_is_refused_naming_the_variable(
    tmp_path: Path, environ: dict[str, str], expected: list[str]
) -> None:
    """An override is a value of the file written elsewhere: it passes the same checks."""
    write(tmp_path, '[speech]\nengine = "speechd"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(tmp_path, environ=environ)
    message = str(caught.value)
    for part in expected:
        assert part in message, (part, message)
    assert str(tmp_path) not in message  # the file is fine: the variable is named, not it


def test_settings_check_refuses_a_bad_environment_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_TTS_ENGINE", "../../x y z")
    assert main(["settings", "check", "--home", str(tmp_path)]) == 2
    assert "$KIOSK_TTS_ENGINE: speech.engine: " in capsys.readouterr().err


def test_kiosk_simulate_runs_with_the_session_timings_of_the_file(tmp_path: Path) -> None:
    """A simulated day shows what a deployment's timings do, so it runs with them."""
    write(tmp_path, "[session]\nresume_days = 2\n")
    done = subprocess.run(
        [KIOSK, "simulate", "--home", str(tmp_path), "--visitors", "2", "--leave-drafts", "2"],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    db = sqlite3.connect(tmp_path / "kiosk.sqlite3")
    try:
        lifetimes = [
            row[0] for row in db.execute("SELECT expires_at - created_at FROM resume_tickets")
        ]
    finally:
        db.close()
    assert lifetimes and all(abs(days - 2 * 86400) < 1 for days in lifetimes), lifetimes


def test_every_setting_reaches_a_field_of_the_part_it_sets() -> None:
    """A setting nobody reads would be a promise the kiosk does not keep."""
    session_fields = set(SessionConfig.__dataclass_fields__)
    sync_fields = set(SyncSettings.__dataclass_fields__)
    for spec in setting_specs():
        section, name = spec.key.split(".")
        if section == "session":
            assert name in session_fields, spec.key
        elif section == "sync":
            assert name in sync_fields, spec.key


def test_settings_check_prints_the_values_in_effect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIOSK_TTS_ENGINE", raising=False)
    monkeypatch.delenv("KIOSK_KEYBOARD", raising=False)
    write(tmp_path, "[session]\nidle_seconds = 120\n")
    assert main(["settings", "check", "--home", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"{tmp_path / 'kiosk.toml'}: ok" in out
    assert "session.idle_seconds = 120  (kiosk.toml)" in out
    assert "session.warning_seconds = 30  (default)" in out
    assert "keyboard.enabled = true  (default)" in out
    assert len([line for line in out.splitlines() if " = " in line]) == len(setting_specs())

    write(tmp_path, "[session]\nidle_seconds = 1\n")
    assert main(["settings", "check", "--home", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'kiosk.toml'}: session.idle_seconds:" in err


# (the file, what the refusal names): not TOML at all is refused before anything is
# shown; a value out of bounds right after the first paint, before anyone is served
RUN_REFUSES = [
    ("[session]\nidle_seconds = 10\n", "kiosk.toml: session.idle_seconds: "),
    ("[session\nidle_seconds = 90\n", "kiosk.toml: line 1, column "),
]


@pytest.mark.parametrize(("text", "named"), RUN_REFUSES)
def test_kiosk_run_refuses_a_bad_file_with_its_message_not_a_traceback(
    tmp_path: Path, text: str, named: str
) -> None:
    write(tmp_path, text)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [KIOSK, "run", "--smoke", "--home", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert f"{tmp_path}/{named}" in done.stderr
    assert "Traceback" not in done.stderr
    assert "welcome screen shown" not in done.stdout


# (KIOSK_KEYBOARD, what the file says, the switch the first screen gets)
FIRST_PAINT_KEYBOARD = [
    (None, "", None),
    (None, "[keyboard]\nenabled = false\n", False),
    (None, "[keyboard]\nenabled = true\n", True),
    ("0", "[keyboard]\nenabled = true\n", False),
    ("1", "[keyboard]\nenabled = false\n", True),
    (None, '[keyboard]\nenabled = "no"\n', None),  # refused by the check after the paint
    (None, "keyboard = 3\n", None),
]


@pytest.mark.parametrize(("variable", "text", "expected"), FIRST_PAINT_KEYBOARD)
def test_the_first_screen_reads_the_keyboard_switch_without_the_check(
    tmp_path: Path, variable: str | None, text: str, expected: bool | None
) -> None:
    environ = {} if variable is None else {"KIOSK_KEYBOARD": variable}
    table = read_table(write(tmp_path, text))
    assert keyboard_before_check(table, environ) is expected


def test_the_readme_lists_every_setting_as_the_model_has_it() -> None:
    readme = README.read_text(encoding="utf-8")
    for spec in setting_specs():
        assert f"`{spec.key}`" in readme, spec.key
    assert markdown_table() in readme, (
        "README.md's table of settings differs from the model; paste the output of "
        "`kiosk settings list` into its section 'Settings'"
    )
