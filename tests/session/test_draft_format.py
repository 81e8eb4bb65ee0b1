"""The draft blob: what a visit's answers look like while they wait, encrypted, on the disk.

Drafts written before the blob named its format must still open after an update:
a visitor's "continue later" code is valid for days, and crash recovery runs right
after a restart, which is when an update lands.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from kiosk.crypto import aead
from kiosk.formats import DRAFT_FORMAT, DRAFT_VERSION, DraftBlob, FormatError, read_draft_blob
from kiosk.session.clock import FakeClock
from kiosk.session.staff import StaffGrant
from kiosk.session.terminal import Terminal
from kiosk.session.visitor import draft_aad, recovery_aad
from tests.session.test_visitor_session import fill

GRANT = StaffGrant("anna.k", "staff", 0.0)
PERSONAL = "Kovalenko"

#: a blob exactly as terminals wrote it before it named its format
TODAY = (
    '{"answers":{"family_name":"Kovalenko","given_names":"Дмитро","birth_date":"1990-02-03",'
    '"address":{"street":"Münsterstraße","house_number":"12","postcode":"44145",'
    '"city":"Dortmund"}},"page":"benefit","language":"ru","assisted_by":["anna.k"]}'
).encode()
#: and as they wrote it before the language and assisted mode were kept
OLDER = b'{"answers":{"family_name":"Kovalenko"},"page":""}'


def test_a_blob_in_todays_format_reads_as_version_1() -> None:
    blob = read_draft_blob(TODAY)
    assert (blob.format, blob.version) == ("kiosk-draft", 1)
    assert blob.answers == json.loads(TODAY)["answers"]
    assert (blob.page, blob.language, blob.assisted_by) == ("benefit", "ru", ["anna.k"])


def test_a_blob_from_before_language_and_assistance_were_kept() -> None:
    blob = read_draft_blob(OLDER)
    assert blob.answers == {"family_name": "Kovalenko"}
    assert (blob.page, blob.language, blob.assisted_by) == ("", "", [])


def test_the_writer_names_the_format_and_the_reader_gets_back_what_was_written() -> None:
    written = DraftBlob(
        format=DRAFT_FORMAT,
        version=DRAFT_VERSION,
        answers={
            "note": "Zeile 1\nZeile 2",
            "address": {"street": "Münsterstraße"},
            "household": [{"given_names": "Sara"}],
            "n": 1.5,
        },
        page="person",
        language="fa",
        assisted_by=["anna.k"],
    )
    data = json.loads(written.to_bytes())
    assert (data["format"], data["version"]) == ("kiosk-draft", 1)
    assert set(data) == {"format", "version", "answers", "page", "language", "assisted_by"}
    assert read_draft_blob(written.to_bytes()) == written
    assert b"Zeile 1\nZeile 2" not in written.to_bytes()  # JSON escapes the break
    assert "Münsterstraße".encode() in written.to_bytes()  # UTF-8 as before, no escapes


@pytest.mark.parametrize(
    ("blob", "reason"),
    [
        (b"\xff not json", "the draft is not JSON"),
        (b"[]", "the draft is not a JSON object"),
        (
            b'{"format":"kiosk-draft","version":2,"answers":{},"page":""}',
            "draft version 2: this terminal reads version 1",
        ),
        (
            b'{"format":"kiosk-application","version":1,"answers":{},"page":""}',
            "not a draft of version 1: format: Input should be 'kiosk-draft'",
        ),
        (
            b'{"answers":{},"page":"","Kovalenko":1}',
            "not a draft of version 1: \u2026: Extra inputs are not permitted",
        ),
        (b'{"answers":["Kovalenko"],"page":""}', "not a draft of version 1: answers: Input should be a valid dictionary"),
        (b'{"answers":{}}', "not a draft of version 1: page: Field required"),
        (b'{"version":1,"answers":{},"page":""}', "not a draft of version 1: format: Field required"),
    ],
)  # fmt: skip
def test_a_blob_that_is_not_a_draft_is_refused_with_a_reason_free_of_data(
    blob: bytes, reason: str
) -> None:
    with pytest.raises(FormatError) as refused:
        read_draft_blob(blob)
    assert refused.value.reason == reason
    assert PERSONAL not in reason


def test_a_visit_whose_draft_on_disk_is_in_todays_format_is_recovered_whole(
    make_terminal: Callable[..., Terminal], clock: FakeClock
) -> None:
    """The terminal was updated while a visit was open: its draft, written by the old
    software, opens in the new one with every answer, the page, language and helper."""
    terminal = make_terminal()
    session = terminal.start_session("ru")
    session.open_form("sozialticket")
    fill(session, {"family_name": "Placeholder"})
    session.flush()
    [row] = terminal.store.drafts.active()
    assert row.recovery_wrap is not None
    key = terminal.recovery.unwrap(row.recovery_wrap, recovery_aad(session.id))
    assert key is not None
    terminal.store.drafts.save(
        draft_id=row.id,
        session_id=row.session_id,
        form_id=row.form_id,
        form_version=row.form_version,
        catalog_hash=row.catalog_hash,
        blob=aead.encrypt(key, TODAY, draft_aad(row.id, row.form_id, row.form_version)),
        recovery_wrap=row.recovery_wrap,
        now=clock.now(),
    )
    clock.advance(60)  # the process stops here, without ending the visit

    recovered = make_terminal().recover_last_session(GRANT, "de")
    assert recovered is not None and recovered.current is not None
    expected: dict[str, Any] = json.loads(TODAY)
    assert recovered.language == "ru"
    assert recovered.current.answers == expected["answers"]
    assert recovered.current.page == "benefit"
    assert recovered.current.assisted_by == {"anna.k"}
    recovered.answer("given_names", "Dmytro")  # and it goes on, saved in the new format
    recovered.flush()
    [saved] = recovered.terminal.store.drafts.active()
    plain = aead.decrypt(key, saved.blob, draft_aad(saved.id, saved.form_id, saved.form_version))
    assert json.loads(plain)["format"] == "kiosk-draft"
    assert read_draft_blob(plain).answers["given_names"] == "Dmytro"
