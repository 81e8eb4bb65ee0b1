"""The kiosk's one logging configuration, and the rule that keeps visitors out of the log.

``kiosk run`` (with the sync loop and the catalog installs it starts) and ``kiosk
simulate`` log to ``HOME/logs/kiosk.log`` (folder 0700, files 0600, rotated by
size) and show warnings and worse on stderr too.

Logs never contain answers. Reviews alone cannot promise that (one ``%s`` of the
wrong variable is enough), so every record passes :class:`PrivacyFilter` on its
way to any of these handlers, and the filter decides by what it can check:

- The message template is code: a test of the suite proves every log call in the
  code base passes a string literal, so nothing typed can be *in* the template.
- Arguments are where data travels. Channels whose code never holds an answer
  (:data:`OPEN_CHANNELS`: the sync moves sealed payloads only, the catalog and the
  server never see answers, the launcher and the crash hook name things) log them
  as given. Every other channel, the UI and the session first, logs only what says
  by its type that no visitor typed it: :class:`Count` and :class:`Seconds` (a
  visitor's income is a number too, so a bare number is withheld), a
  :class:`Diagnostic` the code composed from files and keys, an exception (its type
  name), an enum member, the name of an exception class, and a reason code that code
  registered with :func:`register_reasons` (a visitor's answer can look like a code:
  ``anna_mueller``). Any other value is withheld, saying only its type or length.
- Whether a record was already rewritten only the filter knows (it keeps the records
  it produced), so no ``extra=`` attribute can wave a record through.
- Exceptions never bring their message, which may quote an input (a pydantic
  ``ValidationError`` does), unless their type is one whose messages the code
  builds from files and configuration alone (:data:`SAFE_MESSAGE_TYPES`):
  tracebacks show the type and the frames.
- Records of other libraries' loggers are dropped below warnings and keep only
  their level and logger name above.
- Every message is cut at :data:`MAX_MESSAGE` characters and its control and
  bidi characters escaped, so one record is one line that cannot forge another.
"""

from __future__ import annotations

import contextlib
import enum
import io
import logging
import logging.handlers
import re
import sys
import traceback
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, Protocol

from kiosk.private_log_files import LOG_FOLDER as LOG_FOLDER  # where the logs are
from kiosk.private_log_files import log_folder, open_private

LOG_FILE = "kiosk.log"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_MESSAGE = 2000
#: frames kept of a traceback (the innermost ones)
MAX_FRAMES = 40

#: Channels (logger names and their children) whose code never holds a visitor's
#: answers: their arguments are logged as given.
OPEN_CHANNELS = ("kiosk.sync", "kiosk.catalog", "kiosk.server", "kiosk.crash", "kiosk.run")
#: Exceptions whose messages are built only from files, keys and configuration.
SAFE_MESSAGE_TYPES = frozenset(
    {
        "builtins.ZeroDivisionError",
        "builtins.RecursionError",
        "builtins.MemoryError",
        "builtins.NotImplementedError",
        "kiosk.session.terminal.NoOfficeKeyError",
        "kiosk.staff.pepper.PepperError",
        "kiosk.catalog.install.TrustError",
        "kiosk.catalog.refusal.BundleRefusedError",
        "kiosk.crypto.signing.KeyFileError",
    }
)
#: The shape of an exception class's name (the name must also be a class that exists).
_EXCEPTION_NAME = re.compile(r"[A-Z][A-Za-z0-9]{0,60}(?:Error|Exception|Warning|Exit|Interrupt)")
#: The shape of a reason code (it must also be registered: see :func:`register_reasons`).
_REASON_CODE = re.compile(r"[a-z][a-z0-9]{0,20}(?:_[a-z0-9]{1,20}){0,4}")
#: C0/C1 controls and the bidi overrides: a log line must read as it is stored.
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file is the kiosk user's alone (rotation renames them)."""

    def _open(self) -> io.TextIOWrapper:
        return open_private(Path(self.baseFilename))


# ---------------------------------------------------------------- the rule
def in_channel(name: str, channels: tuple[str, ...]) -> bool:
    return any(name == channel or name.startswith(channel + ".") for channel in channels)


def describe_exception(exc: BaseException) -> str:
    """``TypeName`` and, for a type in :data:`SAFE_MESSAGE_TYPES`, its message."""
    kind = type(exc)
    name = kind.__qualname__
    if f"{kind.__module__}.{kind.__qualname__}" in SAFE_MESSAGE_TYPES:
        message = _one_line(str(exc))[:MAX_MESSAGE]
        return f"{name}: {message}" if message else name
    if isinstance(exc, BaseExceptionGroup):
        inner = ", ".join(type(e).__qualname__ for e in exc.exceptions[:10])
        return f"{name} (message withheld) of {inner}"
    return f"{name} (message withheld)" if exc.args else name


def safe_traceback(exc: BaseException) -> str:
    """A traceback as Python prints it, but every exception reduced to
    :func:`describe_exception`: the frames say where, never with what."""
    # from *exc* back to its causes; each older exception keeps the words that lead on
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    lead = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, lead))
        if current.__cause__ is not None:
            current, lead = current.__cause__, "The above exception was the direct cause of:"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, lead = current.__context__, "During handling of the above exception:"
        else:
            current = None
    parts = []
    for error, leads_on in reversed(chain):
        frames = traceback.extract_tb(error.__traceback__, limit=-MAX_FRAMES)
        parts.append(
            "Traceback (most recent call last):\n"
            + "".join(frames.format())
            + describe_exception(error)
            + (f"\n\n{leads_on}\n" if leads_on else "")
        )
    return "\n".join(parts)


def log_exception(
    logger: logging.Logger, level: int, error: BaseException, msg: str, *args: object
) -> None:
    """Log *msg* with *error*'s :func:`safe_traceback` already in the record, so that no
    handler, configured here or not, ever formats the exception's message."""
    if not logger.isEnabledFor(level):
        return
    filename, line, function, _ = logger.findCaller(stacklevel=2)
    record = logger.makeRecord(logger.name, level, filename, line, msg, args, None, function)
    record.exc_text = safe_traceback(error)
    logger.handle(record)


def _one_line(text: str) -> str:
    return _UNSAFE_CHARS.sub(_escape, text)


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# ---------------------------------------------------------------- what a guarded channel logs
class Count(int):
    """A number the code counted or its operator gave (visitors simulated, staff accounts
    sharing a PIN, a seed): logged on every channel. Never one a visitor typed."""

    __slots__ = ()


class Seconds(float):
    """A duration the code measured: logged on every channel."""

    __slots__ = ()


class Diagnostic(str):
    """Text the code composed from files, keys and settings alone (why no catalog bundle
    verifies, a path): logged on every channel. Never text that holds an answer."""

    __slots__ = ()


#: Reason codes a guarded channel logs as they are (see :func:`register_reasons`).
_REASONS: set[str] = set()
#: Names of the exception classes seen so far (refreshed when a name is not among them).
_EXCEPTION_NAMES: set[str] = set()


def register_reasons(*codes: str) -> None:
    """Let guarded channels log *codes* (``snake_case`` words the code chose, such as why a
    visit ended) as they are; any other text there is withheld, however code-like it looks."""
    for code in codes:
        if not _REASON_CODE.fullmatch(code):
            raise ValueError(f"not a reason code (snake_case, up to 5 words): {code!r}")
    _REASONS.update(codes)


def _names_an_exception_class(text: str) -> bool:
    """Whether *text* is the name of an exception class this process has loaded (what
    ``type(error).__name__`` gives), not merely shaped like one."""
    if not _EXCEPTION_NAME.fullmatch(text):
        return False
    if text in _EXCEPTION_NAMES:
        return True
    walked: set[type[BaseException]] = set()
    pending: list[type[BaseException]] = [BaseException]
    while pending:
        kind = pending.pop()
        if kind not in walked:
            walked.add(kind)
            _EXCEPTION_NAMES.update((kind.__name__, kind.__qualname__))
            pending.extend(kind.__subclasses__())
    return text in _EXCEPTION_NAMES


def guarded_argument(value: object) -> object:
    """What a guarded channel logs of an argument (see the module's docstring)."""
    if value is None or isinstance(value, Count | Seconds | Diagnostic):
        return value
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, BaseException):
        return describe_exception(value)
    if isinstance(value, str):
        if value in _REASONS or _names_an_exception_class(value):
            return value
        return f"<text withheld, {len(value)} chars>"
    return f"<{type(value).__name__} withheld>"


#: A %-conversion of a template, or an escaped percent sign.
_CONVERSION = re.compile(
    r"%%|%(?P<key>\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]"
)


def _as_text_conversions(template: str) -> str:
    """*template* with every conversion made ``%s``: a withheld number (now a text) still
    takes its place in ``%d``, and the other arguments are kept."""
    return _CONVERSION.sub(
        lambda found: "%%" if found.group() == "%%" else f"%{found['key'] or ''}s", template
    )


#: Records the filter has rewritten. Only the filter adds to it, so nothing a caller can
#: put on a record (``extra={...}``, an attribute) passes a record as already safe.
_REWRITTEN: weakref.WeakSet[logging.LogRecord] = weakref.WeakSet()


class PrivacyFilter(logging.Filter):
    """Lets a record through only in the form the module's rule allows; rewrites it in place
    (message formatted, arguments gone, traceback reduced) so every handler after this
    one sees the same safe record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record in _REWRITTEN:
            return True
        ours = in_channel(record.name, ("kiosk",))
        if not ours and record.levelno < logging.WARNING:
            return False
        if not ours:
            message = "message of another library withheld"
        elif not isinstance(record.msg, str):
            message = f"<{type(record.msg).__name__} withheld>"
        else:
            message = self._message(record)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = safe_traceback(record.exc_info[1])
        elif record.exc_text and not ours:
            record.exc_text = None
        record.exc_info = None
        record.msg = _one_line(message)[:MAX_MESSAGE]
        record.args = None
        _REWRITTEN.add(record)
        return True

    @staticmethod
    def _message(record: logging.LogRecord) -> str:
        args = record.args
        if not args:
            return str(record.msg)
        safe: Any = args
        if not in_channel(record.name, OPEN_CHANNELS):
            if isinstance(args, dict):
                safe = {key: guarded_argument(value) for key, value in args.items()}
            else:
                safe = tuple(guarded_argument(value) for value in args)
        template = str(record.msg)
        for attempt in (template, _as_text_conversions(template)):
            try:
                return str(attempt % safe)
            except (TypeError, ValueError, KeyError):
                continue
        return f"{template} <arguments did not fit>"


# ---------------------------------------------------------------- the configuration
class LogLimits(Protocol):
    """What the log's settings decide (``[logging]`` of kiosk.toml: see :mod:`kiosk.settings`)."""

    @property
    def level(self) -> str: ...
    @property
    def max_file_kib(self) -> int: ...
    @property
    def files_kept(self) -> int: ...


LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


@dataclass(frozen=True)
class DefaultLogLimits:
    level: LogLevel = "INFO"
    max_file_kib: int = 1024
    files_kept: int = 5


#: The defaults of ``[logging]``; ``kiosk run`` logs with them until the file is checked.
DEFAULT_LOG_LIMITS = DefaultLogLimits()


@dataclass
class LoggingSetup:
    """The handlers :func:`configure_logging` added; :meth:`close` takes them away again."""

    file: Path
    handlers: list[logging.Handler]
    previous_level: int

    def adopt(self, limits: LogLimits) -> None:
        """Log from now on as *limits* say (the checked settings, after the first paint)."""
        for handler in self.handlers:
            if isinstance(handler, logging.handlers.RotatingFileHandler):
                handler.maxBytes = limits.max_file_kib * 1024
                handler.backupCount = limits.files_kept
                handler.setLevel(limits.level)
        logging.getLogger().setLevel(min(logging.getLevelName(limits.level), logging.WARNING))

    def close(self) -> None:
        root = logging.getLogger()
        for handler in self.handlers:
            root.removeHandler(handler)
            with contextlib.suppress(Exception):
                handler.close()
        root.setLevel(self.previous_level)


def configure_logging(
    home: Path, settings: LogLimits = DEFAULT_LOG_LIMITS, *, stderr: IO[str] | None = None
) -> LoggingSetup:
    """Log to ``HOME/logs/kiosk.log`` and warnings to *stderr*, through the privacy filter."""
    path = log_folder(home) / LOG_FILE
    privacy = PrivacyFilter()
    formatter = logging.Formatter(FORMAT)
    to_file = PrivateRotatingFileHandler(
        path, maxBytes=settings.max_file_kib * 1024, backupCount=settings.files_kept
    )
    to_file.setLevel(settings.level)
    to_stderr = logging.StreamHandler(stderr if stderr is not None else sys.stderr)
    to_stderr.setLevel(logging.WARNING)
    for handler in (to_file, to_stderr):
        handler.addFilter(privacy)
        handler.setFormatter(formatter)
    root = logging.getLogger()
    previous = root.level
    root.setLevel(min(logging.getLevelName(settings.level), logging.WARNING))
    root.addHandler(to_file)
    root.addHandler(to_stderr)
    return LoggingSetup(path, [to_file, to_stderr], previous)
