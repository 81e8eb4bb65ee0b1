"""What an office accepts inside a sealed application, checked before anything is filed.

The seal proves only that someone holding the office's public key wrote the
application; a broken or hostile terminal can put anything inside. So the
decrypted bytes are bounded in size, scanned for their nesting depth without
recursion (Python's ``json`` module recurses once per level, and 100,000 levels
end in a ``RecursionError``), parsed, and only then validated against the strict,
versioned model the terminal seals with (``kiosk/formats.py``), and the hashes
sealed inside are checked. Whatever fails raises :class:`UnfitError` with a
reason made from this module's and the model's own words and the names of
fields, never from the data itself, so it can be stored, shown and sent to the
server without carrying personal data.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Final

from kiosk.documents.sealed import OFFICE_COPY, verify
from kiosk.formats import AnySealedApplication, FormatError, read_sealed_application
from sync import protocol as p

#: what the largest sealed application the protocol carries (12,000,000 characters of
#: base64url) can hold; the office copy is the bulk of any real one, far below this
MAX_PLAINTEXT_BYTES: Final = 9_000_000
#: answers hold repeat groups of address blocks: about six levels; far more is not a form
MAX_DEPTH: Final = 32
#: objects and arrays, and values separated by commas: bounds the memory Python spends
MAX_CONTAINERS: Final = 100_000
MAX_VALUES: Final = 1_000_000
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


# ------------------------------------------------------------ the whole check
@dataclass(frozen=True)
class Filing:
    """What goes into the office's folder: REFERENCE.json and REFERENCE.pdf."""

    record: dict[str, Any]
    pdf: bytes


def validate_payload(data: Any) -> AnySealedApplication:
    """The parsed payload as the model of its version; :class:`UnfitError` otherwise."""
    try:
        return read_sealed_application(data)
    except FormatError as exc:
        raise UnfitError(exc.reason) from None


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
        documents = verify(payload)
    except ValueError as exc:  # FormatError included; the messages name ids, not data
        raise UnfitError(str(exc)) from None
    pdf = documents[OFFICE_COPY]
    if not pdf.startswith(b"%PDF-"):
        raise UnfitError("the office copy is not a PDF")
    # filed as the model holds it: exactly the members the data hash was checked over
    record = payload.members()
    record["attachments"] = [
        {k: v for k, v in a.items() if k != "content"} | {"filename": f"{entry.reference}.pdf"}
        for a in record["attachments"]
    ]
    record["delivery"] = {
        "received_at": entry.received_at.isoformat(),
        "sealed_sha256": entry.sha256,
    }
    return Filing(record, pdf)
