"""The two formats the terminal writes to be read later, as strict models.

The **sealed application** is written by the terminal at submit
(``kiosk/session/visitor.py``, ``kiosk/documents/sealed.py``) and read by the
office tool years and versions later (``sync/client/office_payload.py``). The
**draft blob** is written at every autosave and read after "continue later" or
a crash (``kiosk/session/terminal.py``), possibly by the next software version.
Writer and readers import the same classes from here, so a member renamed on one
side fails type-checking and the tests on the other instead of failing at an office.

Both formats name themselves (``format``, a version member), refuse unknown
members and are frozen. What was written before they named themselves still
reads: a sealed application without ``payload_version`` is version 1, a draft
blob without ``format`` is draft version 1.

The data hash of a sealed application is taken over :func:`canonical_json`; its
rules are documented in docs/sync.md ("The sealed application, member by member").

Only pydantic and the standard library: the session, the documents and the office
tool all stand above this module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    ValidationError,
    model_validator,
)

from kiosk.locales import LANGUAGE_PATTERN

APPLICATION_FORMAT: Final = "kiosk-application"
APPLICATION_VERSION: Final = 2
DRAFT_FORMAT: Final = "kiosk-draft"
DRAFT_VERSION: Final = 1
#: the attachment every application carries: the German office copy as a PDF
OFFICE_COPY: Final = "office-copy"
FORM_PURPOSE: Final = "form"
#: members outside the data hash: they carry the hashes themselves
ENVELOPE_MEMBERS: Final = frozenset({"attachments", "metadata"})
#: the largest integer an IEEE double (and so RFC 8785) keeps exactly
MAX_EXACT_INTEGER: Final = 2**53 - 1
#: what an error may name of where it is: field ids and member names, never free text
_SAFE_NAME: Final = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class FormatError(ValueError):
    """Data that is not the format it claims; ``reason`` names where and what, never a value."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ------------------------------------------------------------ canonical JSON
def _utf16(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _ordered(value: Any) -> Any:
    """*value* with every object's members in RFC 8785 order; FormatError for what the
    canonical form has no single spelling of. Recursive: readers bound the depth first."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_EXACT_INTEGER:
            raise FormatError("an integer beyond ±(2^53−1) has no canonical form")
        return value
    if isinstance(value, float):
        raise FormatError("a number with a fraction has no canonical form here")
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise FormatError("an object member is not named by text")
        return {k: _ordered(value[k]) for k in sorted(value, key=_utf16)}
    if isinstance(value, list | tuple):
        return [_ordered(v) for v in value]
    raise FormatError(f"a {type(value).__name__} is not JSON")


def canonical_json(value: Any) -> bytes:
    """*value* as the bytes its hash is taken over: RFC 8785 (JCS) for every value accepted.

    Members sorted by their names' UTF-16 code units at every level, no whitespace,
    UTF-8, strings escaped only where JSON requires it (``"``, ``\\`` and U+0000 to
    U+001F, as ``\\b \\t \\n \\f \\r`` or lower-case ``\\u00xx``), integers as plain
    digits. Numbers with a fraction and integers beyond ±(2^53−1) are refused: JCS
    writes them as ECMAScript does, which Python's ``json`` does not, and answers
    carry amounts as text anyway. For member names without characters beyond U+FFFF
    (every name in these formats) this is byte for byte what terminals have always
    hashed: ``json.dumps(value, sort_keys=True, ensure_ascii=False,
    separators=(",", ":"))`` in UTF-8.
    """
    text = json.dumps(_ordered(value), ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise FormatError("text that is not valid Unicode has no canonical form") from None


def data_sha512(members: Mapping[str, Any]) -> str:
    """SHA-512 (lower-case hex) of an application's data: its JSON object without the
    members that carry the hashes (``attachments``, ``metadata``), in canonical form."""
    data = {k: v for k, v in members.items() if k not in ENVELOPE_MEMBERS}
    return hashlib.sha512(canonical_json(data)).hexdigest()


# ------------------------------------------------------------ member types
def _real_date(value: str) -> str:
    try:
        dt.date.fromisoformat(value)
    except ValueError:  # its message quotes the value
        raise ValueError("not a date of the calendar") from None
    return value


def _aware_time(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise ValueError("a time without its offset from UTC")
    return value


def _whole_base64(value: str) -> str:
    if len(value) % 4:
        raise ValueError("base64 of a length that is not a multiple of 4")
    return value


def _has_canonical_form(value: JsonValue) -> JsonValue:
    """Answers hold text, yes/no, lists and objects (amounts and dates are text); refuse
    what :func:`canonical_json` would, here, where the error can name the answer."""
    stack: list[Any] = [value]  # a loop, not recursion: nesting costs no stack
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, float):
            raise ValueError("a number with a fraction (answers carry amounts as text)")
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) > MAX_EXACT_INTEGER:
            raise ValueError("an integer beyond ±(2^53−1)")
        elif isinstance(item, str) and not item.isascii():
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("text that is not valid Unicode") from None
    return value


Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
Uuid = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
]
#: ``MD-7K3Q-9XPF-8``: the same pattern as ``sync.protocol.Reference``
Reference = Annotated[
    str, StringConstraints(pattern=r"^[A-Z]{2}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$")
]
Sha512 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{128}$")]
IsoDate = Annotated[
    str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), AfterValidator(_real_date)
]
IsoTime = Annotated[str, StringConstraints(max_length=40), AfterValidator(_aware_time)]
Line = Annotated[str, StringConstraints(max_length=500, pattern=r"^[^\x00-\x1f\x7f]*$")]
Base64 = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9+/]*={0,2}$"), AfterValidator(_whole_base64)
]
AttachmentId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
MimeType = Annotated[str, StringConstraints(pattern=r"^[a-z]+/[a-z0-9.+-]{1,60}$")]
#: ``de``, ``fa_AF``; a variant by gettext's modifier convention: ``de@leicht``
Language = Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)]
CatalogHash = Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]
TerminalId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")]
ConsentVersion = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Answer = Annotated[JsonValue, AfterValidator(_has_canonical_form)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    def members(self) -> dict[str, Any]:
        """The JSON object this is on the wire (and on the office's disk)."""
        return self.model_dump(mode="json")


# ------------------------------------------------------------ the sealed application
class FormRef(_Strict):
    id: Identifier
    version: int = Field(ge=1, le=2**31 - 1)
    title: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


class AttachmentInfo(_Strict):
    """An attachment as ``metadata.attachments`` lists it: what it is and its SHA-512."""

    id: AttachmentId
    purpose: Identifier
    mime_type: MimeType
    filename: Line
    sha512: Sha512


class Attachment(AttachmentInfo):
    content: Base64


class Metadata(_Strict):
    data_sha512: Sha512
    attachments: list[AttachmentInfo] = Field(min_length=1, max_length=20)


class _Basics(_Strict):
    """What every version of the application carries."""

    id: Uuid
    reference: Reference
    form: FormRef
    office: Identifier
    application_date: IsoDate
    answers: dict[Identifier, Answer]


class ApplicationData(_Basics):
    """Version 2: the data a terminal seals, before the office copy and the hashes join it."""

    format: Literal["kiosk-application"]
    #: not ``version``: office tools from before version 2 already read this member
    #: (missing = 1), so they quarantine a newer application saying which version it is
    payload_version: Literal[2]
    submitted_at: IsoTime
    language: Language
    catalog: CatalogHash
    terminal: TerminalId
    assisted: bool
    assisted_by: list[Line] = Field(max_length=100)
    consents: dict[Identifier, ConsentVersion]


class _Envelope(_Strict):
    """The office copy with the hashes that bind it to the data."""

    attachments: list[Attachment] = Field(min_length=1, max_length=20)
    metadata: Metadata

    @model_validator(mode="after")
    def _one_office_copy(self) -> _Envelope:
        ids = [a.id for a in self.attachments]
        if len(set(ids)) != len(ids):
            raise ValueError("two attachments with one id")
        copy = next((a for a in self.attachments if a.id == OFFICE_COPY), None)
        if copy is None or copy.purpose != FORM_PURPOSE or copy.mime_type != "application/pdf":
            raise ValueError("no office copy (a PDF with the purpose 'form')")
        return self


class SealedApplication(_Envelope, ApplicationData):
    """Version 2, as sealed: the data, ``attachments`` and ``metadata``."""


class SealedApplicationV1(_Envelope, _Basics):
    """Version 1, sealed before the format named itself: no ``format`` or
    ``payload_version``. Where, when and with whose help it was made is checked when
    present, because terminals from before the assisted mode do not send all of it."""

    submitted_at: IsoTime | None = None
    language: Language | None = None
    catalog: CatalogHash | None = None
    terminal: TerminalId | None = None
    assisted: bool | None = None
    assisted_by: list[Line] | None = Field(default=None, max_length=100)
    consents: dict[Identifier, ConsentVersion] | None = None

    def members(self) -> dict[str, Any]:
        """As received: members an older terminal left out stay out, so the hash it
        sealed over them still checks."""
        return self.model_dump(mode="json", exclude_unset=True)


AnySealedApplication = SealedApplication | SealedApplicationV1
_SEALED_VERSIONS: Final[dict[int, type[SealedApplication] | type[SealedApplicationV1]]] = {
    1: SealedApplicationV1,
    2: SealedApplication,
}


def describe(exc: ValidationError) -> str:
    """The first problem as ``path: kind`` (and how many more), without any value: member
    names that are not identifiers may be data and are shown as ``…``."""
    problems = exc.errors(include_url=False, include_input=False, include_context=False)
    first = problems[0]
    parts = [
        str(x) if isinstance(x, int) or x == "[key]" or _SAFE_NAME.match(x) else "…"
        for x in first["loc"]
    ]
    message = first["msg"].removeprefix("Value error, ")  # our validators' own words
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{'.'.join(parts) or 'the payload'}: {message}{more}"


def read_sealed_application(data: Any) -> AnySealedApplication:
    """The parsed JSON of a sealed application as the model of its version."""
    if not isinstance(data, dict):
        raise FormatError(f"the payload is a JSON {type(data).__name__}, not an object")
    version = data.get("payload_version", 1)
    model = _SEALED_VERSIONS.get(version) if type(version) is int else None
    if model is None:
        shown = version if type(version) is int and 0 <= version < 10**6 else "unknown"
        known = " and ".join(str(v) for v in _SEALED_VERSIONS)
        raise FormatError(
            f"payload version {shown}: this office tool reads versions {known}; "
            "the sealed form is kept for a newer one"
        )
    number = 1 if model is SealedApplicationV1 else APPLICATION_VERSION
    try:
        return model.model_validate(data, strict=True)
    except ValidationError as exc:
        raise FormatError(
            f"not an application of payload version {number}: {describe(exc)}"
        ) from None


# ------------------------------------------------------------ the draft blob
class DraftBlob(_Strict):
    """One form's answers as autosaved, encrypted with the visit's key."""

    format: Literal["kiosk-draft"]
    version: Literal[1]
    answers: dict[str, JsonValue]
    #: the page the visitor was on ("" before the first page change)
    page: str
    #: the language it was saved in; blobs from before it was kept lack it
    language: str = ""
    #: staff ids who answered on the visitor's behalf; blobs from before assisted mode lack it
    assisted_by: list[str] = Field(default_factory=list)

    def to_bytes(self) -> bytes:
        return json.dumps(self.members(), ensure_ascii=False, separators=(",", ":")).encode()


def read_draft_blob(plaintext: bytes) -> DraftBlob:
    """A decrypted draft blob; one written before blobs named their format is version 1."""
    try:
        data = json.loads(plaintext)
    except (ValueError, RecursionError):
        raise FormatError("the draft is not JSON") from None
    if not isinstance(data, dict):
        raise FormatError("the draft is not a JSON object")
    if "format" not in data and "version" not in data:
        data = {"format": DRAFT_FORMAT, "version": DRAFT_VERSION, **data}
    version = data.get("version")
    if data.get("format") == DRAFT_FORMAT and type(version) is int and version != DRAFT_VERSION:
        # written by newer terminal software, then rolled back: named, never misread
        shown = version if 0 <= version < 10**6 else "unknown"
        raise FormatError(f"draft version {shown}: this terminal reads version {DRAFT_VERSION}")
    try:
        return DraftBlob.model_validate(data, strict=True)
    except ValidationError as exc:
        raise FormatError(f"not a draft of version {DRAFT_VERSION}: {describe(exc)}") from None
