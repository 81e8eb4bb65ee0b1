"""`kiosk server serve` and TLS: HTTPS with its own certificate, and no plain HTTP beyond
loopback unless the operator insists."""

from __future__ import annotations

import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli.main import main
from sync import protocol as p
from tests.pgcluster import free_port
from tests.sync.tlscerts import make_certificate

KIOSK = [sys.executable, "-m", "cli.main"]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"), "kiosk test server")


def test_the_server_will_not_listen_beyond_loopback_without_tls(tmp_path: Path) -> None:
    serve = [*KIOSK, "server", "serve", "--db", str(tmp_path / "s.sqlite3")]
    done = subprocess.run(
        [*serve, "--host", "0.0.0.0", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "refusing to serve tokens in clear on 0.0.0.0" in done.stderr
    assert "--tls-cert" in done.stderr and "Traceback" not in done.stderr


def test_serve_options_reach_uvicorn(
    tmp_path: Path,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda _app, **kwargs: calls.append(kwargs))
    cert, key = certificate
    serve = ["server", "serve", "--db", str(tmp_path / "s.sqlite3"), "--host", "0.0.0.0"]

    assert main([*serve, "--insecure-http"]) == 0
    assert calls.pop()["ssl_certfile"] is None
    assert "WARNING: plain HTTP on 0.0.0.0" in capsys.readouterr().err

    assert main([*serve, "--tls-cert", str(cert), "--tls-key", str(key)]) == 0
    given = calls.pop()
    assert (given["ssl_certfile"], given["ssl_keyfile"]) == (str(cert), str(key))
    assert "kiosk server on https://0.0.0.0:8765" in capsys.readouterr().out

    assert main([*serve, "--tls-cert", str(cert)]) == 2
    assert "go together" in capsys.readouterr().err
    other = make_certificate(tmp_path / "other", "other")[0]
    assert main([*serve, "--tls-cert", str(other), "--tls-key", str(key)]) == 2
    assert f"cannot use {other}" in capsys.readouterr().err
    assert calls == []


def test_the_server_serves_tls_itself(tmp_path: Path, certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    port = free_port()
    command = [*KIOSK, "server", "serve", "--db", str(tmp_path / "s.sqlite3"), "--port", str(port)]
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [*command, "--tls-cert", str(cert), "--tls-key", str(key)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    health = f"https://127.0.0.1:{port}{p.API}/health"
    pinned = ssl.create_default_context(cafile=str(cert))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(health, verify=pinned, timeout=2)
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline and server.poll() is None, "did not start"
                time.sleep(0.1)
        assert answer.status_code == 200
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(health, verify=ssl.create_default_context(), timeout=5)
        with pytest.raises(httpx.HTTPError):  # no plain HTTP on the same port
            httpx.get(health.replace("https:", "http:"), timeout=5)
    finally:
        server.terminate()
        server.wait(30)
        log.close()
