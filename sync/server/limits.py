"""Pure ASGI middleware: body limits and gzip before FastAPI reads a byte, and the protocol header.

A pure ASGI middleware: it refuses a body whose announced or actual size is
over the limit with 413, inflates ``Content-Encoding: gzip`` with the same
limit (a small bomb cannot become a large body), and refuses other encodings
with 415. Responses are JSON in the protocol's error shape, like every error.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from sync.protocol import PROTOCOL

HEADER = b"x-kiosk-protocol"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyTooLargeError(Exception):
    pass


async def send_error(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"protocol": PROTOCOL, "error": code, "message": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def inflate(data: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise ValueError(f"the gzip body is damaged: {exc}") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise BodyTooLargeError
    if not inflater.eof:
        raise ValueError("the gzip body is cut short")
    return out


class BodyLimitMiddleware:
    """*max_body* for every request, except the paths in *larger* with their own limit
    (a catalog bundle is much larger than a batch of applications)."""

    def __init__(
        self, app: ASGIApp, max_body: int, larger: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.max_body)
        headers = {k.lower(): v for k, v in scope["headers"]}
        too_large = f"the request body is larger than the server's limit of {limit} bytes"
        try:
            announced = int(headers.get(b"content-length", b"0"))
        except ValueError:
            await send_error(send, 400, "bad_request", "Content-Length is not a number")
            return
        if announced > limit:
            await send_error(send, 413, "too_large", too_large)
            return
        encoding = headers.get(b"content-encoding", b"identity").strip().lower()
        if encoding not in (b"identity", b"gzip"):
            await send_error(send, 415, "unsupported_encoding", "only gzip bodies are accepted")
            return

        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await send_error(send, 413, "too_large", too_large)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if encoding == b"gzip":
            try:
                body = inflate(body, limit)
            except BodyTooLargeError:
                await send_error(send, 413, "too_large", too_large)
                return
            except ValueError as exc:
                await send_error(send, 400, "bad_encoding", str(exc))
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
