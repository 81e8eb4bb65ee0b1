"""What an office tool set aside is filed once it can be read, exactly as fetch would have.

Applications come from a real server on 127.0.0.1 and land in quarantine the two ways an
office meets: an office tool from before payload version 2 set every version-2
application aside (done here as that tool did it: the sealed form as downloaded, a reason
line, the server told), and a fetch with the wrong key and ``--trust-key`` set aside
everything sealed for the office's key. ``kiosk office refile`` then files them, byte for
byte as a fetch files them today, and leaves alone what still cannot be read, what is
filed already under another record, and everything at all when its key is wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kiosk.private_files import write_private
from sync.client.office import (
    OfficeClient,
    WrongKeyError,
    quarantine_paths,
    reason_line,
)
from sync.client.office_http import MAX_SEALED_BYTES, OfficeApi
from sync.client.office_refile import refile
from sync.client.office_seal import OfficeKeys
from sync.server.db import applications
from sync.server.embedded import EmbeddedServer
from tests.sync.conftest import Tokens
from tests.sync.poisoned import canonical, good, payload_of, poisoned, with_plaintext
from tests.sync.test_office_quarantine import rows, send
from tests.sync.test_server_api import wire

KIOSK = str(Path(sys.executable).with_name("kiosk"))
SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
#: what office tools from before payload version 2 said of any other version
OLD_REASON = (
    "payload version {}: this office tool reads version 1; the sealed form is kept for a newer one"
)
TODAY_V3 = (
    "payload version 3: this office tool reads versions 1 and 2; "
    "the sealed form is kept for a newer one"
)
NOT_A_SEAL = "not a sealed application (no compact JWE)"


def key(office_keys: Path, office: str = "jobcenter") -> OfficeKeys:
    return OfficeKeys.load((office_keys / f"{office}.key.pem").read_bytes())


def version_3(office_keys: Path) -> dict[str, Any]:
    item = wire("jobcenter", office_keys)
    public = (office_keys / "jobcenter.pub.pem").read_bytes()
    return with_plaintext(item, canonical(payload_of(item) | {"payload_version": 3}), public)


def quarantine_as_the_old_tool(url: str, token: str, out: Path, versions: dict[str, int]) -> None:
    """What an office tool reading only version 1 did with each application (id: its
    payload version): download it, keep its sealed form as it came and a reason line in
    OUT/quarantine, and tell the server it is quarantined."""
    api = OfficeApi(url, token)
    try:
        for application_id, version in versions.items():
            received = api.application(application_id)
            entry = received.application
            reason = OLD_REASON.format(version)
            sealed, because = quarantine_paths(out, entry.id)
            write_private(sealed, received.payload.encode())
            write_private(because, reason_line(entry.reference, entry.received_at, reason).encode())
            assert api.acknowledge([], quarantined=[(entry.id, reason)]).acknowledged == [entry.id]
    finally:
        api.close()


def fetch(
    url: str, token: str, office_keys: Path, out: Path, *, key_of: str = "jobcenter", **options: Any
) -> None:
    """Today's fetch, with the key of office *key_of*."""
    client = OfficeClient(url, token)
    try:
        client.fetch(key(office_keys, key_of), out, **options)
    finally:
        client.close()


def files(folder: Path) -> dict[Path, tuple[bytes, int]]:
    """Every file under *folder*: its bytes and when it was last written."""
    return {
        f: (f.read_bytes(), f.stat().st_mtime_ns) for f in sorted(folder.rglob("*")) if f.is_file()
    }


def server_state(engine: Engine) -> dict[str, tuple[Any, Any]]:
    return {i: (r.acknowledged_at, r.quarantine_reason) for i, r in rows(engine).items()}


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KIOSK, "office", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=300,
        check=False,
    )


def refile_command(
    office_keys: Path, out: Path, *more: str, key_of: str = "jobcenter"
) -> list[str]:
    """``kiosk office refile`` for the jobcenter's folder, with the key of office *key_of*."""
    key_file = office_keys / f"{key_of}.key.pem"
    return ["refile", "--office", "jobcenter", "--key", str(key_file), "--out", str(out), *more]


@SQLITE
def test_an_updated_tool_files_what_the_old_one_set_aside_as_fetch_would_have(
    server: EmbeddedServer, engine: Engine, tokens: Tokens, office_keys: Path, tmp_path: Path
) -> None:
    token = tokens.offices["jobcenter"]
    goods = [good(office_keys) for _ in range(3)]
    newer = version_3(office_keys)
    broken = {"wrong_office": poisoned("wrong_office", office_keys)}
    broken["deep"] = poisoned("deep", office_keys)
    send(server.url, tokens.device, [*goods, newer])
    send(server.url, tokens.device, list(broken.values()))

    out = tmp_path / "inbox"
    versions = {g["id"]: 2 for g in goods} | {newer["id"]: 3}
    quarantine_as_the_old_tool(server.url, token, out, versions)
    quarantine = out / "quarantine"
    assert not list(quarantine.glob("*.entry.json"))  # the old tool kept no listing
    fetch(server.url, token, office_keys, out)  # today's tool: it sets the broken ones aside
    assert {p.name.split(".")[0] for p in quarantine.glob("*.entry.json")} == {
        b["id"] for b in broken.values()
    }
    assert not list(out.glob("*.json"))
    assert len(list(quarantine.glob("*.sealed"))) == 6
    before, told = files(out), server_state(engine)

    # another office's key: every reason would read "sealed for key ..." now; none is touched
    refused = kiosk(*refile_command(office_keys, out, key_of="sozialamt"))
    assert refused.returncode == 2, refused.stderr
    assert "; nothing was changed" in refused.stderr and refused.stdout == ""
    assert files(out) == before

    done = kiosk(*refile_command(office_keys, out))
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    for item in goods:
        filed = out / f"{item['reference']}.json"
        assert f"{item['reference']}: filed, {filed}  {out / item['reference']}.pdf" in done.stdout
        assert filed.stat().st_mode & 0o777 == 0o600
        assert not any(quarantine.glob(f"{item['id']}.*"))
    assert len(done.stdout.splitlines()) == 3
    assert f"{newer['reference']}: still quarantined (reason updated): {TODAY_V3}" in done.stderr
    assert f"{broken['deep']['reference']}: still quarantined: the data nests deeper" in done.stderr
    assert (
        f"{broken['wrong_office']['reference']}: still quarantined: the sealed office differs"
        in done.stderr
    )
    assert done.stderr.splitlines()[-1] == (
        f"3 application(s) filed in {out} from {quarantine}; "
        "3 still cannot be read and stay quarantined"
    )
    # the reason of the version-3 one is today's, the rest of its line as fetch wrote it
    _sealed, because = quarantine_paths(out, newer["id"])
    old_line = before[because][0].decode()
    assert because.read_text() == old_line.split(": payload version")[0] + f": {TODAY_V3}\n"
    after = files(out)
    for item in broken.values():
        for path in quarantine_paths(out, item["id"]):
            assert after[path] == before[path]  # not even written again
    assert server_state(engine) == told  # the server hears nothing

    # what fetch files today, from the same applications on the same server: the same bytes
    with engine.begin() as conn:
        conn.execute(
            sa.update(applications)
            .where(applications.c.id.in_([g["id"] for g in goods]))
            .values(acknowledged_at=None, quarantine_reason=None)
        )
    fetch(server.url, token, office_keys, tmp_path / "today")
    for item in goods:
        for kind in ("json", "pdf"):
            name = f"{item['reference']}.{kind}"
            assert (out / name).read_bytes() == (tmp_path / "today" / name).read_bytes(), name

    # again: nothing to do, nothing touched; the report as JSON
    again = kiosk(*refile_command(office_keys, out, "--json"))
    assert again.returncode == 3, again.stderr
    assert again.stderr == ""
    said = json.loads(again.stdout)
    assert (said["filed"], said["already_filed"], said["quarantined"], said["left"]) == (0, 0, 3, 0)
    assert said["stopped"] is None
    assert {a["reference"] for a in said["applications"]} == {
        newer["reference"],
        *(b["reference"] for b in broken.values()),
    }
    assert not any(a["reason_updated"] for a in said["applications"])
    assert files(out) == after


@SQLITE
def test_what_a_wrong_key_set_aside_is_filed_with_the_right_one_and_never_with_the_wrong(
    server: EmbeddedServer, engine: Engine, tokens: Tokens, office_keys: Path, tmp_path: Path
) -> None:
    token = tokens.offices["jobcenter"]
    goods = [good(office_keys) for _ in range(2)]
    send(server.url, tokens.device, goods)
    out = tmp_path / "inbox"
    fetch(server.url, token, office_keys, out, key_of="sozialamt", trust_key=True)
    assert len(list((out / "quarantine").glob("*.sealed"))) == 2
    before, told = files(out), server_state(engine)

    with pytest.raises(WrongKeyError) as caught:
        refile(key(office_keys, "sozialamt"), out, "jobcenter")
    message = str(caught.value)
    assert message.startswith(
        "this key is not the key of office jobcenter: the quarantined applications are "
        "sealed for key "
    )
    assert message.endswith("; nothing was changed") and "\n" not in message
    refused = kiosk(*refile_command(office_keys, out, key_of="sozialamt"))
    assert refused.returncode == 2
    assert refused.stderr == message + "\n" and refused.stdout == ""
    assert files(out) == before

    report = refile(key(office_keys), out, "jobcenter")
    assert sorted(r.reference or "" for r in report.results) == sorted(
        g["reference"] for g in goods
    )
    assert {r.outcome for r in report.results} == {"filed"}
    assert not list((out / "quarantine").iterdir())
    api = OfficeApi(server.url, token)
    try:
        assert api.new_applications() == []  # acknowledged as quarantined, and so it stays
    finally:
        api.close()
    for item in goods:
        record = json.loads((out / f"{item['reference']}.json").read_text(encoding="utf-8"))
        assert (record["id"], record["reference"]) == (item["id"], item["reference"])
        assert record["delivery"]["sealed_sha256"] == item["sha256"]
        assert server_state(engine)[item["id"]][1].startswith("sealed for key ")
    assert server_state(engine) == told
    assert refile(key(office_keys), out, "jobcenter").results == []  # twice: harmless


@SQLITE
def test_an_application_filed_already_is_not_filed_twice(
    server: EmbeddedServer, engine: Engine, tokens: Tokens, office_keys: Path, tmp_path: Path
) -> None:
    token = tokens.offices["jobcenter"]
    same, redelivered, taken = (good(office_keys) for _ in range(3))
    send(server.url, tokens.device, [same, redelivered, taken])
    api = OfficeApi(server.url, token)
    try:  # downloaded as the old tool did, before today's fetch files them
        downloaded = {i["id"]: api.application(i["id"]) for i in (same, redelivered, taken)}
    finally:
        api.close()
    out = tmp_path / "inbox"
    fetch(server.url, token, office_keys, out)
    pdf = (out / f"{same['reference']}.pdf").read_bytes()
    (out / f"{same['reference']}.pdf").unlink()
    other = {"id": str(uuid.uuid4()), "reference": taken["reference"]}
    (out / f"{taken['reference']}.json").write_text(json.dumps(other))
    for item in (same, redelivered, taken):
        entry = downloaded[item["id"]].application
        received = entry.received_at
        if item is redelivered:  # listed again later, after a server was restored
            received += dt.timedelta(hours=1)
        sealed, because = quarantine_paths(out, item["id"])
        write_private(sealed, downloaded[item["id"]].payload.encode())
        write_private(
            because, reason_line(item["reference"], received, OLD_REASON.format(2)).encode()
        )
    filed_before = (out / f"{same['reference']}.json").stat().st_mtime_ns

    for run in range(2):
        report = refile(key(office_keys), out, "jobcenter")
        outcomes = {r.reference: (r.outcome, r.detail) for r in report.results}
        if run == 0:
            assert outcomes[same["reference"]] == (
                "already_filed",
                f"{out / same['reference']}.json holds the same record; removed from quarantine",
            )
        else:
            assert same["reference"] not in outcomes
        quarantined = {p.name for p in (out / "quarantine").iterdir()}
        assert quarantined == {
            f"{i['id']}.{kind}" for i in (redelivered, taken) for kind in ("sealed", "reason.txt")
        }
        assert outcomes[redelivered["reference"]][0] == "left"
        assert "holds this application with another record" in outcomes[redelivered["reference"]][1]
        assert outcomes[taken["reference"]] == (
            "left",
            f"{out / taken['reference']}.json already holds another application; "
            "move it away first",
        )
        assert json.loads((out / f"{taken['reference']}.json").read_text()) == other
    assert (out / f"{same['reference']}.json").stat().st_mtime_ns == filed_before
    assert (out / f"{same['reference']}.pdf").read_bytes() == pdf  # put back, as fetch wrote it


def test_odd_files_in_a_large_quarantine_are_left_as_they_are_within_bounded_memory(
    office_keys: Path, tmp_path: Path
) -> None:
    out = tmp_path / "inbox"
    quarantine = out / "quarantine"
    quarantine.mkdir(parents=True)
    received = dt.datetime(2026, 11, 21, 9, 30, 12, 345678, tzinfo=dt.UTC)

    def place(
        sealed: bytes | None, reason: str = NOT_A_SEAL, as_: dict[str, Any] | None = None
    ) -> str:
        """Quarantined as the office tool does it: ``ID.sealed`` and its reason line."""
        application_id = as_["id"] if as_ else str(uuid.uuid4())
        reference = as_["reference"] if as_ else "MD-7K3Q-9XPF-8"
        path, because = quarantine_paths(out, application_id)
        if sealed is not None:
            path.write_bytes(sealed)
        because.write_text(reason_line(reference, received, reason))
        return application_id

    junk = [place(b"not a seal " + os.urandom(8).hex().encode()) for _ in range(2000)]
    huge = place(b"")
    os.truncate(quarantine_paths(out, huge)[0], 3_000_000_000)  # sparse: no disk, no memory
    pipe, link, folder, unexplained, garbled, long_reason = (place(None) for _ in range(6))
    os.mkfifo(quarantine_paths(out, pipe)[0])
    quarantine_paths(out, link)[0].symlink_to("/dev/zero")
    quarantine_paths(out, folder)[0].mkdir()
    quarantine_paths(out, unexplained)[0].write_text("x")
    quarantine_paths(out, unexplained)[1].unlink()
    quarantine_paths(out, garbled)[0].write_text("x")
    quarantine_paths(out, garbled)[1].write_text("someone wrote here\n")
    quarantine_paths(out, long_reason)[0].write_text("x")
    os.truncate(quarantine_paths(out, long_reason)[1], 1_000_000_000)
    (quarantine / "notes.sealed").write_text("x")
    proper = good(office_keys)
    proper_id = place(proper["payload"].encode(), OLD_REASON.format(2), proper)
    before = {p: p.lstat().st_mtime_ns for p in quarantine.iterdir()}

    tracemalloc.start()
    try:
        report = refile(key(office_keys), out, "jobcenter")
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024
    by_id = {r.id: r for r in report.results}
    assert len(report.results) == 2000 + 1 + 6 + 1 + 1
    assert by_id[proper_id].outcome == "filed"
    assert all((by_id[i].outcome, by_id[i].detail) == ("quarantined", NOT_A_SEAL) for i in junk)
    assert not any(by_id[i].reason_updated for i in junk)
    assert (by_id[huge].outcome, by_id[huge].detail) == (
        "quarantined",
        f"3000000000 bytes sealed, more than the {MAX_SEALED_BYTES} this office tool opens",
    )
    assert by_id[huge].reason_updated
    left = {
        pipe: f"{pipe}.sealed is not a plain file",
        link: f"{link}.sealed is a link, not a file the office tool wrote",
        folder: f"{folder}.sealed is not a plain file",
        unexplained: f"no {unexplained}.reason.txt beside it: ",
        garbled: f"{garbled}.reason.txt does not say which reference it is",
        long_reason: f"{long_reason}.reason.txt does not say which reference it is",
        "notes": "not named as the office tool names what it quarantines (ID.sealed)",
    }
    for application_id, detail in left.items():
        assert by_id[application_id].outcome == "left"
        assert by_id[application_id].detail.startswith(detail), by_id[application_id].detail
    assert not any(quarantine.glob(f"{proper_id}.*"))
    assert (out / f"{proper['reference']}.json").exists()
    changed = {quarantine_paths(out, huge)[1], *quarantine_paths(out, proper_id)}
    for path, written in before.items():
        if path not in changed:
            assert path.lstat().st_mtime_ns == written, path

    done = kiosk(*refile_command(office_keys, out))
    assert done.returncode == 1, done.stderr  # some need a person: as fetch, status 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].endswith(
        "2001 still cannot be read and stay quarantined; 7 need a look (see above) and "
        "stay as they are"
    )
