"""HTTP to the central server, and the judgement of what came back.

A response counts only if it has the protocol's shape: JSON, with
``"protocol": "kiosk-sync/1"``, validating against the expected model. A
captive portal's 200 (HTML, or JSON of its own) is a :class:`ProtocolError`,
which the sync loop treats like a network failure: wait and try again.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import socket
import zlib
from pathlib import Path
from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from kiosk import __version__
from sync import protocol as p
from sync.client import tls

USER_AGENT = f"migrado-kiosk/{__version__}"
M = TypeVar("M", bound=BaseModel)


class SyncError(Exception):
    """Sending did not work; ``retry_after`` is the server's wish in seconds, if it said."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class TransientError(SyncError):
    """Network down, timeout, 5xx, 429: try again later."""


class ProtocolError(TransientError):
    """Something answered, but not the kiosk server (captive portal, proxy page)."""


class ServerBusyError(TransientError):
    """The kiosk server said 503 (its disk, its database, too many uploads): wait, and
    send smaller batches, so that a little room lets something through."""


class AuthRefusedError(SyncError):
    """401/403: the terminal is not (or no longer) enrolled; staff must act."""


class BatchRefusedError(SyncError):
    """The server refused the batch as a whole (too large, invalid): split it."""


def read_reply(response: httpx.Response, model: type[M]) -> M:
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise ProtocolError(
            f"HTTP {response.status_code} with {kind or 'no content type'} instead of the "
            "kiosk protocol (a login page of the network?)"
        )
    try:
        return model.model_validate_json(response.content)
    except ValidationError:
        raise ProtocolError(
            f"HTTP {response.status_code} with JSON that is not the kiosk protocol"
        ) from None


def retry_after(response: httpx.Response, *, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    current = now if now is not None else dt.datetime.now(dt.UTC).timestamp()
    return max(0.0, when.timestamp() - current)


def raise_for_status(response: httpx.Response) -> None:
    """Turn a non-2xx answer into the error the sync loop acts on.

    A 4xx refuses the batch itself only when the kiosk server says so in its own
    error shape; the same status from a proxy in front (nginx's HTML 413 for a
    body over its limit, say) is a problem of the way there, to wait out, not a
    reason to give up on applications.
    """
    status = response.status_code
    if 200 <= status < 300:
        return
    wait = retry_after(response)
    try:
        text, ours = f"HTTP {status}: {read_reply(response, p.ErrorReply).message}", True
    except ProtocolError as exc:
        text, ours = f"HTTP {status}: {exc.message}", False
    if status in (401, 403):
        raise AuthRefusedError(text)
    if ours and status in (400, 413, 415, 422):
        raise BatchRefusedError(text)
    if ours and status == 503:
        raise ServerBusyError(text, retry_after=wait)
    raise TransientError(text, retry_after=wait)


def _read_capped(response: httpx.Response, limit: int) -> bytes:
    """The body, or :class:`ProtocolError` past *limit*: whatever answers, it cannot make
    a terminal hold more than the largest bundle a server accepts."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise ProtocolError(f"the catalog download is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def gzip_huffman(data: bytes) -> bytes:
    """gzip with Huffman coding only: sealed payloads are base64 of ciphertext, with no
    repeats for LZ77 to find but only 64 symbols per byte; this gets the same ~25 %
    as full deflate at a third of the CPU time on the terminal."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS, 8, zlib.Z_HUFFMAN_ONLY)
    return packer.compress(data) + packer.flush()


def encode_batch(items: list[p.ApplicationIn], *, compress: bool = False) -> bytes:
    """The body of a batch request: JSON, gzipped when *compress* (see
    :class:`DeviceTransport`)."""
    # exclude_none: an item without a status key goes as servers before statuses read it
    body = p.BatchRequest.model_construct(items=items).model_dump_json(exclude_none=True)
    return gzip_huffman(body.encode()) if compress else body.encode()


def http_transport(ca_file: Path | None = None) -> httpx.HTTPTransport:
    """TCP_NODELAY: httpx writes a request's head and body separately, and with Nagle's
    algorithm the body then waits for the server's delayed ACK, 40 ms per request.
    Certificates are checked as :func:`sync.client.tls.verify_for` says (a transport
    given to httpx ignores the client's own ``verify=``, so it is set here)."""
    return httpx.HTTPTransport(
        verify=tls.verify_for(ca_file),
        socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
    )


def http_client(
    server: str,
    *,
    timeout: float,
    headers: dict[str, str] | None = None,
    ca_file: Path | None = None,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """The one way the kiosk's clients get an HTTP client: *server* checked (no token in
    clear beyond this machine, :class:`~sync.client.tls.TLSSettingsError` before any
    connection), certificates verified against the system or the pinned *ca_file*."""
    base = tls.check_server_url(server)
    return httpx.Client(
        base_url=base,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
        transport=transport or http_transport(ca_file),
        trust_env=False,  # no proxy or CA bundle slipped in from the environment
    )


def unreachable(server: str, exc: httpx.HTTPError) -> str:
    """What went wrong on the way, a refused certificate said as such."""
    return tls.describe_tls_failure(exc, server) or (
        f"cannot reach {server}: {type(exc).__name__}: {exc}"
    )


class ApiClient:
    """One keep-alive HTTP client with a bearer token; failures become :class:`SyncError`.

    A URL that would carry the token in clear, or a *ca_file* that cannot be used, raises
    :class:`~sync.client.tls.TLSSettingsError` here, before anything is sent.
    """

    def __init__(
        self,
        server: str,
        token: str,
        *,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        ca_file: Path | None = None,
    ) -> None:
        self.server = tls.check_server_url(server)
        self._client = http_client(
            self.server,
            timeout=timeout,
            headers={"Authorization": f"Bearer {token}"},
            ca_file=ca_file,
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def _send(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        try:
            return self._client.request(method, f"{p.API}{path}", **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            raise TransientError(unreachable(self.server, exc)) from None

    def _request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        response = self._send(method, path, **kwargs)
        raise_for_status(response)
        return response


class DeviceTransport(ApiClient):
    """A terminal's requests: limits, batches, heartbeats.

    Batches go uncompressed unless *compress*: a sealed application is base64 of
    ciphertext, which gzip shrinks by only a quarter (the base64 overhead) at a CPU cost
    on both ends larger than everything else the upload does (measured by
    ``bench/sync.py``: deflating and inflating cost 28 µs per application of 4 KB, the
    server's whole ingest without them about 40). That quarter matters on a slow or
    metered link (a terminal on a mobile modem), not on a city network.
    """

    def __init__(
        self,
        server: str,
        token: str,
        *,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        ca_file: Path | None = None,
        compress: bool = False,
    ) -> None:
        super().__init__(server, token, timeout=timeout, transport=transport, ca_file=ca_file)
        self.compress = compress

    def info(self) -> p.Info:
        return read_reply(self._request("GET", "/info"), p.Info)

    def encode_batch(self, items: list[p.ApplicationIn]) -> bytes:
        """The body :meth:`post_batch` sends, made apart so that the next one can be made
        while this one is on the way."""
        return encode_batch(items, compress=self.compress)

    def send_batch(self, items: list[p.ApplicationIn]) -> p.BatchReply:
        return self.post_batch(self.encode_batch(items))

    def post_batch(self, body: bytes) -> p.BatchReply:
        """Send a batch made by :meth:`encode_batch`."""
        headers = {"Content-Type": "application/json"}
        if self.compress:
            headers["Content-Encoding"] = "gzip"
        response = self._request("POST", "/applications/batch", content=body, headers=headers)
        return read_reply(response, p.BatchReply)

    def fetch_catalog(self, etag: str | None) -> tuple[str, bytes] | None:
        """The published bundle and its ETag; None when it is the one we have (304) or
        nothing is published yet. The bundle is checked by its signature, not here."""
        headers = {"If-None-Match": f'"{etag}"'} if etag else {}
        try:
            with self._client.stream("GET", f"{p.API}/catalog", headers=headers) as response:
                if response.status_code == 304:
                    return None
                body = _read_capped(response, p.MAX_BUNDLE_BYTES)
        except httpx.HTTPError as exc:
            message = tls.describe_tls_failure(exc, self.server)
            raise TransientError(
                message or f"cannot reach {self.server}: {type(exc).__name__}"
            ) from None
        answer = httpx.Response(response.status_code, headers=response.headers, content=body)
        if answer.status_code == 404:
            try:
                if read_reply(answer, p.ErrorReply).error == "no_catalog":
                    return None
            except ProtocolError:
                pass
        raise_for_status(answer)
        return answer.headers.get("etag", "").strip('"'), body

    def heartbeat(self, beat: p.Heartbeat) -> p.HeartbeatReply:
        response = self._request(
            "POST",
            "/heartbeat",
            content=beat.model_dump_json().encode(),
            headers={"Content-Type": "application/json"},
        )
        return read_reply(response, p.HeartbeatReply)

    def status_page(self, after: int, limit: int) -> httpx.Response | None:
        """One page of the status feed as it came (read by ``status_feed``), or None when
        the server has no feed: a server from before statuses answers 404 ``not_found``."""
        response = self._send("GET", "/status", params={"after": after, "limit": limit})
        if response.status_code == 404:
            try:
                if read_reply(response, p.ErrorReply).error == "not_found":
                    return None
            except ProtocolError:
                pass  # not the kiosk server's 404: raise_for_status says what it was
        raise_for_status(response)
        return response

    def delivery(self, ids: list[str]) -> p.DeliveryReply:
        """Where the server says these confirmed applications of this terminal stand."""
        response = self._request(
            "POST",
            "/applications/delivery",
            content=p.DeliveryQuery(ids=ids).model_dump_json().encode(),
            headers={"Content-Type": "application/json"},
        )
        return read_reply(response, p.DeliveryReply)
