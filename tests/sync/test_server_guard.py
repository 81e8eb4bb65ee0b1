"""Before the server reads a body: the token from the headers, a bounded number of large
uploads at once, and a limit on failed tokens per address; gzip inflated in bounded
pieces. Real servers on 127.0.0.1, SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
import socket
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from sync import protocol as p
from sync.client.transport import ServerBusyError, raise_for_status
from sync.server import inflate
from sync.server.embedded import EmbeddedServer
from sync.server.guard import FailureLimiter, bearer_token, client_key
from tests.sync.conftest import Tokens, bearer
from tests.sync.test_server_api import wire
from tests.sync.test_server_under_attack import gzip_bomb

MiB = 1024 * 1024


def head(path: str, length: int, headers: dict[str, str] | None = None) -> bytes:
    lines = [
        f"POST {p.API}{path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        f"Content-Length: {length}",
        *(f"{k}: {v}" for k, v in (headers or {}).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes, bool]:
    """Status, headers, body of one response; and whether the server closed after it."""
    data = b""
    while b"\r\n\r\n" not in data:
        more = sock.recv(65536)
        if not more:
            break
        data += more
    top, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = top.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (h.split(":", 1) for h in header_lines)}
    while len(body) < int(headers.get("content-length", "0")):
        more = sock.recv(65536)
        if not more:
            break
        body += more
    closed = sock.recv(1) == b""
    return int(status_line.split()[1]), headers, body, closed


# ------------------------------------------------------------ authentication first
@pytest.mark.parametrize(
    ("who", "status", "code"),
    [("nobody", 401, "no_token"), ("forger", 401, "unknown_token"), ("device", 403, "wrong_role")],
)
def test_a_body_is_refused_from_the_headers_before_a_byte_of_it_is_read(
    server: EmbeddedServer, tokens: Tokens, who: str, status: int, code: str
) -> None:
    """100 MiB announced to the catalog upload, not one byte sent: the answer comes at
    once, and the connection is closed instead of waiting for the body."""
    auth = {
        "nobody": {},
        "forger": bearer("ka_" + "A" * 43),
        "device": bearer(tokens.device),
    }[who]
    with socket.create_connection((server.host, server.port), timeout=5) as sock:
        sock.sendall(head("/admin/catalog", 100 * MiB, auth))
        started = time.monotonic()
        answer, headers, body, closed = read_answer(sock)
    assert time.monotonic() - started < 2
    assert answer == status and json.loads(body)["error"] == code
    assert json.loads(body)["protocol"] == p.PROTOCOL
    assert headers["connection"] == "close" and closed
    if status == 401:
        assert headers["www-authenticate"] == "Bearer"
    # a small body (a revoked terminal's heartbeat) is refused on a connection that stays
    # usable: only a large body in flight is worth closing for
    with httpx.Client(base_url=f"{server.url}{p.API}", timeout=10) as client:
        small = client.post("/heartbeat", json={"app_version": "1"}, headers=auth)
        assert small.status_code == (401 if status == 401 else 200)
        assert "connection" not in small.headers
        assert client.get("/health").status_code == 200


# ------------------------------------------------------------ large uploads at once
@pytest.fixture
def one_upload(engine: Engine) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(engine, uploads=1) as running:
        yield running


def test_large_uploads_beyond_the_slots_get_503_busy(
    one_upload: EmbeddedServer, tokens: Tokens, office_keys: Path
) -> None:
    """One slot: while a terminal trickles a large body, a second large body is 503 with
    the reason and Retry-After (a terminal waits and sends smaller batches), small
    requests go on, and the slot is free again once the first upload is gone."""
    url = f"{one_upload.url}{p.API}"
    device = bearer(tokens.device) | {"Content-Type": "application/json"}
    large = json.dumps({"items": [wire("jobcenter", office_keys)], "pad": " " * 200_000})
    with socket.create_connection((one_upload.host, one_upload.port), timeout=5) as slow:
        slow.sendall(head("/applications/batch", MiB, device) + b"{" + b" " * 100_000)
        time.sleep(0.3)  # the server has taken the slot for it
        busy = httpx.post(f"{url}/applications/batch", content=large, headers=device, timeout=10)
        assert busy.status_code == 503 and busy.json()["error"] == "busy"
        assert int(busy.headers["Retry-After"]) >= 1 and busy.json()["protocol"] == p.PROTOCOL
        assert set(busy.json()) == {"protocol", "error", "message"}  # older terminals read it
        with pytest.raises(ServerBusyError) as caught:
            raise_for_status(busy)
        assert caught.value.retry_after is not None
        small = httpx.post(f"{url}/heartbeat", json={"app_version": "1"}, headers=device)
        assert small.status_code == 200
    deadline = time.monotonic() + 5
    while True:  # the server notices the closed connection and gives the slot back
        again = httpx.post(f"{url}/applications/batch", content=large, headers=device, timeout=10)
        if again.status_code != 503 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert again.status_code == 422  # read and judged: "pad" is not a field


# ------------------------------------------------------------ failed tokens per address
@pytest.fixture
def strict(engine: Engine) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(engine, auth_failures_per_minute=5) as running:
        yield running


def test_failed_tokens_are_limited_per_address(strict: EmbeddedServer, tokens: Tokens) -> None:
    """Five failures a minute per address, then 429 with Retry-After (and no database work);
    an address that only succeeds is never limited, and others are not affected. The
    addresses come from X-Forwarded-For, which uvicorn believes from 127.0.0.1 only."""
    beat = {"app_version": "1"}

    def from_(address: str) -> dict[str, str]:
        return {"X-Forwarded-For": address}

    with httpx.Client(base_url=f"{strict.url}{p.API}", timeout=10) as client:
        for _ in range(40):  # successes cost nothing
            ok = client.post(
                "/heartbeat", json=beat, headers=bearer(tokens.device) | from_("198.51.100.7")
            )
            assert ok.status_code == 200
        ok_addr = "198.51.100.8"
        for _ in range(40):
            ok = client.post(
                "/heartbeat", json=beat, headers=bearer(tokens.device) | from_(ok_addr)
            )
            assert ok.status_code == 200

        attacker = from_("203.0.113.9")
        statuses = [
            client.post("/heartbeat", json=beat, headers=bearer("kd_" + "B" * 43) | attacker)
            for _ in range(5)
        ]
        assert [r.status_code for r in statuses] == [401] * 5
        limited = client.get("/catalog", headers=attacker)  # no token at all: limited too
        assert limited.status_code == 429 and limited.json()["error"] == "too_many_failures"
        assert 1 <= int(limited.headers["Retry-After"]) <= 12
        enrol = client.post("/enrolment", json={"token": "ke_" + "x" * 40}, headers=attacker)
        assert enrol.status_code == 429

        # the failing address did not use up anyone else's allowance
        ok = client.post("/heartbeat", json=beat, headers=bearer(tokens.device) | from_(ok_addr))
        assert ok.status_code == 200
        assert client.get("/health", headers=attacker).status_code == 200  # public stays open

        # enrolment failures count too (its token is in the body)
        other = from_("203.0.113.10")
        for _ in range(5):
            r = client.post("/enrolment", json={"token": "ke_" + "y" * 40}, headers=other)
            assert r.status_code == 401
        assert (
            client.post("/enrolment", json={"token": "ke_" + "y" * 40}, headers=other).status_code
            == 429
        )


def test_the_failure_table_refills_and_stays_bounded() -> None:
    now = [1000.0]
    limiter = FailureLimiter(6, max_addresses=100, clock=lambda: now[0])
    for _ in range(6):
        assert limiter.wait("a") == 0
        limiter.failed("a")
    assert limiter.wait("a") == pytest.approx(10.0)  # one failure back every 10 s
    now[0] += 10
    assert limiter.wait("a") == 0
    now[0] += 3600
    assert limiter.wait("a") == 0 and len(limiter) == 0  # recovered: forgotten
    for n in range(10_000):
        limiter.failed(f"10.0.{n // 256}.{n % 256}")
    assert len(limiter) == 100


def test_addresses_are_counted_per_host_and_ipv6_per_64() -> None:
    def key(host: str) -> str:
        return client_key({"client": (host, 1234)})

    assert key("192.0.2.1") == "192.0.2.1"
    assert key("::ffff:192.0.2.1") == "192.0.2.1"
    assert key("2001:db8:1:2:aaaa::1") == key("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert key("2001:db8:1:3::1") != key("2001:db8:1:2::1")
    assert client_key({"client": None}) == "unknown"
    assert bearer_token({b"authorization": b"Bearer  kd_abc "}) == "kd_abc"
    assert bearer_token({b"authorization": b"Basic xyz"}) is None


# ------------------------------------------------------------ inflating
def with_claim(packed: bytes, claim: int) -> bytes:
    """*packed* with its trailer's length field set to *claim* (a lie, unless it is true)."""
    return packed[:-4] + claim.to_bytes(4, "little")


def test_a_bomb_is_refused_by_its_claim_or_at_the_length_it_claimed() -> None:
    """An honest bomb says how large it is and is refused unread; one that lies about
    its length is stopped where its claim ends. Neither is ever held."""
    bomb = gzip_bomb(130 * MiB)
    assert inflate.claimed_size(bomb) == 130 * MiB
    tracemalloc.start()
    try:
        with pytest.raises(inflate.BodyTooLargeError):
            inflate.inflate(bomb, p.MAX_BUNDLE_BYTES)
        with pytest.raises(ValueError, match="longer than its trailer says"):
            inflate.inflate(with_claim(bomb, 1000), p.MAX_BUNDLE_BYTES)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * MiB, peak


def test_inflate_keeps_exact_bodies_and_refuses_damaged_ones() -> None:
    data = json.dumps({"items": list(range(200_000))}).encode()
    packed = gzip.compress(data)
    trailer = packed[-8:]
    assert inflate.inflate(packed, len(data)) == data
    assert inflate.inflate(gzip.compress(b""), 10) == b""
    refused: list[tuple[bytes, int, type[Exception], str | None]] = [
        (packed, len(data) - 1, inflate.BodyTooLargeError, None),
        (packed[: len(packed) // 2] + trailer, len(data), ValueError, "cut short"),
        (packed + b"trailing" + trailer, len(data), ValueError, "after its end"),
        (b"\x1f\x8b not gzip at all" + trailer, len(data), ValueError, "damaged"),
        (with_claim(packed, len(data) - 1), len(data), ValueError, "damaged|longer than"),
        (with_claim(packed, len(data) + 1), len(data) + 1, ValueError, "damaged"),
        (b"\x1f\x8b", 10, ValueError, "cut short"),
        (b"not gzip" + trailer, len(data), ValueError, "does not start as gzip"),
    ]
    for body, limit, error, message in refused:
        with pytest.raises(error, match=message):
            inflate.inflate(body, limit)
