"""The office tool's requests, each reply read with a byte cap and a deadline.

Whatever answers at the server's address decides how much it sends; an office
machine must not fill its memory with it. Replies are streamed and refused as
soon as they pass the cap for their kind (a page of the listing, one sealed
application as large as the listing said, an acknowledgement), and they are
asked for without compression, so the bytes counted are the bytes kept: a few
kilobytes of gzip cannot turn into gigabytes after the count.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any, Final

import httpx

from sync import protocol as p
from sync.client.transport import (
    ApiClient,
    ProtocolError,
    TransientError,
    raise_for_status,
    read_reply,
    unreachable,
)

LIST_REPLY_BYTES: Final = 2 * 1024 * 1024  # 500 entries of well under 1 KiB
ACK_REPLY_BYTES: Final = 1024 * 1024
#: the JSON around a sealed application in its reply: the entry and the protocol name
ENVELOPE_BYTES: Final = 64 * 1024
#: the largest sealed application fetched: the protocol's own ceiling (``CompactJwe``),
#: above the server's item limit (8 MiB by default, configurable)
MAX_SEALED_BYTES: Final = 12_000_000
REPLY_SECONDS: Final = 600.0


class ReplyTooLargeError(ProtocolError):
    """The server's reply is larger than the office tool reads for its kind."""


def read_capped(chunks: Iterable[bytes], limit: int, *, deadline: float, what: str) -> bytes:
    """The bytes of *chunks*, refused past *limit* bytes or after *deadline* (monotonic)."""
    kept: list[bytes] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise ReplyTooLargeError(f"the server's {what} is larger than {limit} bytes")
        if time.monotonic() > deadline:
            raise TransientError(f"the server's {what} took too long to arrive")
        kept.append(chunk)
    return b"".join(kept)


class OfficeApi(ApiClient):
    """An office's requests: list, download, acknowledge, set statuses."""

    def __init__(
        self,
        server: str,
        token: str,
        *,
        max_sealed_bytes: int = MAX_SEALED_BYTES,
        reply_seconds: float = REPLY_SECONDS,
        **options: Any,
    ) -> None:
        """*options* go to :class:`ApiClient` (timeout, transport)."""
        super().__init__(server, token, **options)
        self.max_sealed_bytes = max_sealed_bytes
        self.reply_seconds = reply_seconds

    def _capped(
        self, method: str, path: str, limit: int, what: str, **kwargs: Any
    ) -> httpx.Response:
        headers = {"Accept-Encoding": "identity", **kwargs.pop("headers", {})}
        deadline = time.monotonic() + self.reply_seconds
        try:
            with self._client.stream(method, f"{p.API}{path}", headers=headers, **kwargs) as reply:
                encoding = reply.headers.get("content-encoding", "identity").strip().lower()
                if encoding not in ("", "identity"):
                    raise ProtocolError(f"the server's {what} came {encoding}-compressed unasked")
                declared = reply.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise ReplyTooLargeError(
                        f"the server's {what} is {declared} bytes, more than the {limit} read"
                    )
                body = read_capped(reply.iter_raw(), limit, deadline=deadline, what=what)
        except httpx.HTTPError as exc:
            raise TransientError(unreachable(self.server, exc)) from None
        answer = httpx.Response(reply.status_code, headers=reply.headers, content=body)
        raise_for_status(answer)
        return answer

    def new_applications(self, limit: int = 100, offset: int = 0) -> list[p.InboxEntry]:
        reply = self._capped(
            "GET",
            "/inbox/applications",
            LIST_REPLY_BYTES,
            "list of applications",
            params={"limit": limit, "offset": offset},
        )
        return read_reply(reply, p.InboxPage).applications

    def application(self, application_id: str, *, size: int | None = None) -> p.InboxApplication:
        """One application; *size* (the listed payload size) tightens the cap to it."""
        sealed = self.max_sealed_bytes if size is None else min(size, self.max_sealed_bytes)
        reply = self._capped(
            "GET",
            f"/inbox/applications/{application_id}",
            sealed + ENVELOPE_BYTES,
            "application",
        )
        received = read_reply(reply, p.InboxApplication)
        if received.application.id != application_id:
            raise ProtocolError("the server answered with another application than asked for")
        return received

    def acknowledge(
        self, ids: Sequence[str], quarantined: Sequence[tuple[str, str]] = ()
    ) -> p.AckReply:
        """Filed (*ids*) and quarantined (id, reason); the second only when there are any,
        so that acknowledging what was filed works with servers from before quarantine."""
        body = p.AckRequest(
            ids=list(ids),
            quarantined=[p.Quarantined(id=i, reason=r) for i, r in quarantined],
        ).model_dump_json(exclude_defaults=True)
        reply = self._capped(
            "POST",
            "/inbox/acknowledgements",
            ACK_REPLY_BYTES,
            "acknowledgement",
            content=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        return read_reply(reply, p.AckReply)

    def set_statuses(self, updates: Sequence[p.StatusUpdate]) -> p.OfficeStatusReply:
        """Set statuses of the office's applications, for their visitors to see."""
        body = p.OfficeStatusRequest(items=list(updates)).model_dump_json(exclude_none=True)
        reply = self._capped(
            "POST",
            "/office/status",
            ACK_REPLY_BYTES,
            "answer to the statuses",
            content=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        return read_reply(reply, p.OfficeStatusReply)
