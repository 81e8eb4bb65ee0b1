"""The sealed application: one model for the terminal that writes it and the office that reads it.

The hashes of the version-1 vectors below were computed by the code that sealed
applications before the format named itself; terminals in service hold such
applications in their outboxes, so these hashes must go on checking.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from kiosk.documents.sealed import verify, with_office_copy
from kiosk.formats import (
    APPLICATION_FORMAT,
    APPLICATION_VERSION,
    MAX_EXACT_INTEGER,
    ApplicationData,
    FormatError,
    FormRef,
    SealedApplication,
    SealedApplicationV1,
    canonical_json,
    data_sha512,
    read_sealed_application,
)

DOC = Path(__file__).parents[2] / "docs" / "sync.md"
PDF = b"%PDF-1.4\n% office copy stand-in\n"
PDF_SHA512 = (
    "4cb0c34472d32a2a3b81c5b352c7ad9a622efe01660a541dd4465c241ecac7e0"
    "532390d54f353bcb093a2b0cdd5f8abe66e0c4d90e8e6f3e329fca876962d555"
)
PERSONAL = "Rahimi-Nasrin"  # must never appear in a reason


def sealed_v1(data: dict[str, Any], data_hash: str) -> dict[str, Any]:
    """*data* with the office copy and metadata, exactly as terminals attached them."""
    listed = {
        "id": "office-copy",
        "purpose": "form",
        "mime_type": "application/pdf",
        "filename": f"{data['reference']}.pdf",
        "sha512": PDF_SHA512,
    }
    return data | {
        "attachments": [listed | {"content": base64.b64encode(PDF).decode()}],
        "metadata": {"data_sha512": data_hash, "attachments": [listed]},
    }


#: every member a terminal sealed before version 2, with text that needs escaping
V1_FULL = sealed_v1(
    {
        "id": "3f2b8c1e-7a4d-4e2f-9b6a-0c5d8e1f2a3b",
        "reference": "MD-7K3Q-9XPF-8",
        "form": {"id": "buergergeld", "version": 3, "title": "Bürgergeld – Hauptantrag"},
        "office": "jobcenter",
        "application_date": "2026-11-21",
        "submitted_at": "2026-11-21T09:30:00+00:00",
        "language": "fa",
        "catalog": "sha256:" + "ab" * 32,
        "terminal": "terminal-1a2b3c4d",
        "assisted": True,
        "assisted_by": ["anna.k"],
        "consents": {"privacy": "2026-1", "truthful": "2026-01"},
        "answers": {
            "family_name": "Rahimi",
            "given_names": "نسرین",
            "birth_date": "1987-03-01",
            "income": "1234.50",
            "children_count": "2",
            "receives_benefits": False,
            "note": 'Zeile 1\nZeile 2 "zitiert" \\ Tab\tEnde',
            "address": {
                "street": "Münsterstraße",
                "house_number": "12",
                "postcode": "44145",
                "city": "Dortmund",
            },
            "household": [
                {"given_names": "Sara", "birth_date": "2015-06-30"},
                {"given_names": "Ömer"},
            ],
            "languages": ["fa", "de"],
            "proof": {
                "filename": "bescheid.pdf",
                "media_type": "application/pdf",
                "size": 48213,
                "sha256": "0" * 64,
            },
        },
    },
    "47ef53d10add9bdb89ee995efab01b4e47ee8c59d60a01b46f6b984a107b1ec5"
    "e9628653738f9655a27d74e35d8579748107a70a5f793d4c73983fda4ffc64fe",
)
#: what terminals from before the assisted mode sealed: the required members only
V1_MINIMAL = sealed_v1(
    {
        "id": "0b7e6a52-2c1f-4d7e-8a43-5f9e1c2d3b4a",
        "reference": "MD-7K3Q-9XPF-8",
        "form": {"id": "buergergeld", "version": 1, "title": "Bürgergeld"},
        "office": "jobcenter",
        "application_date": "2026-11-21",
        "answers": {"family_name": "Rahimi"},
    },
    "14cadb3cdeeffd9c4dc8b72a815dc248f2509dba54965d757aaca58f04702853"
    "b9bf26555d45e3d44eaddb2530388796025f6409d2809b216bbeb5f716dc2c88",
)


def as_received(members: dict[str, Any]) -> Any:
    """Through JSON text, as the office tool gets it."""
    return json.loads(json.dumps(members, ensure_ascii=False))


def application_data(**changes: Any) -> ApplicationData:
    members: dict[str, Any] = {
        "format": APPLICATION_FORMAT,
        "payload_version": APPLICATION_VERSION,
        "id": "3f2b8c1e-7a4d-4e2f-9b6a-0c5d8e1f2a3b",
        "reference": "MD-7K3Q-9XPF-8",
        "form": FormRef(id="buergergeld", version=3, title="Bürgergeld"),
        "office": "jobcenter",
        "application_date": "2026-11-21",
        "submitted_at": "2026-11-21T09:30:00+01:00",
        "language": "fa",
        "catalog": "sha256:" + "ab" * 32,
        "terminal": "terminal-1a2b3c4d",
        "assisted": True,
        "assisted_by": ["anna.k"],
        "consents": {"privacy": "2026-1"},
        "answers": {
            "family_name": PERSONAL,
            "household": [{"given_names": "Sara"}],
            "address": {"street": "Münsterstraße", "city": "Dortmund"},
            "proof": {"filename": "a.pdf", "size": 48213},
            "consent_data": True,
        },
    }
    return ApplicationData(**(members | changes))


# ------------------------------------------------------------ old applications
@pytest.mark.parametrize("sealed", [V1_FULL, V1_MINIMAL], ids=["full", "minimal"])
def test_applications_sealed_before_version_2_keep_their_hash(sealed: dict[str, Any]) -> None:
    application = read_sealed_application(as_received(sealed))
    assert isinstance(application, SealedApplicationV1)
    assert application.members() == sealed  # nothing added, nothing lost
    data = {k: v for k, v in sealed.items() if k not in {"attachments", "metadata"}}
    old_form = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert canonical_json(data) == old_form.encode()
    assert data_sha512(application.members()) == sealed["metadata"]["data_sha512"]
    assert verify(application) == {"office-copy": PDF}


def test_an_old_application_with_one_answer_changed_no_longer_checks() -> None:
    altered = copy.deepcopy(V1_FULL)
    altered["answers"]["income"] = "1234.51"
    with pytest.raises(ValueError, match=r"^the data does not match its hash$"):
        verify(read_sealed_application(altered))


# ------------------------------------------------------------ version 2
def test_a_version_2_application_round_trips_through_json() -> None:
    sealed = with_office_copy(application_data(), PDF)
    members = sealed.members()
    assert (members["format"], members["payload_version"]) == ("kiosk-application", 2)
    assert members["metadata"]["data_sha512"] == data_sha512(members)
    again = read_sealed_application(as_received(members))
    assert isinstance(again, SealedApplication)
    assert again == sealed and again.members() == members
    assert verify(again) == {"office-copy": PDF}
    # the hash covers the data only: attachments and metadata are what carries it
    assert data_sha512(members) == data_sha512(application_data().members())


def test_the_writer_cannot_build_what_the_office_would_refuse() -> None:
    with pytest.raises(ValidationError, match="a number with a fraction"):
        application_data(answers={"income": 1234.5})
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        ApplicationData(**(dict(application_data()) | {"nickname": "x"}))
    with pytest.raises(ValidationError, match="format"):
        application_data(format="kiosk-draft")
    with pytest.raises(ValidationError, match="frozen"):
        application_data().office = "sozialamt"  # type: ignore[misc]


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]

    def change(members: dict[str, Any]) -> None:
        target: Any = members
        for part in parents:
            target = target[part]
        target[last] = value

    return change


def _drop(name: str) -> Callable[[dict[str, Any]], None]:
    return lambda members: members.pop(name) and None


V2 = "not an application of payload version 2: "
#: a change to a whole version-2 application -> the reason the office is given
MALFORMED: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("unknown member", _set("nickname", PERSONAL), V2 + "nickname: Extra inputs are not permitted"),
    ("data as a member name", _set(PERSONAL, 1), V2 + "…: Extra inputs are not permitted"),
    ("missing member", _drop("submitted_at"), V2 + "submitted_at: Field required"),
    ("other format", _set("format", PERSONAL), V2 + "format: Input should be 'kiosk-application'"),
    (
        "newer version",
        _set("payload_version", 3),
        "payload version 3: this office tool reads versions 1 and 2; "
        "the sealed form is kept for a newer one",
    ),
    (
        "version as text",
        _set("payload_version", "2"),
        "payload version unknown: this office tool reads versions 1 and 2; "
        "the sealed form is kept for a newer one",
    ),
    (
        "version 1 with version 2's members",
        _set("payload_version", 1),
        "not an application of payload version 1: format: Extra inputs are not permitted "
        "(and 1 more)",
    ),
    ("no such day", _set("application_date", "2026-02-30"), V2 + "application_date: not a date of the calendar"),
    ("time without offset", _set("submitted_at", "2026-11-21T09:30:00"), V2 + "submitted_at: a time without its offset from UTC"),
    ("name as time", _set("submitted_at", PERSONAL), V2 + "submitted_at: not an ISO 8601 date and time"),
    ("amount as number", _set("answers.income", 1234.5), V2 + "answers.income: a number with a fraction (answers carry amounts as text)"),
    ("fraction deep inside", _set("answers.household.0.age", 7.5), V2 + "answers.household: a number with a fraction (answers carry amounts as text)"),
    ("huge integer", _set("answers.count", 2**60), V2 + "answers.count: an integer beyond ±(2^53−1)"),
    ("half a character", _set("answers.family_name", "Rahimi\ud800"), V2 + "answers.family_name: text that is not valid Unicode"),
    ("data as answer id", _set(f"answers.{PERSONAL}", "x"), V2 + "answers.….[key]: String should match pattern '^[a-z][a-z0-9_]{0,62}$'"),
    ("answers as list", _set("answers", [PERSONAL]), V2 + "answers: Input should be a valid dictionary"),
    ("form version as text", _set("form.version", "3"), V2 + "form.version: Input should be a valid integer"),
    ("assisted as text", _set("assisted", "yes"), V2 + "assisted: Input should be a valid boolean"),
    ("line break in staff id", _set("assisted_by.0", "anna\n"), V2 + "assisted_by.0: String should match pattern '^[^\\x00-\\x1f\\x7f]*$'"),
    ("empty consent version", _set("consents.privacy", ""), V2 + "consents.privacy: String should have at least 1 character"),
    ("no office copy", _set("attachments.0.purpose", "photo"), V2 + "the payload: no office copy (a PDF with the purpose 'form')"),
    ("cut base64", _set("attachments.0.content", "JVBE"[:3]), V2 + "attachments.0.content: base64 of a length that is not a multiple of 4"),
    ("answer changed", _set("answers.family_name", "Other"), "the data does not match its hash"),
    ("other office copy", _set("attachments.0.content", base64.b64encode(b"%PDF-1.7").decode()), "attachment office-copy does not match its hash"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "reason"), [(c, r) for _n, c, r in MALFORMED], ids=[n for n, _c, _r in MALFORMED]
)
def test_a_malformed_application_is_refused_with_a_reason_free_of_data(
    change: Callable[[dict[str, Any]], None], reason: str
) -> None:
    members = with_office_copy(application_data(), PDF).members()
    change(members)
    with pytest.raises(ValueError) as refused:  # FormatError, or verify's ValueError
        verify(read_sealed_application(members))
    assert str(refused.value) == reason
    assert PERSONAL not in str(refused.value)
    if isinstance(refused.value, FormatError):
        assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([1, 2], "the payload is a JSON list, not an object"),
        ("x", "the payload is a JSON str, not an object"),
        ({"metadata": "x"}, "not an application of payload version 1: id: Field required (and 7 more)"),
    ],
)  # fmt: skip
def test_what_is_no_application_at_all(data: Any, reason: str) -> None:
    with pytest.raises(FormatError) as refused:
        read_sealed_application(data)
    assert refused.value.reason == reason


# ------------------------------------------------------------ the canonical form
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"b": 1, "a": [True, False, None]}, '{"a":[true,false,null],"b":1}'),
        ({"z": {"y": 1, "x": 2}}, '{"z":{"x":2,"y":1}}'),
        ("Münster \u0644", '"Münster \u0644"'),  # UTF-8, never \\u escapes
        ('"\\/', '"\\"\\\\/"'),  # / stays as it is
        ("\x00\x08\t\n\x0c\r\x1f\x7f", '"\\u0000\\b\\t\\n\\f\\r\\u001f\x7f"'),
        ("\u2028", '"\u2028"'),
        (-(2**53 - 1), "-9007199254740991"),
        ({"\ue000": 1, "\U0001f600": 2}, '{"\U0001f600":2,"\ue000":1}'),  # UTF-16 order
    ],
)
def test_canonical_json_is_written_as_documented(value: Any, expected: str) -> None:
    assert canonical_json(value) == expected.encode()
    assert canonical_json(value) == rfc8785.dumps(value)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (1.5, "a number with a fraction has no canonical form here"),
        (1.0, "a number with a fraction has no canonical form here"),
        (2**53, "an integer beyond ±(2^53−1) has no canonical form"),
        ({1: "x"}, "an object member is not named by text"),
        ("\ud800", "text that is not valid Unicode has no canonical form"),
        ({b"x"}, "a set is not JSON"),
    ],
)
def test_canonical_json_refuses_what_has_no_single_spelling(value: Any, reason: str) -> None:
    with pytest.raises(FormatError) as refused:
        canonical_json(value)
    assert refused.value.reason == reason


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-MAX_EXACT_INTEGER, MAX_EXACT_INTEGER)
    | st.text(max_size=12)
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_JSON)
def test_canonical_json_is_rfc_8785_for_every_value_it_accepts(value: Any) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


@given(
    st.recursive(
        _SCALARS,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.text(st.characters(max_codepoint=0xFFFF, codec="utf-8"), max_size=6),
                inner,
                max_size=4,
            )
        ),
        max_leaves=20,
    )
)
def test_canonical_json_is_what_terminals_always_hashed(value: Any) -> None:
    old_form = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert canonical_json(value) == old_form.encode()


# ------------------------------------------------------------ the documentation
def _doc_section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("### The sealed application, member by member")
    return text[start : text.index("\n## ", start)]


def test_the_documented_members_are_the_models() -> None:
    rows = re.findall(r"^\| `([a-z_0-9]+)` \|", _doc_section(), re.MULTILINE)
    assert sorted(rows) == sorted(SealedApplication.model_fields)


def test_the_worked_example_in_the_documentation_is_the_codes_result() -> None:
    section = _doc_section()
    example = re.search(r"```json\n(.*?)```", section, re.DOTALL)
    blocks = re.findall(r"```text\n(.*?)\n```", section, re.DOTALL)
    assert example is not None and len(blocks) == 2
    data = json.loads(example.group(1))
    ApplicationData.model_validate(data, strict=True)  # a real version-2 application
    assert canonical_json(data).decode() == blocks[0]
    assert data_sha512(data) == blocks[1]
