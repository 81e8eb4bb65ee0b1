"""Whatever answers at the server's address, the office tool reads a bounded number of bytes.

A small HTTP server on 127.0.0.1 that misbehaves on purpose: an endless reply, a
reply that announces ten gigabytes, a compressed bomb, an application larger than
the listing said. Each is refused with a clear error while memory stays small.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sync import protocol as p
from sync.client.office import OfficeClient
from sync.client.office_http import LIST_REPLY_BYTES, ReplyTooLargeError
from sync.client.transport import ProtocolError
from tests.sync.faultproxy import read_request

KIOSK = str(Path(sys.executable).with_name("kiosk"))
TOKEN = "ko_" + "t" * 43
Respond = Callable[[bytes, socket.socket], None]


class Misbehaving:
    """Answers each request with what *respond* writes; counts the bytes it sent."""

    def __init__(self, respond: Respond) -> None:
        self.respond = respond
        self.sent = 0
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                while (request := read_request(conn)) is not None:
                    self.respond(request.split(b"\r\n", 1)[0], conn)
            except OSError:
                pass  # the client hung up: what it is meant to do

    def send(self, conn: socket.socket, data: bytes) -> None:
        conn.sendall(data)
        self.sent += len(data)

    def close(self) -> None:
        self._sock.close()


@pytest.fixture
def misbehaving() -> Iterator[Callable[[Respond], Misbehaving]]:
    made: list[Misbehaving] = []

    def make(respond: Respond) -> Misbehaving:
        made.append(Misbehaving(respond))
        return made[-1]

    yield make
    for server in made:
        server.close()


def head(status: str = "200 OK", **fields: str) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Content-Type: application/json"]
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in fields.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def bounded(action: Callable[[], object]) -> tuple[BaseException, int, float]:
    """The error *action* raises, the peak of Python's memory meanwhile, and the time."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        action()
    except BaseException as exc:  # handed back to the test
        error = exc
    else:
        raise AssertionError("no error")
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return error, peak, time.monotonic() - started


def test_an_endless_reply_is_cut_off_at_the_cap(
    misbehaving: Callable[[Respond], Misbehaving],
) -> None:
    def endless(_line: bytes, conn: socket.socket) -> None:
        server.send(conn, head(Transfer_Encoding="chunked"))
        chunk = b"10000\r\n" + b" " * 0x10000 + b"\r\n"
        while server.sent < 512 * 1024 * 1024:
            server.send(conn, chunk)

    server = misbehaving(endless)
    client = OfficeClient(server.url, TOKEN)
    try:
        error, peak, seconds = bounded(client.new_applications)
    finally:
        client.close()
    assert isinstance(error, ReplyTooLargeError)
    assert f"larger than {LIST_REPLY_BYTES} bytes" in str(error)
    assert peak < 4 * LIST_REPLY_BYTES and seconds < 10
    assert server.sent < 64 * 1024 * 1024  # it stopped reading, and the sender noticed


def test_an_announced_giant_is_refused_before_a_byte_of_it(
    misbehaving: Callable[[Respond], Misbehaving],
) -> None:
    def giant(_line: bytes, conn: socket.socket) -> None:
        server.send(conn, head(Content_Length=str(10 * 1024**3)))
        time.sleep(5)

    server = misbehaving(giant)
    client = OfficeClient(server.url, TOKEN)
    try:
        error, _peak, seconds = bounded(client.new_applications)
    finally:
        client.close()
    assert isinstance(error, ReplyTooLargeError) and "10737418240 bytes" in str(error)
    assert seconds < 2


def test_a_compressed_bomb_is_not_unpacked(misbehaving: Callable[[Respond], Misbehaving]) -> None:
    bomb = gzip.compress(b"0" * (200 * 1024 * 1024), compresslevel=9)

    def compressed(_line: bytes, conn: socket.socket) -> None:
        server.send(conn, head(Content_Encoding="gzip", Content_Length=str(len(bomb))) + bomb)

    server = misbehaving(compressed)
    client = OfficeClient(server.url, TOKEN)
    try:
        error, peak, _seconds = bounded(client.new_applications)
    finally:
        client.close()
    assert isinstance(error, ProtocolError) and "compressed" in str(error)
    assert peak < 16 * 1024 * 1024


def listing(size: int) -> tuple[str, bytes]:
    application_id = str(uuid.uuid4())
    entry = {
        "id": application_id,
        "reference": "MD-7K3Q-9XPF-H",
        "form_id": "buergergeld",
        "form_version": 1,
        "office": "jobcenter",
        "application_date": "2026-11-21",
        "sha256": "0" * 64,
        "size": size,
        "received_at": "2026-11-21T10:00:00Z",
        "acknowledged": False,
    }
    return application_id, json.dumps({"protocol": p.PROTOCOL, "applications": [entry]}).encode()


def test_an_application_larger_than_listed_stops_the_fetch_in_one_line(
    misbehaving: Callable[[Respond], Misbehaving], office_keys: Path, tmp_path: Path
) -> None:
    application_id, page = listing(1000)
    body = b'{"protocol": "kiosk-sync/1", "payload": "' + b"A" * 50_000_000 + b'"}'
    replies = {  # made before memory is counted: the server's bytes are not the client's
        True: head(Content_Length=str(len(body))) + body,
        False: head(Content_Length=str(len(page))) + page,
    }
    del body

    def lying(line: bytes, conn: socket.socket) -> None:
        # 1000 bytes listed, 50 MB sent
        server.send(conn, replies[application_id.encode() in line])

    server = misbehaving(lying)
    key = office_keys / "jobcenter.key.pem"
    client = OfficeClient(server.url, TOKEN)
    try:
        error, peak, _seconds = bounded(lambda: client.fetch(key.read_bytes(), tmp_path / "in"))
    finally:
        client.close()
    assert isinstance(error, ReplyTooLargeError) and "application" in str(error)
    assert peak < 16 * 1024 * 1024

    command = [
        KIOSK, "office", "fetch", "--server", server.url, "--office", "jobcenter",
        "--token", TOKEN, "--key", str(key), "--out", str(tmp_path / "cli"),
    ]  # fmt: skip
    result = subprocess.run(
        command, capture_output=True, text=True, env=dict(os.environ), timeout=120, check=False
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith("fetching stopped: the server's application is 50000043 bytes")
