"""Random, valid answers for any form of the catalog, reproducible from a seed.

Values are drawn per field type within the field's limits (one drawing per
declared type, in :data:`ANSWER_FOR_TYPE`); then the engine judges the whole
form and every field it complains about is drawn again (or left empty if it is
optional), until the form validates. This needs no knowledge of a particular
form, so new catalog forms are simulated too.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import math
import random
import re
import struct
import zlib
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import rstr
from schwifty import IBAN

from kiosk.definition.model import FieldType, Form, FormField
from kiosk.engine.compiler import field_options
from kiosk.engine.compound_checkers import DEFAULT_ATTACHMENT_TYPES
from kiosk.engine.form import CompiledForm
from kiosk.engine.validators import resolve_date_bound

GIVEN = [
    "Olena",
    "Mohammad",
    "Zahra",
    "Ayşe",
    "Ion",
    "Anna-Lena",
    "Sergiy",
    "Fatemeh",
    "Ahmad",
    "Mariya",
    "Ștefan",
    "José",
    "Nguyễn Thị",
    "Dmytro",
    "Leyla",
    "Ali Reza",
]
FAMILY = [
    "Shevchenko",
    "Al-Hassan",
    "Yılmaz",
    "Popescu",
    "Hosseini",
    "Kovalenko",
    "Müller",
    "Öztürk",
    "Rahimi",
    "Ionescu",
    "Bondarenko",
    "Haddad",
    "Ferreira",
    "Çelik",
    "Nowak",
]
STREETS = [
    "Friedensplatz",
    "Münsterstraße",
    "Heiliger Weg",
    "Schützenstraße",
    "Mallinckrodtstraße",
    "Brackeler Straße",
    "Hohe Straße",
    "Karl-Marx-Straße",
    "Bornstraße",
    "Westfalendamm",
]
CITIES = ["Dortmund", "Lünen", "Castrop-Rauxel", "Schwerte", "Kyiv", "Aleppo", "Herat", "Iași"]
WORDS = [
    "Wohnung",
    "Kind",
    "Schule",
    "Arbeit",
    "Termin",
    "Bitte",
    "Hilfe",
    "Familie",
    "Brief",
    "Antrag",
    "Nachweis",
    "Kurs",
    "Miete",
    "Bus",
    "Arzt",
]
COUNTRIES = ["UA", "SY", "AF", "TR", "RO", "IR", "IQ", "BG", "PL", "RU", "ER", "SO", "DE"]


def _png_data_url(width: int = 64, height: int = 24) -> str:
    """A small valid PNG: a dark stroke on white, as a signature pad would send."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            ink = abs(y - height // 2 - int(6 * math.sin(x / 6))) < 2
            row += b"\x20\x20\x20" if ink else b"\xff\xff\xff"
        rows.append(bytes(row))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode()


TINY_PNG = _png_data_url()


class _FewRepeats(rstr.Rstr):
    """rstr repeats a ``*`` or ``+`` up to 100 times, so nested repeats in a catalog's
    pattern (``((a*)*)*``, which RE2 matches in linear time) would make 100^depth
    characters; here each repeat adds at most four more than it must."""

    def _handle_repeat(self, start_range: int, end_range: int, value: str) -> str:
        return str(super()._handle_repeat(start_range, min(end_range, start_range + 4), value))


class AnswerMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.xeger = _FewRepeats(rng)

    # --------------------------------------------------------------- values
    def value(self, f: FormField, options: frozenset[str] | None, today: dt.date) -> Any:
        return ANSWER_FOR_TYPE[f.type](self, f, options, today)

    def _person_name(self, f: FormField, options: Any, today: dt.date) -> str:
        pool = GIVEN if "given" in f.id or "vorname" in f.id else FAMILY
        return self.rng.choice(pool)

    def _place(self, f: FormField, options: Any, today: dt.date) -> str:
        return self.rng.choice(CITIES)

    def _text(self, f: FormField, options: Any, today: dt.date) -> str:
        if f.pattern:
            text = self.xeger.xeger(f.pattern)
            limit = f.max_length or 200
            return text[:limit].strip() or "A1"
        n = self.rng.randint(1, 4)
        text = " ".join(self.rng.choice(WORDS) for _ in range(n))
        return text[: f.max_length or 200]

    def _long_text(self, f: FormField, options: Any, today: dt.date) -> str:
        sentences = [" ".join(self.rng.choice(WORDS) for _ in range(6)) + "." for _ in range(3)]
        return "\n".join(sentences)[: f.max_length or 2000]

    def _number(self, f: FormField, low: float, high: float, decimals: int) -> str:
        lo = f.min if f.min is not None else low
        hi = f.max if f.max is not None else max(lo, high) if f.min is None else lo + high - low
        value = self.rng.uniform(lo, hi)
        return f"{value:.{decimals}f}" if decimals else str(round(value))

    def _integer(self, f: FormField, options: Any, today: dt.date) -> str:
        return self._number(f, 0, 6, 0)

    def _decimal(self, f: FormField, options: Any, today: dt.date) -> str:
        return self._number(f, 0, 50, 1).replace(".", ",")

    def _money(self, f: FormField, options: Any, today: dt.date) -> str:
        return self._number(f, 0, 2500, 2)

    def _date(self, f: FormField, options: Any, today: dt.date) -> str:
        lo = resolve_date_bound(f.min_date, today) if f.min_date else today - dt.timedelta(3650)
        hi = resolve_date_bound(f.max_date, today) if f.max_date else today + dt.timedelta(365)
        if "birth" in f.id:  # prefer adults where the field allows them: most rules expect that
            adult_lo = max(lo, today - dt.timedelta(days=365 * 70))
            adult_hi = min(hi, today - dt.timedelta(days=365 * 19))
            if adult_lo <= adult_hi and "child" not in f.id:
                lo, hi = adult_lo, adult_hi
        if hi < lo:
            lo, hi = hi, lo
        return (lo + dt.timedelta(days=self.rng.randint(0, (hi - lo).days))).isoformat()

    def _yes_no(self, f: FormField, options: Any, today: dt.date) -> bool:
        return self.rng.random() < 0.5

    def _consent(self, f: FormField, options: Any, today: dt.date) -> bool:
        return True

    def _choice(self, f: FormField, options: frozenset[str] | None, today: dt.date) -> str:
        return self.rng.choice(sorted(options or {"x"}))

    def _multi_choice(
        self, f: FormField, options: frozenset[str] | None, today: dt.date
    ) -> list[str]:
        pool = sorted(options or ())
        return self.rng.sample(pool, self.rng.randint(1, min(3, len(pool))))

    def _country(self, f: FormField, options: Any, today: dt.date) -> str:
        return self.rng.choice(COUNTRIES)

    def _phone(self, f: FormField, options: Any, today: dt.date) -> str:
        return f"0231 {self.rng.randint(2000000, 9999999)}"

    def _email(self, f: FormField, options: Any, today: dt.date) -> str:
        return (
            f"{self.rng.choice(FAMILY).lower()}.{self.rng.randint(1, 999)}@example.org".replace(
                "ı", "i"
            )
            .encode("ascii", "ignore")
            .decode()
        )

    def _iban(self, f: FormField, options: Any, today: dt.date) -> str:
        account = str(self.rng.randint(10**8, 10**10 - 1))
        return str(IBAN.generate("DE", bank_code="37040044", account_code=account).formatted)

    def _postcode(self, f: FormField, options: Any, today: dt.date) -> str:
        return f"44{self.rng.randint(100, 399)}"

    def _address(self, f: FormField, options: Any, today: dt.date) -> dict[str, str]:
        address = {
            "street": self.rng.choice(STREETS),
            "house_number": str(self.rng.randint(1, 120)),
            "postcode": self._postcode(f, None, today),
            "city": "Dortmund",
        }
        if f.foreign:
            address.update(
                city=self.rng.choice(CITIES[4:]),
                postcode=str(self.rng.randint(1000, 99999)),
                country=self.rng.choice(COUNTRIES[:-1]),
            )
        return address

    def _signature(self, f: FormField, options: Any, today: dt.date) -> str:
        return TINY_PNG

    def _attachment(self, f: FormField, options: Any, today: dt.date) -> dict[str, Any]:
        media = (f.accept or list(DEFAULT_ATTACHMENT_TYPES))[0]
        data = self.rng.randbytes(64)
        return {
            "filename": "dokument.jpg",
            "media_type": media,
            "size": 200_000,
            "sha256": hashlib.sha256(data).hexdigest(),
        }

    def _group(self, f: FormField, options: Any, today: dt.date) -> list[dict[str, Any]]:
        return [{} for _ in range(self.rng.randint(f.min_items or 0, min(f.max_items or 3, 3)))]

    def _nothing(self, f: FormField, options: Any, today: dt.date) -> None:
        return None  # a note holds no answer

    # --------------------------------------------------------------- forms
    def fill(
        self, compiled: CompiledForm, codelists: dict[str, Any], today: dt.date, rounds: int = 60
    ) -> dict[str, Any] | None:
        """Answers that validate, or None if none were found within *rounds*."""
        form: Form = compiled.form
        answers: dict[str, Any] = {}
        options = {}
        for page in form.pages:
            for f in page.fields:
                options[f.id] = field_options(f, codelists)
                for c in f.fields or ():
                    options[f"{f.id}.{c.id}"] = field_options(c, codelists)
        for _ in range(rounds):
            state = compiled.evaluate(answers, today)
            changed = False
            for key in compiled.display_order:
                spec = compiled.specs[key]
                f = spec.field
                if key not in state.visible or spec.compute is not None or not f.holds_answer:
                    continue
                if key not in answers:
                    answers[key] = self.value(f, options[key], today)
                    changed = True
                if f.is_group:
                    for item in answers[key]:
                        for child in spec.children:
                            if (
                                child.id not in item
                                and child.compute is None
                                and child.field.holds_answer
                            ):
                                item[child.id] = self.value(child.field, options[child.key], today)
                                changed = True
            result = compiled.validate(answers, "de", today)
            if result.ok and not changed:
                return answers
            for message in result.messages:
                self._redraw(compiled, answers, message.path, options, today)
        return None

    _ITEM = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")

    def _redraw(
        self,
        compiled: CompiledForm,
        answers: dict[str, Any],
        path: str,
        options: dict[str, Any],
        today: dt.date,
    ) -> None:
        item = self._ITEM.match(path)
        if item:
            group, index, child = item.group(1), int(item.group(2)), item.group(3)
            spec = next(c for c in compiled.specs[group].children if c.id == child)
            answers[group][index][child] = self.value(spec.field, options[spec.key], today)
            return
        spec = compiled.specs[path]
        if not spec.field.required and not spec.required_if and self.rng.random() < 0.3:
            answers.pop(path, None)  # an optional field: leaving it empty may be the way out
            return
        answers[path] = self.value(spec.field, options[path], today)


#: Draws one answer for a field: (maker, field, accepted options, today) -> answer.
DrawAnswer = Callable[[AnswerMaker, FormField, frozenset[str] | None, dt.date], Any]

#: Declared field type -> how its answer is drawn; the tests hold it to the declared types.
ANSWER_FOR_TYPE: Mapping[FieldType, DrawAnswer] = MappingProxyType(
    {
        "text": AnswerMaker._text,
        "long_text": AnswerMaker._long_text,
        "integer": AnswerMaker._integer,
        "decimal": AnswerMaker._decimal,
        "money": AnswerMaker._money,
        "date": AnswerMaker._date,
        "yes_no": AnswerMaker._yes_no,
        "choice": AnswerMaker._choice,
        "multi_choice": AnswerMaker._multi_choice,
        "country": AnswerMaker._country,
        "nationality": AnswerMaker._country,
        "phone": AnswerMaker._phone,
        "email": AnswerMaker._email,
        "iban": AnswerMaker._iban,
        "postcode": AnswerMaker._postcode,
        "person_name": AnswerMaker._person_name,
        "place": AnswerMaker._place,
        "address": AnswerMaker._address,
        "consent": AnswerMaker._consent,
        "signature": AnswerMaker._signature,
        "attachment": AnswerMaker._attachment,
        "note": AnswerMaker._nothing,
        "group": AnswerMaker._group,
    }
)
