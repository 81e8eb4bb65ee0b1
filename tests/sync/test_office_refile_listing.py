"""Refile files nothing that fetch refuses: it checks against the server's listing.

Fetch keeps the listing the server sent beside every application it quarantines
(``ID.entry.json``), and refile compares the sealed form with it as fetch does: the SHA-256
of the sealed text and everything the terminal declared. Where an older tool kept no
listing, only a reason that leaves neither in question lets refile go on offline; the rest
stay until ``--server`` reads their listing again. Applications come from a real server on
127.0.0.1 and are quarantined by a real fetch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.client.office import quarantine_paths
from sync.client.office_http import OfficeApi
from sync.client.office_quarantined import (
    OLDER_TOOL,
    checkable_without_listing,
    ids_without_listing,
    read_listings,
    uncheckable_reason,
)
from sync.client.office_refile import RefileReport, refile
from sync.server.db import applications
from sync.server.embedded import EmbeddedServer
from tests.sync.conftest import Tokens
from tests.sync.poisoned import POISONS, canonical, good, payload_of, poisoned, seal_bytes
from tests.sync.poisoned import with_plaintext as sealed_with
from tests.sync.test_office_quarantine import send
from tests.sync.test_office_refile import (
    OLD_REASON,
    fetch,
    files,
    key,
    kiosk,
    refile_command,
)
from tests.sync.test_server_api import wire

SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
DECLARED = "differs from what the terminal declared to the server"
SHA = "the sealed application does not match the SHA-256 the server listed"

#: reason given at fetch -> whether refile may check it without the server's listing
REASONS: list[tuple[str, bool]] = [
    (OLD_REASON.format(2), True),
    ("payload version 3: this office tool reads versions 1 and 2; the sealed form is kept", True),
    ("sealed for key " + "A" * 43 + ", which is not among the office keys given (B); open", True),
    ("it does not open with any of the office keys given (" + "B" * 43 + ")", True),
    ("not a sealed application (no compact JWE)", True),
    ("the seal's header is not readable", True),
    ("not sealed with RSA-OAEP-256 and A256GCM", True),
    ("it names this office's key but does not open with it (damaged or altered)", True),
    ("12000001 bytes sealed, more than the 12000000 this office tool opens", True),
    ("not JSON: Expecting value", True),
    ("the data nests deeper than 32 levels", True),
    ("the payload is a JSON list, not an object", True),
    ("not an application of payload version 2: answers: Input should be a valid dict", True),
    ("the data does not match its hash", True),  # checked after what was declared
    ("attachment office-copy does not match its hash", True),
    ("the office copy is not a PDF", True),
    ("the office tool could not check it (KeyError)", True),
    (SHA, False),
    (f"the sealed form version {DECLARED}", False),
    (f"the sealed office {DECLARED}", False),
    (f"the sealed reference {DECLARED}", False),
    ("13000000 bytes sealed, more than the 12000000 this office tool downloads; it stays", False),
    ("a reason no office tool gives", False),
    (uncheckable_reason(SHA), False),
    ("", False),
]


@pytest.mark.parametrize(("reason", "checkable"), REASONS)
def test_which_reasons_leave_nothing_but_the_seal_to_check(reason: str, checkable: bool) -> None:
    assert checkable_without_listing(reason) is checkable
    if not checkable:
        said = uncheckable_reason(reason)
        assert said.startswith(OLDER_TOOL) and "--server URL --token T" in said
        assert uncheckable_reason(said) == said  # said once, not wrapped again


def declared_otherwise(office_keys: Path, **sealed: Any) -> dict[str, Any]:
    """Declared to the server as one application, sealed as another (*sealed* members)."""
    item = wire("jobcenter", office_keys)
    public = (office_keys / "jobcenter.pub.pem").read_bytes()
    return sealed_with(item, canonical(payload_of(item | sealed)), public)


def reasons(out: Path) -> dict[str, str]:
    """Each quarantined application's reason (its id: the line after the time)."""
    return {
        path.name.removesuffix(".reason.txt"): path.read_text().split("): ", 1)[1].rstrip("\n")
        for path in (out / "quarantine").glob("*.reason.txt")
    }


def listings(out: Path) -> dict[str, dict[str, Any]]:
    return {
        path.name.removesuffix(".entry.json"): json.loads(path.read_bytes())
        for path in (out / "quarantine").glob("*.entry.json")
    }


@SQLITE
def test_nothing_fetch_refused_is_filed_with_or_without_the_listing(
    server: EmbeddedServer, engine: Engine, tokens: Tokens, office_keys: Path, tmp_path: Path
) -> None:
    token = tokens.offices["jobcenter"]
    item = wire("jobcenter", office_keys)
    declared = {  # the review's case first: the sealed form version and date are others
        "form_version": declared_otherwise(
            office_keys, form_version=item["form_version"] + 1, application_date="2020-01-01"
        ),
        "form_id": declared_otherwise(office_keys, form_id="wohngeld"),
        "application_date": declared_otherwise(office_keys, application_date="2020-01-01"),
    }
    listed_otherwise = good(office_keys)  # the server hands out another sealing of it
    poisons = {name: poisoned(name, office_keys) for name in POISONS}
    send(server.url, tokens.device, [*declared.values(), listed_otherwise, *poisons.values()])
    public = (office_keys / "jobcenter.pub.pem").read_bytes()
    resealed = seal_bytes(canonical(payload_of(listed_otherwise)), public)
    with engine.begin() as conn:
        conn.execute(
            sa.update(applications)
            .where(applications.c.id == listed_otherwise["id"])
            .values(payload=resealed)
        )
    out = tmp_path / "inbox"
    fetch(server.url, token, office_keys, out)
    assert not list(out.glob("*.json"))
    by_fetch, kept = reasons(out), listings(out)
    assert len(by_fetch) == len(kept) == 4 + len(POISONS)
    for name, sent in declared.items():
        assert by_fetch[sent["id"]] == f"the sealed {name.replace('_', ' ')} {DECLARED}"
    assert by_fetch[listed_otherwise["id"]] == SHA
    needs_listing = {i for i, reason in by_fetch.items() if not checkable_without_listing(reason)}
    assert needs_listing == {
        *(s["id"] for s in declared.values()),
        listed_otherwise["id"],
        poisons["wrong_office"]["id"],
    }

    # with the listing fetch kept: every check of fetch, so every reason of fetch
    report = refile(key(office_keys), out, "jobcenter")
    assert {r.outcome for r in report.results} == {"quarantined"}
    assert not any(r.reason_updated for r in report.results)
    assert reasons(out) == by_fetch and listings(out) == kept

    # as an older tool left them, without the listing: what needs it stays, saying so
    for application_id in by_fetch:
        (out / "quarantine" / f"{application_id}.entry.json").unlink()
    for run in range(2):
        report = refile(key(office_keys), out, "jobcenter")
        assert {r.outcome for r in report.results} == {"quarantined"}
        assert not list(out.glob("*.json"))
        now = reasons(out)
        for application_id, reason in by_fetch.items():
            wanted = uncheckable_reason(reason) if application_id in needs_listing else reason
            assert now[application_id] == wanted
        updated = {r.id for r in report.results if r.reason_updated}
        assert updated == (needs_listing if run == 0 else set())
    assert now[declared["form_version"]["id"]] == (
        f"{OLDER_TOOL}the sealed form version {DECLARED}; the server's listing of it was not "
        "kept, so this cannot be checked offline: ask the server admin, or refile with "
        "--server URL --token T"
    )

    # the server still serves each listing: read again, checked as fetch checks, kept again
    api = OfficeApi(server.url, token)
    try:
        served = read_listings(api, ids_without_listing(out), "jobcenter")
    finally:
        api.close()
    assert set(served) == set(by_fetch)
    report = refile(key(office_keys), out, "jobcenter", listings=served)
    assert {r.outcome for r in report.results} == {"quarantined"}
    assert reasons(out) == by_fetch
    assert set(listings(out)) == set(by_fetch)
    for application_id, listed in listings(out).items():
        assert listed == kept[application_id] | {"acknowledged": True}


@SQLITE
def test_the_listing_kept_is_what_refile_goes_by(
    server: EmbeddedServer, tokens: Tokens, office_keys: Path, tmp_path: Path
) -> None:
    """ID.entry.json lies on the office's own disk, beside the folder it files into: one
    who can rewrite it can write REFERENCE.json as well, so refile goes by it as it is, and
    leaves alone what is not a listing fetch wrote for that application."""
    item = wire("jobcenter", office_keys)
    sealed_as = {"form_version": item["form_version"] + 1, "application_date": "2020-01-01"}
    rewritten = declared_otherwise(office_keys, **sealed_as)
    odd = [declared_otherwise(office_keys, application_date="2020-01-01") for _ in range(4)]
    send(server.url, tokens.device, [rewritten, *odd])
    out = tmp_path / "inbox"
    fetch(server.url, tokens.offices["jobcenter"], office_keys, out)
    quarantine = out / "quarantine"

    def rewrite(application: dict[str, Any], **members: Any) -> None:
        path = quarantine / f"{application['id']}.entry.json"
        path.write_text(json.dumps(json.loads(path.read_bytes()) | members))

    rewrite(rewritten, **sealed_as)
    (quarantine / f"{odd[0]['id']}.entry.json").write_text("{not a listing")
    rewrite(odd[1], id=rewritten["id"])
    rewrite(odd[2], reference=rewritten["reference"])
    rewrite(odd[3], office="sozialamt")
    before = files(quarantine)

    report = refile(key(office_keys), out, "jobcenter")
    outcomes = {r.id: (r.outcome, r.detail) for r in report.results}
    assert outcomes[rewritten["id"]][0] == "filed"
    record = json.loads((out / f"{rewritten['reference']}.json").read_text(encoding="utf-8"))
    assert (record["form"]["version"], record["application_date"]) == (
        sealed_as["form_version"],
        "2020-01-01",
    )
    assert record["delivery"]["sealed_sha256"] == rewritten["sha256"]
    assert not any(quarantine.glob(f"{rewritten['id']}.*"))
    not_a_listing = "entry.json is not a listing of this application as the office tool writes it"
    assert outcomes[odd[0]["id"]] == ("left", f"{odd[0]['id']}.{not_a_listing}")
    assert outcomes[odd[1]["id"]] == ("left", f"{odd[1]['id']}.{not_a_listing}")
    assert outcomes[odd[2]["id"]][0] == "left"
    assert outcomes[odd[2]["id"]][1].startswith(
        f"{odd[2]['id']}.reason.txt names another reference than {odd[2]['id']}.entry.json"
    )
    assert outcomes[odd[3]["id"]] == (
        "left",
        "listed for office sozialamt, not for office jobcenter (--office); it stays as it is",
    )
    after = files(quarantine)
    for path, was in before.items():  # what is left is left as it is
        if not path.name.startswith(rewritten["id"]):
            assert after[path] == was, path


@SQLITE
def test_refile_with_server_reads_the_listings_that_were_not_kept(
    server: EmbeddedServer, engine: Engine, tokens: Tokens, office_keys: Path, tmp_path: Path
) -> None:
    token = tokens.offices["jobcenter"]
    item = wire("jobcenter", office_keys)
    reviewed = declared_otherwise(office_keys, form_version=item["form_version"] + 1)
    forgotten = declared_otherwise(office_keys, form_id="wohngeld")
    version_2 = good(office_keys)
    send(server.url, tokens.device, [reviewed, forgotten])
    out = tmp_path / "inbox"
    fetch(server.url, token, office_keys, out)
    send(server.url, tokens.device, [version_2])
    fetch(server.url, token, office_keys, tmp_path / "elsewhere")  # taken, not kept here
    sealed, because = quarantine_paths(out, version_2["id"])
    sealed.write_text(version_2["payload"])  # as the old tool kept it: no listing
    because.write_text(
        f"{version_2['reference']} (received 2026-11-21T09:30:12.345678+00:00): "
        f"{OLD_REASON.format(2)}\n"
    )
    for application in (reviewed, forgotten):
        (out / "quarantine" / f"{application['id']}.entry.json").unlink()
    with engine.begin() as conn:  # a server restored from an older backup: never received
        conn.execute(sa.delete(applications).where(applications.c.id == forgotten["id"]))
    before = files(out)

    unaccompanied = kiosk(*refile_command(office_keys, out, "--server", server.url))
    assert unaccompanied.returncode == 2
    assert unaccompanied.stderr == "--server and --token go together\n"
    refused = kiosk(*refile_command(office_keys, out, "--server", server.url, "--token", "x" * 20))
    assert refused.returncode == 2
    assert refused.stderr.startswith("the server refused the office token: HTTP 401")
    gone = kiosk(
        *refile_command(office_keys, out, "--server", "http://127.0.0.1:9", "--token", token)
    )
    assert gone.returncode == 1
    assert gone.stderr.startswith("refiling stopped: ")
    assert gone.stderr.endswith("; nothing was changed\n")
    assert files(out) == before

    done = kiosk(*refile_command(office_keys, out, "--server", server.url, "--token", token))
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.startswith(f"{version_2['reference']}: filed, ")
    said = reasons(out)
    assert said[reviewed["id"]] == f"the sealed form version {DECLARED}"
    assert (out / "quarantine" / f"{reviewed['id']}.entry.json").exists()  # kept from now on
    assert said[forgotten["id"]] == uncheckable_reason(f"the sealed form id {DECLARED}")
    assert (
        f"{forgotten['reference']}: still quarantined (reason updated): {OLDER_TOOL}" in done.stderr
    )
    assert (
        "(asked for its listing, the server said: HTTP 404: no such application for this office)"
        in done.stderr
    )
    assert not (out / "quarantine" / f"{forgotten['id']}.entry.json").exists()

    report = RefileReport()
    refile(key(office_keys), out, "jobcenter", report=report)  # offline now: as it was left
    assert {r.id: r.reason_updated for r in report.results} == {
        reviewed["id"]: False,
        forgotten["id"]: False,
    }


def test_without_a_listing_the_seal_is_checked_as_far_as_it_goes(
    office_keys: Path, tmp_path: Path
) -> None:
    """An older tool's quarantine, no server anywhere: a version-2 application set aside
    for its version is filed; one whose seal names another office than the one given is
    left, since only the listing would tell whether the terminal or ``--office`` is wrong."""
    out = tmp_path / "inbox"
    version_2 = good(office_keys)
    other_office = declared_otherwise(office_keys, office="sozialamt")
    other_reference = declared_otherwise(office_keys)
    other_reference["reference"] = wire("jobcenter", office_keys)["reference"]
    for application in (version_2, other_office, other_reference):
        sealed, because = quarantine_paths(out, application["id"])
        sealed.parent.mkdir(parents=True, exist_ok=True)
        sealed.write_text(application["payload"])
        because.write_text(
            f"{application['reference']} (received 2026-11-21T09:30:12.345678+00:00): "
            f"{OLD_REASON.format(2)}\n"
        )

    report = refile(key(office_keys), out, "jobcenter")
    outcomes = {r.id: (r.outcome, r.detail) for r in report.results}
    assert outcomes[version_2["id"]][0] == "filed"
    record = json.loads((out / f"{version_2['reference']}.json").read_text(encoding="utf-8"))
    assert record["delivery"]["sealed_sha256"] == version_2["sha256"]
    assert outcomes[other_office["id"]] == (
        "left",
        "sealed for another office than jobcenter (--office), and the server's listing of it, "
        "which would tell, was not kept: refile with --server URL --token T; it stays as it is",
    )
    # the reference in its reason line is the listing's: the one sealed must be the same
    assert outcomes[other_reference["id"]] == ("quarantined", f"the sealed reference {DECLARED}")
    assert not (out / f"{other_reference['reference']}.json").exists()


def test_the_command_says_its_exit_statuses_and_refuses_a_missing_folder(
    office_keys: Path, tmp_path: Path
) -> None:
    helped = kiosk("refile", "--help")
    assert "3  the rest filed, some applications still cannot be read" in helped.stdout
    assert "--trust-key" in helped.stdout and "--json" in helped.stdout
    assert "--server URL" in helped.stdout and "ID.entry.json" in helped.stdout
    missing = kiosk(*refile_command(office_keys, tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert missing.stderr.startswith(f"{tmp_path / 'nowhere'}: not a folder")
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = kiosk(*refile_command(office_keys, empty))
    assert nothing.returncode == 0, nothing.stderr
    assert nothing.stderr == f"0 application(s) filed in {empty} from {empty / 'quarantine'}\n"
    assert not (empty / "quarantine").exists()
