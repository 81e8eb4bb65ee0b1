"""What an office accepts inside a sealed application, checked before anything is filed.

The seal proves only that someone holding the office's public key wrote the
application; a broken or hostile terminal can put anything inside. So the
decrypted bytes are bounded in size, scanned for their nesting depth without
recursion (Python's ``json`` module recurses once per level, and 100,000 levels
end in a ``RecursionError``), parsed, and only then validated against a strict,
versioned model of what the terminal seals (``kiosk/session/visitor.py``
``submit`` and ``kiosk/documents/sealed.py``), and the hashes sealed inside are
checked. Whatever fails raises :class:`UnfitError` with a reason made from this
module's own words and the names of fields, never from the data itself, so it
can be stored, shown and sent to the server without carrying personal data.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from typing import Annotated, Any, Final

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

from kiosk.documents.sealed import FORM_PURPOSE, verify
from sync import protocol as p

#: what the largest sealed application the protocol carries (12,000,000 characters of
#: base64url) can hold; the office copy is the bulk of any real one, far below this
MAX_PLAINTEXT_BYTES: Final = 9_000_000
#: answers hold repeat groups of address blocks: about six levels; far more is not a form
MAX_DEPTH: Final = 32
#: objects and arrays, and values separated by commas: bounds the memory Python spends
MAX_CONTAINERS: Final = 100_000
MAX_VALUES: Final = 1_000_000
OFFICE_COPY: Final = "office-copy"
#: payloads so far carry no version member: that is version 1
PAYLOAD_VERSION: Final = 1
MAX_REASON: Final = 300


class UnfitError(Exception):
    """An application that cannot be filed; ``reason`` is one line, safe to store and send."""

    def __init__(self, reason: str) -> None:
        line = " ".join(reason.split())
        self.reason = line if len(line) <= MAX_REASON else line[: MAX_REASON - 1] + "…"
        super().__init__(self.reason)


# ------------------------------------------------------------ bounded JSON
_TOKEN = re.compile(r'[\[\]{},"]')
# the rest of a string after its opening quote; possessive, so no backtracking stack
_STRING_REST = re.compile(r'[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)


def scan_json(text: str, *, max_depth: int = MAX_DEPTH) -> None:
    """Refuse *text* if it nests deeper than *max_depth* or holds too many values.

    A loop over the structural characters (strings are skipped by one regular
    expression each), so neither depth nor length can exhaust the stack.
    """
    depth = containers = values = 0
    pos = 0
    while (found := _TOKEN.search(text, pos)) is not None:
        char = found.group()
        pos = found.end()
        if char == '"':
            rest = _STRING_REST.match(text, pos)
            if rest is None:
                raise UnfitError("not JSON: a string is not closed")
            pos = rest.end()
        elif char in "[{":
            depth += 1
            containers += 1
            if depth > max_depth:
                raise UnfitError(f"the data nests deeper than {max_depth} levels")
            if containers > MAX_CONTAINERS:
                raise UnfitError(f"the data holds more than {MAX_CONTAINERS} objects and arrays")
        elif char in "]}":
            depth -= 1
        else:
            values += 1
            if values > MAX_VALUES:
                raise UnfitError(f"the data holds more than {MAX_VALUES} values")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A member named twice means two readings of one object: Python keeps the last, the
    office's other tools may keep the first."""
    found = dict(pairs)
    if len(found) != len(pairs):
        raise ValueError("an object names a member twice")
    return found


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("a number too large for JSON")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(
    data: bytes, *, max_bytes: int = MAX_PLAINTEXT_BYTES, max_depth: int = MAX_DEPTH
) -> Any:
    """*data* as JSON (UTF-8), within the bounds above; :class:`UnfitError` otherwise."""
    if len(data) > max_bytes:
        raise UnfitError(f"the data is {len(data)} bytes, more than the {max_bytes} allowed")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnfitError("not JSON: the data is not UTF-8 text") from None
    scan_json(text, max_depth=max_depth)
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_float=_finite,
            parse_constant=_no_constant,
        )
    except (ValueError, RecursionError) as exc:
        # json's messages name a line and column, never the text around them
        message = str(exc)
        detail = message.split(":")[0] if isinstance(exc, json.JSONDecodeError) else message
        detail = detail.split(";")[0]
        raise UnfitError(f"not JSON: {detail[:120]}") from None


# ------------------------------------------------------------ the model, version 1
def _real_date(value: str) -> str:
    dt.date.fromisoformat(value)
    return value


def _aware_time(value: str) -> str:
    if dt.datetime.fromisoformat(value).tzinfo is None:
        raise ValueError("a time without its offset from UTC")
    return value


def _whole_base64(value: str) -> str:
    if len(value) % 4:
        raise ValueError("base64 of a length that is not a multiple of 4")
    return value


Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
Uuid = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
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
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")]
CatalogHash = Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]
TerminalId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")]
ConsentVersion = Annotated[str, StringConstraints(min_length=1, max_length=40)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class FormRef(_Strict):
    id: Identifier
    version: int = Field(ge=1, le=2**31 - 1)
    title: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


class AttachmentInfo(_Strict):
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


class PayloadV1(_Strict):
    """An application as terminals seal it. What the office needs to file it is required;
    where, when and with whose help it was made is checked when present, because
    terminals from before the assisted mode do not send all of it."""

    id: Uuid
    reference: p.Reference
    form: FormRef
    office: Identifier
    application_date: IsoDate
    answers: dict[Identifier, JsonValue]
    attachments: list[Attachment] = Field(min_length=1, max_length=20)
    metadata: Metadata
    submitted_at: IsoTime | None = None
    language: Language | None = None
    catalog: CatalogHash | None = None
    terminal: TerminalId | None = None
    assisted: bool | None = None
    assisted_by: list[Line] | None = Field(default=None, max_length=100)
    consents: dict[Identifier, ConsentVersion] | None = None

    @model_validator(mode="after")
    def _one_office_copy(self) -> PayloadV1:
        ids = [a.id for a in self.attachments]
        if len(set(ids)) != len(ids):
            raise ValueError("two attachments with one id")
        copy = next((a for a in self.attachments if a.id == OFFICE_COPY), None)
        if copy is None or copy.purpose != FORM_PURPOSE or copy.mime_type != "application/pdf":
            raise ValueError("no office copy (a PDF with the purpose 'form')")
        return self


# ------------------------------------------------------------ the whole check
@dataclass(frozen=True)
class Filing:
    """What goes into the office's folder: REFERENCE.json and REFERENCE.pdf."""

    record: dict[str, Any]
    pdf: bytes


_SAFE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _where(loc: tuple[int | str, ...]) -> str:
    # member names are the catalog's field ids; anything else may be data: left out
    parts = [str(x) if isinstance(x, int) or _SAFE_NAME.match(x) else "…" for x in loc]
    return ".".join(parts) or "the payload"


def _describe(exc: ValidationError) -> str:
    problems = exc.errors(include_url=False, include_input=False, include_context=False)
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{_where(tuple(first['loc']))}: {first['msg']}{more}"


def validate_payload(data: Any) -> PayloadV1:
    """The parsed payload as the model of its version; :class:`UnfitError` otherwise."""
    if not isinstance(data, dict):
        raise UnfitError(f"the payload is a JSON {type(data).__name__}, not an object")
    version = data.get("payload_version", PAYLOAD_VERSION)
    if version != PAYLOAD_VERSION:
        shown = version if isinstance(version, int) and 0 <= version < 10**6 else "unknown"
        raise UnfitError(
            f"payload version {shown}: this office tool reads version {PAYLOAD_VERSION}; "
            "the sealed form is kept for a newer one"
        )
    try:
        return PayloadV1.model_validate(data, strict=True)
    except ValidationError as exc:
        raise UnfitError(f"not an application of payload version 1: {_describe(exc)}") from None


def check_payload(plaintext: bytes, entry: p.InboxEntry) -> Filing:
    """The decrypted *plaintext* of *entry*, checked through and ready to file."""
    data = parse_json(plaintext)
    payload = validate_payload(data)
    declared = {
        "id": (payload.id, entry.id),
        "reference": (payload.reference, entry.reference),
        "office": (payload.office, entry.office),
        "form id": (payload.form.id, entry.form_id),
        "form version": (payload.form.version, entry.form_version),
        "application date": (payload.application_date, entry.application_date.isoformat()),
    }
    for what, (sealed, listed) in declared.items():
        if sealed != listed:
            raise UnfitError(
                f"the sealed {what} differs from what the terminal declared to the server"
            )
    try:
        documents = verify(data)
    except ValueError as exc:  # binascii.Error included; the messages name ids, not data
        raise UnfitError(str(exc)) from None
    pdf = documents[OFFICE_COPY]
    if not pdf.startswith(b"%PDF-"):
        raise UnfitError("the office copy is not a PDF")
    record = {k: v for k, v in data.items() if k != "attachments"}
    record["attachments"] = [
        {k: v for k, v in a.items() if k != "content"} | {"filename": f"{entry.reference}.pdf"}
        for a in data["attachments"]
    ]
    record["delivery"] = {
        "received_at": entry.received_at.isoformat(),
        "sealed_sha256": entry.sha256,
    }
    return Filing(record, pdf)
