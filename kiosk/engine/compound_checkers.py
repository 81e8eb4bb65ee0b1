"""Checks of answers with parts: an address, a signature image, an attachment's description.

These are the checkers of the field type table (:mod:`kiosk.engine.field_types`)
whose answers are not one value but a small structure the widget builds; each part
is bounded and checked like a value of its own (:mod:`kiosk.engine.validators`),
and a structure with parts it should not have is refused whole.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from kiosk.definition.model import FormField
from kiosk.engine.expressions import is_answered
from kiosk.engine.messages import Problem
from kiosk.engine.textchars import SPACE, first_bad_char
from kiosk.engine.validators import (
    Checked,
    CheckFn,
    ascii_digits,
    format_number,
    latin_check,
    postcode_checker,
)

DEFAULT_ATTACHMENT_TYPES = ("image/jpeg", "image/png", "application/pdf")
DEFAULT_ATTACHMENT_MB = 10.0
SIGNATURE_MAX_BYTES = 512 * 1024
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_HOUSE_NUMBER = re.compile(r"^[0-9]{1,5} ?[a-zA-Z]?( ?[-/] ?[0-9]{0,5} ?[a-zA-Z]?)?$")


_ADDRESS_KEYS = frozenset({"street", "house_number", "postcode", "city", "extra", "country"})


def address_checker(f: FormField, options: frozenset[str] | None) -> CheckFn:
    foreign = f.foreign
    place = latin_check(120, 1, person=False)
    postcode = postcode_checker(f, None)
    free_postcode = latin_check(12, 1, person=False)

    def check(raw: Any, today: dt.date) -> Checked:
        if not isinstance(raw, Mapping) or set(raw) - _ADDRESS_KEYS:
            return None, Problem("invalid_type")
        out: dict[str, str] = {}
        for key, missing_code, checker in (
            ("street", "address_street", place),
            ("city", "address_city", place),
        ):
            if not is_answered(raw.get(key)):
                return None, Problem(missing_code)
            value, problem = checker(raw[key], today)
            if problem:
                return None, problem
            out[key] = value
        number = raw.get("house_number")
        if is_answered(number):
            if not isinstance(number, str) or len(number) > 40:
                return None, Problem("house_number")
            number = ascii_digits(number.strip(SPACE))
            if not _HOUSE_NUMBER.fullmatch(number):
                return None, Problem("house_number")
            out["house_number"] = number
        elif not foreign:
            return None, Problem("house_number")
        code = raw.get("postcode")
        if not foreign or is_answered(code):
            value, problem = (free_postcode if foreign else postcode)(code, today)
            if problem:
                return None, problem
            out["postcode"] = value
        if is_answered(raw.get("extra")):
            value, problem = place(raw["extra"], today)
            if problem:
                return None, problem
            out["extra"] = value
        if foreign:
            country = raw.get("country")
            if not isinstance(country, str) or country not in (options or frozenset()):
                return None, Problem("not_country")
            out["country"] = country
        return out, None

    return check


def signature_checker(f: FormField, options: frozenset[str] | None) -> CheckFn:
    prefix = "data:image/png;base64,"

    def check(raw: Any, today: dt.date) -> Checked:
        if not isinstance(raw, str) or not raw.startswith(prefix):
            return None, Problem("signature")
        payload = raw[len(prefix) :]
        if len(payload) > SIGNATURE_MAX_BYTES * 4 // 3 + 4:
            return None, Problem("signature")
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            return None, Problem("signature")
        if not data.startswith(_PNG_MAGIC) or len(data) < 64:
            return None, Problem("signature")
        return raw, None

    return check


def attachment_checker(f: FormField, options: frozenset[str] | None) -> CheckFn:
    accept = frozenset(f.accept or DEFAULT_ATTACHMENT_TYPES)
    max_mb = f.max_size_mb or DEFAULT_ATTACHMENT_MB
    max_bytes = int(max_mb * 1024 * 1024)

    def check(raw: Any, today: dt.date) -> Checked:
        if not isinstance(raw, Mapping):
            return None, Problem("invalid_type")
        media_type, size, digest = raw.get("media_type"), raw.get("size"), raw.get("sha256")
        name = raw.get("filename")
        if not isinstance(name, str) or not isinstance(digest, str):
            return None, Problem("invalid_type")
        if not re.fullmatch(r"[0-9a-f]{64}", digest) or len(name) > 255 or first_bad_char(name):
            return None, Problem("invalid_type")
        if media_type not in accept:
            return None, Problem("attachment_type")
        if not isinstance(size, int) or isinstance(size, bool) or not 0 < size <= max_bytes:
            return None, Problem("attachment_size", {"max": format_number(max_mb)})
        return dict(raw), None

    return check
