"""The one logging configuration: where it writes, for whom, and what it never lets through."""

from __future__ import annotations

import ast
import io
import logging
import logging.handlers
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from kiosk.logsetup import (
    DEFAULT_LOG_LIMITS,
    LOG_FILE,
    LOG_FOLDER,
    OPEN_CHANNELS,
    Count,
    Diagnostic,
    LoggingSetup,
    PrivacyFilter,
    Seconds,
    configure_logging,
    guarded_argument,
    in_channel,
    log_exception,
    register_reasons,
    safe_traceback,
)
from kiosk.settings import LoggingSettings

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Zeynep Yılmaz-Kaya"  # what a visitor typed
#: a reason code the code of this test registers (code registers its own where it logs them)
register_reasons("start_over_test")


class Age(BaseModel):
    age: int


@pytest.fixture
def logs(tmp_path: Path) -> Iterator[tuple[LoggingSetup, io.StringIO]]:
    err = io.StringIO()
    setup = configure_logging(tmp_path, LoggingSettings(level="DEBUG"), stderr=err)
    yield setup, err
    setup.close()


def written(setup: LoggingSetup) -> str:
    for handler in setup.handlers:
        handler.flush()
    return setup.file.read_text(encoding="utf-8")


def test_the_log_is_the_kiosk_users_alone(
    tmp_path: Path, logs: tuple[LoggingSetup, io.StringIO]
) -> None:
    setup, _ = logs
    logging.getLogger("kiosk.run").info("started")
    assert setup.file == tmp_path / LOG_FOLDER / LOG_FILE
    assert stat.S_IMODE((tmp_path / LOG_FOLDER).stat().st_mode) == 0o700
    assert stat.S_IMODE(setup.file.stat().st_mode) == 0o600
    assert "INFO kiosk.run: started" in written(setup)


def test_a_link_planted_as_the_log_is_not_followed(tmp_path: Path) -> None:
    folder = tmp_path / LOG_FOLDER
    folder.mkdir()
    (folder / LOG_FILE).symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OSError):
        configure_logging(tmp_path)
    assert not (tmp_path / "elsewhere").exists()


def test_the_log_rotates_at_its_size_and_keeps_its_count(tmp_path: Path) -> None:
    setup = configure_logging(tmp_path, LoggingSettings(max_file_kib=64, files_kept=2))
    try:
        for n in range(600):
            logging.getLogger("kiosk.sync").info("line %d %s", n, "x" * 200)
    finally:
        setup.close()
    names = sorted(p.name for p in (tmp_path / LOG_FOLDER).iterdir())
    assert names == ["kiosk.log", "kiosk.log.1", "kiosk.log.2"]
    for path in (tmp_path / LOG_FOLDER).iterdir():
        assert path.stat().st_size <= 64 * 1024 + 300
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_warnings_reach_stderr_and_the_level_holds_for_the_file(tmp_path: Path) -> None:
    err = io.StringIO()
    setup = configure_logging(tmp_path, LoggingSettings(level="WARNING"), stderr=err)
    try:
        logging.getLogger("kiosk.sync").info("quiet")
        logging.getLogger("kiosk.sync").warning("loud")
        text = written(setup)
    finally:
        setup.close()
    assert "loud" in text and "quiet" not in text
    assert "WARNING kiosk.sync: loud" in err.getvalue() and "quiet" not in err.getvalue()


def test_the_checked_settings_take_over_from_the_defaults(tmp_path: Path) -> None:
    """`kiosk run` logs with the defaults until kiosk.toml is checked after the first
    paint; from then on the file's level and rotation hold."""
    setup = configure_logging(tmp_path)
    try:
        logging.getLogger("kiosk.sync").debug("before the check")
        setup.adopt(LoggingSettings(level="DEBUG", max_file_kib=64, files_kept=2))
        logging.getLogger("kiosk.sync").debug("after the check")
        text = written(setup)
        rotating = [
            h for h in setup.handlers if isinstance(h, logging.handlers.RotatingFileHandler)
        ]
    finally:
        setup.close()
    assert "after the check" in text and "before the check" not in text
    assert [(h.maxBytes, h.backupCount) for h in rotating] == [(64 * 1024, 2)]


def test_the_default_limits_are_the_settings_defaults() -> None:
    """The limits `kiosk run` logs with before the check are what a missing file means."""
    defaults = LoggingSettings()
    assert (DEFAULT_LOG_LIMITS.level, DEFAULT_LOG_LIMITS.max_file_kib) == (
        defaults.level,
        defaults.max_file_kib,
    )
    assert DEFAULT_LOG_LIMITS.files_kept == defaults.files_kept


def test_close_takes_the_handlers_away(tmp_path: Path) -> None:
    setup = configure_logging(tmp_path)
    setup.close()
    assert not any(h in logging.getLogger().handlers for h in setup.handlers)


# (channel, template, arguments, what the line must say, what it must not)
CASES = [
    ("kiosk.ui", "answer: %s", (SECRET,), "<text withheld, 18 chars>", SECRET),
    ("kiosk.ui.core", "failed: %s", ("KeyError",), "failed: KeyError", None),
    ("kiosk.terminal", "ended: %s", ("start_over_test",), "ended: start_over_test", None),
    ("kiosk.session", "pin %s", ("4711",), "<text withheld, 4 chars>", "4711"),
    ("kiosk.staff", "%d accounts share a PIN", (Count(2),), "2 accounts share a PIN", None),
    # text shaped like a reason code is an answer unless the code registered it
    ("kiosk.ui", "ended: %s", ("anna_mueller",), "<text withheld, 12 chars>", "anna_mueller"),
    ("kiosk.ui", "chose %s", ("schutz_subsidiaer",), "<text withheld, 17", "subsidiaer"),
    ("kiosk.ui", "failed: %s", ("MuellerError",), "<text withheld, 12 chars>", "Mueller"),
    # a number is an answer (an income, a birth year) unless it says it is a count or time
    ("kiosk.ui", "income %s", (2350,), "income <int withheld>", "2350"),
    ("kiosk.ui", "income %d euro", (2350,), "income <int withheld> euro", "2350"),
    ("kiosk.ui", "rent %.2f", (712.5,), "rent <float withheld>", "712"),
    ("kiosk.ui", "%s of %d", (SECRET, 1950), "<text withheld, 18 chars> of <int", "1950"),
    ("kiosk.ui", "has children: %s", (True,), "has children: <bool withheld>", "True"),
    ("kiosk.ui", "%d visitors in %.1f s", (Count(16), Seconds(2.25)), "16 visitors in 2.2", None),
    ("kiosk.ui.start", "closed: %s", (Diagnostic("keys.json is damaged"),), "keys.json is", None),
    ("kiosk.ui", "nothing: %s", (None,), "nothing: None", None),
    ("kiosk.ui", "%s", (ValueError(f"bad value {SECRET!r}"),), "ValueError (message", SECRET),
    ("kiosk.ui", "%s of %d", ({"name": SECRET}, Count(1)), "<dict withheld> of 1", SECRET),
    ("kiosk.ui", "%(name)s", ({"name": SECRET},), "<text withheld, 18 chars>", SECRET),
    ("kiosk.ui", "%s", (Path("/home") / SECRET,), "<PosixPath withheld>", SECRET),
    ("kiosk.sync", "sync failed: %s", ("the server answered 503",), "answered 503", None),
    ("kiosk.catalog", "refused: %s", ("bad_signature",), "refused: bad_signature", None),
    ("kiosk.ui", "two %s %s", ("one",), "two %s %s <arguments did not fit>", None),
    ("kiosk.sync", "line\nforged %s", ("x\r\x1b[31m\u202e",), "line\\x0aforged x\\x0d", "\n"),
    ("httpx", "HTTP Request: %s", (SECRET,), None, SECRET),  # INFO of a library: dropped
]


@pytest.mark.parametrize(("channel", "template", "args", "shown", "hidden"), CASES)
def test_what_a_channel_may_log(
    logs: tuple[LoggingSetup, io.StringIO],
    channel: str,
    template: str,
    args: tuple[object, ...],
    shown: str | None,
    hidden: str | None,
) -> None:
    setup, _ = logs
    logging.getLogger(channel).info(template, *args)
    line = written(setup).rstrip("\n")
    if shown is None:
        assert line == ""
    else:
        assert shown in line, line
        assert "\n" not in line
    if hidden is not None:
        assert hidden not in line


@pytest.mark.parametrize(
    "marker",
    [
        {"kiosk_private": True},
        {"kiosk_filtered": True},
        {"_kiosk_rewritten": True},
        {"privacy_checked": object()},
    ],
)
def test_no_attribute_a_caller_sets_lets_a_record_pass_unfiltered(
    logs: tuple[LoggingSetup, io.StringIO], marker: dict[str, object]
) -> None:
    """Only the filter knows which records it rewrote; `extra=` cannot claim it did."""
    setup, err = logs
    logging.getLogger("kiosk.ui").warning("answer %s", SECRET, extra=marker)
    logging.getLogger("kiosk.ui").warning("%d euro", 2350, extra=marker)
    text = written(setup) + err.getvalue()
    assert "answer <text withheld, 18 chars>" in text and "<int withheld> euro" in text
    assert SECRET not in text and "2350" not in text


def test_only_codes_of_the_right_shape_can_be_registered() -> None:
    for not_a_code in ("Anna Müller", "anna-mueller", "", "x" * 30):
        with pytest.raises(ValueError, match="not a reason code"):
            register_reasons(not_a_code)
    assert guarded_argument("anna_mueller") == "<text withheld, 12 chars>"


def test_another_librarys_warning_keeps_its_level_and_name_only(
    logs: tuple[LoggingSetup, io.StringIO],
) -> None:
    setup, err = logs
    logging.getLogger("uvicorn.error").error("cannot parse %s", SECRET)
    assert "ERROR uvicorn.error: message of another library withheld" in written(setup)
    assert SECRET not in written(setup) + err.getvalue()


def test_a_traceback_has_the_frames_and_types_but_no_message(
    logs: tuple[LoggingSetup, io.StringIO],
) -> None:
    setup, err = logs

    def parse() -> None:
        Age.model_validate({"age": SECRET})  # pydantic quotes the input in its message

    try:
        try:
            parse()
        except ValueError as exc:
            raise RuntimeError(f"could not read {SECRET}") from exc
    except RuntimeError as exc:
        logging.getLogger("kiosk.ui").error(
            "unexpected failure: %s", type(exc).__name__, exc_info=exc
        )
    text = written(setup)
    assert "unexpected failure: RuntimeError" in text
    assert "ValidationError" in text and "RuntimeError (message withheld)" in text
    assert "in parse" in text and "direct cause" in text  # the frames, the chain
    assert SECRET not in text and SECRET not in err.getvalue()
    assert "ERROR kiosk.ui: unexpected failure" in err.getvalue()


def test_a_crash_record_is_safe_even_without_this_configuration() -> None:
    """log_exception puts the reduced traceback into the record itself: a handler nobody
    configured (pytest's, Python's last resort) has no message to format."""
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    logger = logging.getLogger("kiosk.test-unconfigured")
    handler = Keep()
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        try:
            raise KeyError(SECRET)
        except KeyError as exc:
            log_exception(logger, logging.ERROR, exc, "crashed: %s", "KeyError")
    finally:
        logger.removeHandler(handler)
    text = logging.Formatter().format(seen[0])
    assert "crashed: KeyError" in text and "KeyError (message withheld)" in text
    assert "test_a_crash_record_is_safe_even_without_this_configuration" in text
    assert SECRET not in text


def test_exceptions_that_only_name_files_and_keys_keep_their_message() -> None:
    from kiosk.catalog.install import TrustError

    assert guarded_argument(TrustError("keys.json is damaged")) == (
        "TrustError: keys.json is damaged"
    )
    assert guarded_argument(ValueError("keys.json is damaged")) == "ValueError (message withheld)"
    assert "ZeroDivisionError: division by zero" in safe_traceback(_divide())


def _divide() -> ZeroDivisionError:
    try:
        _ = 1 / 0
    except ZeroDivisionError as exc:
        return exc
    raise AssertionError("1 / 0 did not raise")


def test_one_filter_on_two_handlers_rewrites_a_record_once(tmp_path: Path) -> None:
    privacy = PrivacyFilter()
    record = logging.LogRecord("kiosk.ui", logging.ERROR, __file__, 1, "x %s", (SECRET,), None)
    assert privacy.filter(record) and privacy.filter(record)
    assert record.getMessage() == "x <text withheld, 18 chars>"


# ---------------------------------------------------------------- the code base's log calls
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}


def log_calls() -> Iterator[tuple[Path, ast.Call]]:
    for package in ("kiosk", "sync", "ui", "cli"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in LOG_METHODS
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in {"log", "logger", "logging"}
                ):
                    yield path, node


def test_every_log_call_passes_its_message_as_a_literal() -> None:
    """So nothing typed is ever *in* the template (f-strings, % or .format before the
    call): whatever varies travels as an argument, where the privacy filter sees it."""
    calls = list(log_calls())
    assert len(calls) > 20  # the scan finds the code base's log calls
    offenders = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path, call in calls
        if not (
            call.args
            and isinstance(call.args[0], ast.Constant)
            and isinstance(call.args[0].value, str)
        )
    ]
    assert offenders == []


#: Where each open channel may be named: code that never holds an answer.
OPEN_CHANNEL_HOMES = {
    "kiosk.sync": ("sync/client/", "cli/"),
    "kiosk.catalog": ("kiosk/catalog/",),
    "kiosk.server": ("sync/server/",),
    "kiosk.crash": ("ui/crash.py",),
    "kiosk.run": ("cli/",),
}


def test_open_channels_are_named_only_by_code_that_never_holds_an_answer() -> None:
    """A module of the UI or the session that logged under "kiosk.catalog" would have its
    arguments written as given: each open channel belongs to the packages it names."""
    assert set(OPEN_CHANNEL_HOMES) == set(OPEN_CHANNELS)
    strays = []
    for package in ("kiosk", "sync", "ui", "cli"):
        for path in sorted((ROOT / package).rglob("*.py")):
            where = path.relative_to(ROOT).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "getLogger"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    continue
                name = str(node.args[0].value)
                for channel, homes in OPEN_CHANNEL_HOMES.items():
                    if in_channel(name, (channel,)) and not where.startswith(homes):
                        strays.append(f"{where}:{node.lineno} {name}")
    assert strays == []


def test_every_logger_is_a_kiosk_channel() -> None:
    """Records of other names count as a library's and keep no message."""
    names = []
    for package in ("kiosk", "sync", "ui", "cli"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "getLogger"
                    and node.args  # getLogger(): the root, which only logsetup configures
                ):
                    argument = node.args[0]
                    assert isinstance(argument, ast.Constant), f"{path}:{node.lineno}"
                    names.append(str(argument.value))
    assert names and all(n == "kiosk" or n.startswith("kiosk.") for n in names), names
