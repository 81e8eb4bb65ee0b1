"""Every field type's check, with valid, invalid and adversarial answers."""

from __future__ import annotations

import base64
import datetime as dt
import struct
import zlib
from decimal import Decimal
from typing import Any, ClassVar, get_args

import pytest

from kiosk.definition.codelists import country_codes
from kiosk.definition.model import Consent, FieldType, FormField, Option
from kiosk.engine.field_types import build_checker
from kiosk.engine.validators import resolve_date_bound

TODAY = dt.date(2026, 11, 21)

ADVERSARIAL = [
    "x" * 100_000,
    "Anna\x00Maria",
    "Anna\u202eairaM",  # right-to-left override
    "Anna\u2066x\u2069",  # isolates
    "Ann\u200ba",  # zero-width space
    "\ufeffAnna",  # byte order mark
    "Anna\x1b[31m",  # terminal escape
    "\ud800",  # lone surrogate
    "\ue000",  # private use
]


def field(type_: str, **kw: Any) -> FormField:
    kw.setdefault("label", "L")
    return FormField(id="f", type=type_, **kw)  # type: ignore[arg-type]


def run(f: FormField, raw: Any, options: frozenset[str] | None = None) -> tuple[Any, str | None]:
    value, problem = build_checker(f, options).check(raw, TODAY)
    return value, problem.code if problem else None


def png_data_url(width: int = 8, height: int = 8) -> str:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\xff" * width * 3 for _ in range(height))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode()


class TestText:
    @pytest.mark.parametrize(
        "good",
        [
            "Hallo",
            "  trimmed  ",
            "مرحبا بكم",
            "Привіт",
            "می‌خواهم",
            "👋 hello",
            "Ελληνικά",
            "ქართული",
        ],
    )
    def test_valid(self, good: str) -> None:
        value, code = run(field("text"), good)
        assert code is None and value == good.strip()

    @pytest.mark.parametrize("bad", ADVERSARIAL)
    def test_adversarial(self, bad: str) -> None:
        value, code = run(field("text"), bad)
        assert code in {"too_long", "bad_character", "invisible_character"} and value is None

    def test_newline_only_in_long_text(self) -> None:
        assert run(field("text"), "a\nb")[1] == "invisible_character"
        assert run(field("long_text"), "a\nb")[1] is None

    def test_lengths_and_pattern(self) -> None:
        f = field(
            "text",
            min_length=3,
            max_length=5,
            pattern="[A-Z]+",
            pattern_message="Nur Großbuchstaben",
        )
        assert run(f, "AB")[1] == "too_short"
        assert run(f, "ABCDEF")[1] == "too_long"
        assert run(f, "abc")[1] == "pattern"
        assert run(f, "ABC") == ("ABC", None)

    def test_default_limits(self) -> None:
        assert run(field("text"), "a" * 200)[1] is None
        assert run(field("text"), "a" * 201)[1] == "too_long"
        assert run(field("long_text"), "a" * 2001)[1] == "too_long"

    def test_not_a_string(self) -> None:
        assert run(field("text"), 12)[1] == "invalid_type"

    def test_nfc(self) -> None:
        assert run(field("text"), "Mu\u0308ller")[0] == "Müller"


class TestNames:
    @pytest.mark.parametrize(
        "good",
        [
            "Müller-Lüdenscheidt",
            "O'Brien",
            "Nguyễn Thị Minh Khai",
            "Ştefan",
            "Ţiriac",
            "Çelik",
            "Łukasz",
            "Ærøskøbing",
            "José María",
            "d'Artagnan",
            "Abu-l-Fadl",
            "Şahin Öztürk",
        ],
    )
    def test_type_a_accepts_passport_latin(self, good: str) -> None:
        assert run(field("person_name"), good)[1] is None

    @pytest.mark.parametrize(
        "bad", ["Олена", "محمد", "Anna2", "Anna!", "Anna 👋", "Ann\u200da", "Ελένη", *ADVERSARIAL]
    )
    def test_type_a_rejects(self, bad: str) -> None:
        assert run(field("person_name"), bad)[1] in {
            "name_character",
            "invisible_character",
            "too_long",
        }

    def test_type_a_reports_the_character(self) -> None:
        problem = build_checker(field("person_name"), None).check("Olena Шевченко", TODAY)[1]
        assert problem is not None and problem.params == {"char": "Ш"}

    def test_spaces_are_folded(self) -> None:
        assert run(field("person_name"), "  Anna   Maria ") == ("Anna Maria", None)

    def test_combining_sequence_after_nfc(self) -> None:
        assert run(field("person_name"), "Mu\u0308ller")[0] == "Müller"

    @pytest.mark.parametrize("good", ["Karl-Bröger-Straße 17", "Straße des 17. Juni", "Köln/Bonn"])
    def test_type_b_allows_digits_and_signs(self, good: str) -> None:
        assert run(field("place"), good)[1] is None
        assert run(field("person_name"), good)[1] == "name_character"

    def test_type_b_rejects_other_scripts(self) -> None:
        assert run(field("place"), "Київ")[1] == "place_character"


class TestNumbers:
    @pytest.mark.parametrize(
        ("raw", "value"),
        [(3, Decimal(3)), ("42", Decimal(42)), (" 7 ", Decimal(7)), ("-2", Decimal(-2))],
    )
    def test_integer(self, raw: Any, value: Decimal) -> None:
        assert run(field("integer"), raw) == (value, None)

    def test_digits_of_other_scripts_count(self) -> None:
        assert run(field("integer"), "١٢") == (Decimal(12), None)
        assert run(field("integer"), "۳۴") == (Decimal(34), None)  # Persian digits
        assert run(field("postcode"), "٤٤١٣٥") == ("44135", None)

    @pytest.mark.parametrize("bad", ["1.5", "abc", "", "1e5", True, None, [1], "1‮2"])
    def test_integer_rejects(self, bad: Any) -> None:
        assert run(field("integer"), bad)[1] == "not_integer"

    def test_range(self) -> None:
        f = field("integer", min=1, max=10)
        assert run(f, 0)[1] == "below_min"
        assert run(f, 11)[1] == "above_max"
        problem = build_checker(f, None).check(11, TODAY)[1]
        assert problem is not None and problem.params == {"max": "10"}

    @pytest.mark.parametrize(
        ("raw", "value"),
        [("3,5", Decimal("3.5")), ("1.234,56", Decimal("1234.56")), (2.25, Decimal("2.25"))],
    )
    def test_decimal(self, raw: Any, value: Decimal) -> None:
        assert run(field("decimal"), raw) == (value, None)

    def test_money(self) -> None:
        assert run(field("money"), "12,5") == (Decimal("12.50"), None)
        assert run(field("money"), "12.5555")[1] == "money_cents"
        assert run(field("money"), "12.555")[1] == "ambiguous_number"  # 12555 or 12.555?
        assert run(field("money"), "-1")[1] == "below_min"
        assert run(field("money"), "99999999")[1] == "above_max"
        assert run(field("money", min=-100), "-1")[1] is None


class TestDates:
    def test_valid_and_bounds(self) -> None:
        f = field("date", min_date="-120y", max_date="today")
        assert run(f, "2000-02-29") == (dt.date(2000, 2, 29), None)
        assert run(f, "2026-11-22")[1] == "date_after"
        assert run(f, "1900-01-01")[1] == "date_before"
        assert run(f, dt.date(2020, 1, 1))[1] is None

    @pytest.mark.parametrize(
        "bad", ["2023-02-29", "21.11.2026", "2026-13-01", "", "tomorrow", 20261121]
    )
    def test_invalid(self, bad: Any) -> None:
        assert run(field("date"), bad)[1] == "not_date"

    @pytest.mark.parametrize(
        ("spec", "expected"),
        [
            ("today", dt.date(2026, 11, 21)),
            ("-18y", dt.date(2008, 11, 21)),
            ("+6m", dt.date(2027, 5, 21)),
            ("-30d", dt.date(2026, 10, 22)),
            ("2024-01-31", dt.date(2024, 1, 31)),
        ],
    )
    def test_bounds(self, spec: str, expected: dt.date) -> None:
        assert resolve_date_bound(spec, TODAY) == expected

    def test_month_end_clamps(self) -> None:
        assert resolve_date_bound("+1m", dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
        assert resolve_date_bound("+1y", dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


class TestChoices:
    OPTS: ClassVar[list[Option]] = [Option(value="a", label="A"), Option(value="b", label="B")]

    def test_choice(self) -> None:
        f = field("choice", options=self.OPTS)
        assert run(f, "a", frozenset({"a", "b"})) == ("a", None)
        assert run(f, "c", frozenset({"a", "b"}))[1] == "not_option"
        assert run(f, ["a"], frozenset({"a", "b"}))[1] == "not_option"

    def test_multi(self) -> None:
        f = field("multi_choice", options=self.OPTS)
        opts = frozenset({"a", "b"})
        assert run(f, ["a", "b"], opts) == (["a", "b"], None)
        assert run(f, ["a", "a"], opts)[1] == "duplicate_option"
        assert run(f, ["c"], opts)[1] == "not_option"
        assert run(f, "a", opts)[1] == "invalid_type"

    def test_yes_no_and_consent(self) -> None:
        assert run(field("yes_no"), True) == (True, None)
        assert run(field("yes_no"), "yes")[1] == "invalid_type"
        consent = field("consent", consent=Consent(text="T", version="1"))
        assert run(consent, False) == (False, None)

    def test_country(self) -> None:
        f = field("nationality", extra_options=[Option(value="stateless", label="staatenlos")])
        opts = country_codes() | {"stateless"}
        assert run(f, "UA", opts) == ("UA", None)
        assert run(f, "stateless", opts) == ("stateless", None)
        assert run(f, "XX", opts)[1] == "not_country"
        assert run(f, "ua", opts)[1] == "not_country"


class TestContact:
    @pytest.mark.parametrize(
        ("raw", "e164"),
        [
            ("0231 1234567", "+492311234567"),
            ("+380 44 123 4567", "+380441234567"),
            ("0049 170 1234567", "+491701234567"),
            ("(0231) 50-12345", "+492315012345"),
        ],
    )
    def test_phone_normalised_to_e164(self, raw: str, e164: str) -> None:
        assert run(field("phone"), raw) == (e164, None)

    @pytest.mark.parametrize("bad", ["123", "+49 0", "0231 123\u202e4567", "+1" + "9" * 50, "+"])
    def test_phone_invalid(self, bad: str) -> None:
        assert run(field("phone"), bad)[1] == "phone"

    @pytest.mark.parametrize(
        "typed",
        [
            "0231abc",  # the phone library reads "abc" as 222: never store what nobody typed
            "abc",
            "0800 FLOWERS",
            "0231 ١٢٣ x",
            "+49 231 Ж",
        ],
    )
    def test_letters_in_a_phone_number_are_refused_not_turned_into_digits(self, typed: str) -> None:
        assert run(field("phone"), typed) == (None, "phone_letters")

    def test_digits_of_other_scripts_count_as_digits(self) -> None:
        assert run(field("phone"), "٠٢٣١ ١٢٣٤٥٦٧") == ("+492311234567", None)

    def test_email(self) -> None:
        assert run(field("email"), " Anna@Example.org ") == ("Anna@example.org", None)
        for bad in ["anna", "anna@", "@x.de", "a b@x.de", "anna@x\u202e.de"]:
            assert run(field("email"), bad)[1] == "email"

    def test_iban(self) -> None:
        assert run(field("iban"), "de89 3704 0044 0532 0130 00") == ("DE89370400440532013000", None)
        for bad in ["DE89370400440532013001", "DE8937040044053201300", "XX00", "DE89-3704", ""]:
            assert run(field("iban"), bad)[1] == "iban"

    def test_postcode(self) -> None:
        assert run(field("postcode"), "44135") == ("44135", None)
        for bad in ["4413", "441355", "00123", "4413a", "44 135"]:
            assert run(field("postcode"), bad)[1] == "postcode"


class TestAddress:
    def test_german_address(self) -> None:
        value, code = run(
            field("address"),
            {
                "street": "Friedensplatz",
                "house_number": "7",
                "postcode": "44135",
                "city": "Dortmund",
            },
        )
        assert code is None and value["postcode"] == "44135"

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ({"house_number": "7", "postcode": "44135", "city": "Dortmund"}, "address_street"),
            (
                {"street": "A", "house_number": "7", "postcode": "4413", "city": "Dortmund"},
                "postcode",
            ),
            (
                {"street": "A", "house_number": "x7", "postcode": "44135", "city": "D"},
                "house_number",
            ),
            (
                {"street": "Вулиця", "house_number": "7", "postcode": "44135", "city": "D"},
                "place_character",
            ),
            ({"street": "A", "house_number": "7", "postcode": "44135"}, "address_city"),
            (
                {"street": "A", "house_number": "7", "postcode": "44135", "city": "D", "evil": 1},
                "invalid_type",
            ),
            ("Friedensplatz 7", "invalid_type"),
        ],
    )
    def test_invalid(self, raw: Any, code: str) -> None:
        assert run(field("address"), raw)[1] == code

    def test_foreign_address(self) -> None:
        f = field("address", foreign=True)
        ok = {
            "street": "Shevchenka",
            "house_number": "12",
            "postcode": "01001",
            "city": "Kyiv",
            "country": "UA",
        }
        assert run(f, ok, country_codes())[1] is None
        assert run(f, {**ok, "country": "XX"}, country_codes())[1] == "not_country"


class TestSignatureAndAttachment:
    def test_signature(self) -> None:
        assert run(field("signature"), png_data_url())[1] is None
        for bad in [
            "data:image/png;base64,AAAA",
            "hello",
            "data:image/png;base64,!!!",
            "data:image/jpeg;base64," + png_data_url().split(",")[1],
        ]:
            assert run(field("signature"), bad)[1] == "signature"

    def test_attachment(self) -> None:
        f = field("attachment", accept=["image/jpeg"], max_size_mb=1)
        good = {
            "filename": "pass.jpg",
            "media_type": "image/jpeg",
            "size": 1000,
            "sha256": "a" * 64,
        }
        assert run(f, good)[1] is None
        assert run(f, {**good, "media_type": "text/html"})[1] == "attachment_type"
        assert run(f, {**good, "size": 2 * 1024 * 1024})[1] == "attachment_size"
        assert run(f, {**good, "sha256": "x"})[1] == "invalid_type"
        assert run(f, "pass.jpg")[1] == "invalid_type"


# ---------------------------------------------------------------- adversarial matrix

HOSTILE = {
    "100k": "A" * 100_000,
    "nul": "Anna\x00",
    "bidi_override": "\u202eANNA",
    "zwj": "Ann\u200da",
    "emoji": "Anna 😀",
    "mixed_scripts": "Anna Анна آنا",
}
#: What free text may legitimately hold: Persian spelling needs ZWJ/ZWNJ, and visitors
#: write in their own scripts. Everything else rejects every hostile string.
TEXT_ACCEPTS = {"zwj", "emoji", "mixed_scripts"}
ALL_TYPES = [t for t in get_args(FieldType) if t not in {"note", "group"}]


def _field_for(type_: str) -> FormField:
    extra: dict[str, Any] = {}
    if type_ in {"choice", "multi_choice"}:
        extra["options"] = [Option(value="a", label="A")]
    if type_ == "consent":
        extra["consent"] = Consent(text="T", version="1")
    return field(type_, **extra)


@pytest.mark.parametrize("type_", ALL_TYPES)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_in_every_field_type(type_: str, name: str) -> None:
    raw = HOSTILE[name]
    options = frozenset({"a"}) | country_codes()
    for candidate in (
        raw,
        [raw],
        {"street": raw, "house_number": raw, "postcode": raw, "city": raw},
    ):
        value, code = run(_field_for(type_), candidate, options)
        accepted = code is None
        expected = type_ in {"text", "long_text"} and name in TEXT_ACCEPTS and candidate is raw
        assert accepted == expected, (type_, name, type(candidate).__name__, code)
        if accepted:
            assert value == raw
