"""`kiosk catalog keygen | build | sign | verify` as an admin runs them, good inputs and bad."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main
from kiosk.catalog.bundle import read_manifest, split_bundle
from kiosk.crypto.keywrap import ScryptParams
from kiosk.crypto.signing import key_id, load_private_key
from kiosk.staff.records import StaffRecord, hash_pin, save_staff_list
from tests.catalog.office_keys import write_office_keys
from tests.conftest import write_catalog

KIOSK = str(Path(sys.executable).with_name("kiosk"))


def kiosk(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KIOSK, *args], capture_output=True, text=True, cwd=cwd, env=os.environ | {"NO_COLOR": "1"}
    )


def test_keygen_build_sign_verify_as_an_admin_types_them(tmp_path: Path) -> None:
    write_office_keys(write_catalog(tmp_path))
    keygen = kiosk("catalog", "keygen", "--out", "keys/admin.key", cwd=tmp_path)
    assert keygen.returncode == 0, keygen.stderr
    kid = key_id(load_private_key(tmp_path / "keys" / "admin.key").public_key())
    assert f"key id: {kid}" in keygen.stdout
    assert "keys/admin.key.pub" in keygen.stdout and "stays with you" in keygen.stderr
    assert stat.S_IMODE((tmp_path / "keys" / "admin.key").stat().st_mode) == 0o600

    build = kiosk("catalog", "build", "forms_catalog", "--out", "out/bundle.json", cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    assert "deployment test_catalog, version 1, sha256:" in build.stdout

    refused = kiosk(
        "catalog", "verify", "out/bundle.json", "--key", "keys/admin.key.pub", cwd=tmp_path
    )
    assert refused.returncode == 1 and "refused (unsigned)" in refused.stderr

    sign = kiosk("catalog", "sign", "out/bundle.json", "--key", "keys/admin.key", cwd=tmp_path)
    assert sign.returncode == 0, sign.stderr
    assert f"signed with key {kid}" in sign.stdout

    verify = kiosk(
        "catalog", "verify", "out/bundle.json", "--key", "keys/admin.key.pub", cwd=tmp_path
    )
    assert verify.returncode == 0, verify.stderr
    assert "ok: deployment test_catalog, version 1" in verify.stdout and kid in verify.stdout
    # the test catalog's English has no screen texts: kept from visitors, and said so
    assert "1 forms in 1 languages (withheld from visitors, incomplete: en " in verify.stdout
    assert verify.stdout.rstrip().endswith("no staff list")

    again = kiosk("catalog", "keygen", "--out", "keys/admin.key", cwd=tmp_path)
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert "keys/admin.key: a file of that name is already there" in again.stderr


def test_staff_list_and_deployment_go_into_the_bundle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_catalog(tmp_path)
    write_office_keys(root)  # a bundle needs every office's sealing key
    staff = tmp_path / "staff.json"
    record = StaffRecord(
        id="amira",
        name="Amira K.",
        pin_hash=hash_pin("402917", ScryptParams(n=2**10), pepper=b"d" * 32),
    )
    save_staff_list(staff, [record])
    out = tmp_path / "bundle.json"
    args = ["catalog", "build", str(root), "--out", str(out), "--staff", str(staff)]
    assert main([*args, "--deployment", "dortmund-nord"]) == 0
    assert "deployment dortmund-nord, version 1" in capsys.readouterr().out
    manifest = read_manifest(out.read_bytes())
    assert manifest.deployment == "dortmund-nord" and manifest.staff == (record,)
    assert main(["catalog", "keygen", "--out", str(tmp_path / "k")]) == 0
    assert main(["catalog", "sign", str(out), "--key", str(tmp_path / "k")]) == 0
    capsys.readouterr()
    verify = ["catalog", "verify", str(out), "--key", str(tmp_path / "k.pub")]
    assert main([*verify, "--deployment", "dortmund-nord"]) == 0
    assert "1 staff" in capsys.readouterr().out
    assert main([*verify, "--deployment", "dortmund-sued"]) == 1
    assert "refused (wrong_deployment)" in capsys.readouterr().err
    assert main([*verify, "--newer-than", "1"]) == 1
    assert "refused (not_newer)" in capsys.readouterr().err


def test_every_bad_input_is_one_line_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_catalog(tmp_path)
    write_office_keys(root)  # a bundle needs every office's sealing key
    assert main(["catalog", "keygen", "--out", str(tmp_path / "k")]) == 0
    (tmp_path / "junk.json").write_text("{ not a bundle")
    (tmp_path / "staff.json").write_text('{"staff": [{"id": "A B", "name": "x"}]}')
    bundle = tmp_path / "b.json"
    assert main(["catalog", "build", str(root), "--out", str(bundle)]) == 0
    capsys.readouterr()
    cases = [
        (
            ["catalog", "sign", str(tmp_path / "nope.json"), "--key", str(tmp_path / "k")],
            1,
            "nope.json: cannot read the bundle",
        ),
        (
            ["catalog", "sign", str(tmp_path / "junk.json"), "--key", str(tmp_path / "k")],
            1,
            "junk.json: cannot sign: not a valid catalog bundle",
        ),
        (
            ["catalog", "sign", str(bundle), "--key", str(tmp_path / "k.pub")],
            1,
            "k.pub: holds a public key",
        ),
        (
            ["catalog", "sign", str(bundle), "--key", str(tmp_path / "none")],
            1,
            "none: no such private key file",
        ),
        (
            ["catalog", "verify", str(bundle), "--key", str(tmp_path / "k")],
            1,
            "k: holds a private key",
        ),
        (
            ["catalog", "verify", str(tmp_path / "junk.json"), "--key", str(tmp_path / "k.pub")],
            1,
            "junk.json: refused (malformed)",
        ),
        (
            [
                "catalog",
                "build",
                str(root),
                "--out",
                str(bundle),
                "--staff",
                str(tmp_path / "staff.json"),
            ],
            1,
            "staff.json: staff.0",
        ),
        (
            ["catalog", "build", str(root), "--out", str(bundle), "--deployment", "Nord Stadt"],
            2,
            "'Nord Stadt' is not a deployment name",
        ),
        (
            ["catalog", "publish", str(bundle), "--server", "localhost", "--token", "ka_x"],
            2,
            "is not a server URL",
        ),
        (
            [
                "catalog",
                "publish",
                str(bundle),
                "--server",
                "http://127.0.0.1:9",
                "--token",
                "ka_x",
            ],
            1,
            "not signed yet",
        ),
        (
            [
                "catalog",
                "publish",
                str(tmp_path / "junk.json"),
                "--server",
                "http://127.0.0.1:9",
                "--token",
                "ka_x",
            ],
            1,
            "junk.json: not a valid catalog bundle",
        ),
    ]
    for argv, code, message in cases:
        assert main(argv) == code, argv
        err = capsys.readouterr().err
        assert message in err, (argv, err)
        assert len(err.strip().splitlines()) == 1, err
    assert split_bundle(bundle.read_bytes()).signatures == ()  # nothing was half written


def test_publish_without_a_server_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_catalog(tmp_path)
    write_office_keys(root)  # a bundle needs every office's sealing key
    bundle = tmp_path / "b.json"
    assert main(["catalog", "keygen", "--out", str(tmp_path / "k")]) == 0
    assert main(["catalog", "build", str(root), "--out", str(bundle)]) == 0
    assert main(["catalog", "sign", str(bundle), "--key", str(tmp_path / "k")]) == 0
    capsys.readouterr()
    monkeypatch.delenv("KIOSK_ADMIN_TOKEN", raising=False)
    assert main(["catalog", "publish", str(bundle), "--server", "http://127.0.0.1:9"]) == 2
    assert "needs an admin token" in capsys.readouterr().err
    monkeypatch.setenv("KIOSK_ADMIN_TOKEN", "ka_" + "x" * 43)
    assert main(["catalog", "publish", str(bundle), "--server", "http://127.0.0.1:9"]) == 1
    err = capsys.readouterr().err
    assert "publishing failed: cannot reach http://127.0.0.1:9" in err and "ka_" not in err
