"""Pure ASGI middleware: who may send a body, how large, how many at once, and gzip,
all before FastAPI reads a byte; and the protocol header.

The order is what keeps memory bounded against anyone who can reach the server:

1. An address that failed authentication too often gets 429 (``guard.py``).
2. A route that needs a token gets it checked from the headers (off the event
   loop); no token, an unknown one or the wrong role is refused at once, the
   body unread, and a large body's connection closed. Public routes (health,
   info, enrolment) take only small bodies (:data:`SMALL_BODY`).
3. A body over the route's limit, announced or actual, is 413; an encoding other
   than gzip 415.
4. A body larger than :data:`SMALL_BODY` needs one of *uploads* slots; without a
   free one the answer is 503 ``busy`` with ``Retry-After``, so at most that many
   large bodies are held at a time.
5. A body must keep coming: after *upload_grace* seconds it must have arrived at
   *upload_min_rate* bytes a second on average, or the answer is 408 ``too_slow``
   and the connection is closed, so a slow (or stalled) upload cannot keep a slot.
6. gzip is inflated once, on a thread, never past the length its trailer claims;
   a claim over the limit is refused without inflating (``inflate.py``).

Every refusal is JSON in the protocol's error shape.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from typing import Any

import anyio
import anyio.to_thread
from sqlalchemy.exc import SQLAlchemyError

from sync.protocol import PROTOCOL
from sync.server.guard import PRINCIPAL, Guard, Refusal
from sync.server.health import MESSAGES, RETRY_AFTER, failure_reason
from sync.server.inflate import BodyTooLargeError, claimed_size, inflate

HEADER = b"x-kiosk-protocol"
#: bodies up to this size need no upload slot; public routes take no more
SMALL_BODY = 64 * 1024
#: large bodies held at once (each up to its route's limit, twice while inflating)
UPLOADS = 4
BUSY_RETRY_AFTER = 5
INFLATE_THREADS = 2
#: seconds any body may take before the rate below is asked of it
UPLOAD_GRACE = 30.0
#: bytes a second a body must average after the grace time (128 kbit/s: a poor mobile link)
UPLOAD_MIN_RATE = 16 * 1024

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Headers = Sequence[tuple[bytes, bytes]]


async def send_error(
    send: Send, status: int, code: str, message: str, headers: Headers = (), *, close: bool = False
) -> None:
    """The protocol's error reply; *close* ends the connection after it (the client may
    still be sending a body nobody will read)."""
    body = json.dumps({"protocol": PROTOCOL, "error": code, "message": message}).encode()
    extra = [*headers, (b"connection", b"close")] if close else list(headers)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Uploads:
    """Slots for large bodies. Only the event loop's thread takes and gives them, so a
    counter is enough."""

    def __init__(self, slots: int) -> None:
        self.free = slots

    def take(self) -> bool:
        if self.free <= 0:
            return False
        self.free -= 1
        return True

    def give(self) -> None:
        self.free += 1


class BodyLimitMiddleware:
    """*max_body* for the routes that need a token, except the paths in *larger* with a
    limit of their own (a catalog bundle is much larger than a batch of applications),
    and :data:`SMALL_BODY` for public routes; *guard* decides who may send a body;
    *upload_grace* and *upload_min_rate* how slowly it may come (see step 5 above)."""

    def __init__(
        self,
        app: ASGIApp,
        max_body: int,
        guard: Guard,
        larger: Mapping[str, int] | None = None,
        uploads: int = UPLOADS,
        public_max_body: int = SMALL_BODY,
        upload_grace: float = UPLOAD_GRACE,
        upload_min_rate: int = UPLOAD_MIN_RATE,
    ) -> None:
        if upload_grace <= 0 or upload_min_rate < 1:
            raise ValueError("a body needs some time and a rate of at least one byte a second")
        self.app = app
        self.max_body = max_body
        self.guard = guard
        self.larger = dict(larger or {})
        self.public_max_body = public_max_body
        self.uploads = Uploads(uploads)
        self.upload_grace = upload_grace
        self.upload_min_rate = upload_min_rate
        self._inflaters: anyio.CapacityLimiter | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        headers = {k.lower(): v for k, v in scope["headers"]}
        role = self.guard.role_for(method, path)
        if self.guard.limited(path, role):
            send = self._counting(scope, send)
            refusal = self.guard.throttled(scope, headers)
            if refusal is not None:
                await self._refuse(send, refusal, headers)
                return
        if role is not None:
            try:
                checked = await self.guard.check(role, headers)
            except SQLAlchemyError as exc:
                await self._database_failed(send, exc, headers)
                return
            if isinstance(checked, Refusal):
                await self._refuse(send, checked, headers)
                return
            scope = dict(scope)
            scope[PRINCIPAL] = checked
        if method in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(path, self.max_body) if role else self.public_max_body
        ticket = _Ticket(self.uploads)
        try:
            body = await self._read(receive, send, headers, limit, ticket)
            if body is None:
                return
            scope = dict(scope)
            scope["headers"] = [
                (k, v)
                for k, v in scope["headers"]
                if k.lower() not in (b"content-encoding", b"content-length")
            ] + [(b"content-length", str(len(body)).encode())]
            delivered = False

            async def replay() -> Message:
                nonlocal delivered
                if delivered:
                    return await receive()
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}

            await self.app(scope, replay, send)
        finally:
            ticket.give()

    def _counting(self, scope: Scope, send: Send) -> Send:
        """*send* that tells the guard about every 401, the route's own (enrolment) too."""

        async def counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.guard.record(scope, int(message["status"]))
            await send(message)

        return counted

    async def _refuse(self, send: Send, refusal: Refusal, headers: Mapping[bytes, bytes]) -> None:
        await send_error(
            send,
            refusal.status,
            refusal.code,
            refusal.message,
            refusal.headers,
            close=_unread_body(headers),
        )

    async def _database_failed(
        self, send: Send, exc: SQLAlchemyError, headers: Mapping[bytes, bytes]
    ) -> None:
        reason = failure_reason(exc)
        retry = ((b"retry-after", str(RETRY_AFTER[reason]).encode()),)
        await send_error(send, 503, reason, MESSAGES[reason], retry, close=_unread_body(headers))

    async def _busy(self, send: Send) -> None:
        await send_error(
            send,
            503,
            "busy",
            "the server takes a few large uploads at a time; send again after Retry-After",
            ((b"retry-after", str(BUSY_RETRY_AFTER).encode()),),
            close=True,
        )

    async def _read(
        self,
        receive: Receive,
        send: Send,
        headers: Mapping[bytes, bytes],
        limit: int,
        ticket: _Ticket,
    ) -> bytes | None:
        """The body within *limit* (inflated), or None once an answer has been sent."""
        too_large = f"the request body is larger than the server's limit of {limit} bytes"
        try:
            announced = int(headers.get(b"content-length", b"0"))
        except ValueError:
            await send_error(send, 400, "bad_request", "Content-Length is not a number", close=True)
            return None
        if announced > limit:
            await send_error(send, 413, "too_large", too_large, close=True)
            return None
        encoding = headers.get(b"content-encoding", b"identity").strip().lower()
        if encoding not in (b"identity", b"gzip"):
            await send_error(
                send,
                415,
                "unsupported_encoding",
                "only gzip bodies are accepted",
                close=_unread_body(headers),
            )
            return None
        if announced > SMALL_BODY and not ticket.take():
            await self._busy(send)
            return None

        chunks: list[bytes] = []
        size = 0
        more = True
        started = time.monotonic()
        while more:
            # the time a body of *size* bytes may take so far: it only grows as bytes come
            allowed = self.upload_grace + size / self.upload_min_rate
            message: Message | None = None
            with anyio.move_on_after(started + allowed - time.monotonic()):
                message = await receive()
            if message is None:
                await send_error(
                    send,
                    408,
                    "too_slow",
                    f"the request body came slower than {self.upload_min_rate} bytes a "
                    "second; send it again",
                    close=True,
                )
                return None
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await send_error(send, 413, "too_large", too_large, close=True)
                return None
            if size > SMALL_BODY and not ticket.take():
                await self._busy(send)
                return None
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        del chunks
        if encoding != b"gzip":
            return body
        if self._inflaters is None:  # made on the event loop that uses it
            self._inflaters = anyio.CapacityLimiter(INFLATE_THREADS)
        try:
            claim = claimed_size(body)
            if claim > limit:  # refused before inflating anything
                raise BodyTooLargeError
            if claim > SMALL_BODY and not ticket.take():
                await self._busy(send)
                return None
            return await anyio.to_thread.run_sync(inflate, body, limit, limiter=self._inflaters)
        except BodyTooLargeError:
            await send_error(send, 413, "too_large", too_large)
        except ValueError as exc:
            await send_error(send, 400, "bad_encoding", str(exc))
        return None


class _Ticket:
    """One request's claim on an upload slot: taken once, given back once."""

    def __init__(self, uploads: Uploads) -> None:
        self.uploads = uploads
        self.held = False

    def take(self) -> bool:
        if not self.held:
            self.held = self.uploads.take()
        return self.held

    def give(self) -> None:
        if self.held:
            self.held = False
            self.uploads.give()


def _unread_body(headers: Mapping[bytes, bytes]) -> bool:
    """Whether refusing now leaves more than a small body in flight: then the connection
    is closed rather than drained (uvicorn reads a small rest and drops it)."""
    if b"transfer-encoding" in headers:
        return True
    try:
        return int(headers.get(b"content-length", b"0")) > SMALL_BODY
    except ValueError:
        return True


class ProtocolHeaderMiddleware:
    """Every response names the protocol in a header too (cheaper than Starlette's
    ``BaseHTTPMiddleware``, which costs a task per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (HEADER, PROTOCOL.encode())]
            await send(message)

        await self.app(scope, receive, send_with_header)
