"""A small HTTP-aware TCP proxy that makes the network of a public building.

It sits between the terminal and a real server on 127.0.0.1 and, request by
request, does what a bad network, a load balancer or a captive portal does:
drops the connection before the request reaches the server or after the
server has answered, delays, answers 5xx/429 itself (with and without
``Retry-After``), refuses the body with its own HTML 413, answers 200 with an
HTML login page or with JSON of its own,
or kills the server mid-request and starts it again.

One request per connection: the proxy asks the server for ``Connection:
close`` and closes the client's connection after each answer, so a fault
always hits exactly one request.
"""

from __future__ import annotations

import contextlib
import email.utils
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable

FAULTS = (
    "pass",
    "drop_before",
    "drop_after",
    "delay",
    "500",
    "502",
    "503_retry_after",
    "429_retry_after",
    "429_retry_after_date",
    "503",
    "html_200",
    "json_200",
    "html_413",
    "restart",
)

PORTAL = (
    b"<!DOCTYPE html><html><head><title>WLAN Stadt Dortmund</title></head>"
    b"<body><form>Bitte akzeptieren Sie die Nutzungsbedingungen.</form></body></html>"
)


def _response(status: str, body: bytes, kind: bytes, extra: bytes = b"") -> bytes:
    return (
        b"HTTP/1.1 " + status.encode() + b"\r\nContent-Type: " + kind + b"\r\n"
        b"Content-Length: "
        + str(len(body)).encode()
        + b"\r\n"
        + extra
        + b"Connection: close\r\n\r\n"
        + body
    )


def canned(fault: str) -> bytes:
    soon = email.utils.formatdate(time.time() + 1, usegmt=True).encode()
    return {
        "500": _response("500 Internal Server Error", b"Internal Server Error", b"text/plain"),
        "502": _response("502 Bad Gateway", b"<html><h1>502 Bad Gateway</h1></html>", b"text/html"),
        "503": _response("503 Service Unavailable", b"busy", b"text/plain"),
        "503_retry_after": _response(
            "503 Service Unavailable", b"busy", b"text/plain", b"Retry-After: 1\r\n"
        ),
        "429_retry_after": _response(
            "429 Too Many Requests", b"{}", b"application/json", b"Retry-After: 1\r\n"
        ),
        "429_retry_after_date": _response(
            "429 Too Many Requests", b"slow down", b"text/plain", b"Retry-After: " + soon + b"\r\n"
        ),
        "html_200": _response("200 OK", PORTAL, b"text/html; charset=utf-8"),
        "json_200": _response("200 OK", b'{"status": "ok", "login": true}', b"application/json"),
        # a reverse proxy's own limit (nginx: client_max_body_size), not the kiosk server's
        "html_413": _response(
            "413 Request Entity Too Large",
            b"<html><center><h1>413 Request Entity Too Large</h1></center></html>",
            b"text/html",
        ),
    }[fault]


def read_request(conn: socket.socket) -> bytes | None:
    """One whole request (head and Content-Length body), or None at end of stream."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    lines = head.split(b"\r\n")
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    kept = [ln for ln in lines if not ln.lower().startswith(b"connection:")]
    return b"\r\n".join(kept) + b"\r\nConnection: close\r\n\r\n" + body


def forward(request: bytes, port: int, *, after_send: Callable[[], None] | None = None) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as upstream:
        upstream.sendall(request)
        if after_send is not None:
            after_send()
        chunks = []
        while True:
            try:
                chunk = upstream.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


class FaultProxy:
    """Listens on 127.0.0.1; ``choose`` picks a fault for each request."""

    def __init__(
        self,
        upstream_port: Callable[[], int],
        choose: Callable[[bytes], str],
        *,
        restart: Callable[[], None] | None = None,
        seed: int = 0,
    ) -> None:
        self.upstream_port = upstream_port
        self.choose = choose
        self.restart = restart
        self.rng = random.Random(seed)
        self.seen: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._closed = True
        self._sock.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                request = read_request(conn)
            except OSError:
                return
            if request is None:
                return
            with self._lock:  # faults that restart the server must not overlap
                fault = self.choose(request.split(b"\r\n", 1)[0])
                self.seen[fault] += 1
                self._apply(fault, request, conn)

    def _crash(self) -> None:
        """Kill the server a moment after the request reached it: before or after commit."""
        time.sleep(self.rng.uniform(0, 0.05))
        assert self.restart is not None
        self.restart()

    def _apply(self, fault: str, request: bytes, conn: socket.socket) -> None:
        try:
            if fault == "drop_before":
                return
            if fault == "delay":
                time.sleep(self.rng.uniform(0.05, 0.4))
                fault = "pass"
            if fault == "pass":
                conn.sendall(forward(request, self.upstream_port()))
            elif fault == "drop_after":
                forward(
                    request, self.upstream_port()
                )  # the server did the work; the answer is lost
            elif fault == "restart":
                with contextlib.suppress(OSError):
                    forward(request, self.upstream_port(), after_send=self._crash)
            else:
                conn.sendall(canned(fault))
        except OSError:
            pass
