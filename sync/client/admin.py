"""The admin's side of publishing: upload a signed catalog bundle, list what is published.

The bundle goes up gzip-compressed (catalog text shrinks to a fraction, and the
server's limit holds before and after inflating). A refusal by the server comes
back as :class:`PublishRefusedError` with the server's reason code, the same codes
a terminal uses (``not_newer``, ``bad_signature``, ...), so the admin reads the
same words in both places.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from sync import protocol as p
from sync.client.transport import ApiClient, ProtocolError, raise_for_status, read_reply

#: Uploading tens of megabytes and the server's check of the whole catalog take a while.
PUBLISH_TIMEOUT = 300.0


class PublishRefusedError(Exception):
    """The server looked at the bundle and said no; ``reason`` is its error code."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message


class AdminClient(ApiClient):
    """Requests with an admin token (``kiosk server admin-token``)."""

    def __init__(
        self,
        server: str,
        token: str,
        *,
        timeout: float = PUBLISH_TIMEOUT,
        ca_file: Path | None = None,
    ) -> None:
        """*ca_file*: the server's certificate or private CA, if the system's CAs do not
        vouch for it; an ``http://`` URL beyond this machine is refused (see tls.py)."""
        super().__init__(server, token, timeout=timeout, ca_file=ca_file)

    def publish_catalog(self, bundle: bytes) -> p.CatalogPublished:
        """Upload *bundle*; :class:`PublishRefusedError` when the server refuses it, and
        the transport's errors (:class:`~sync.client.transport.SyncError`) otherwise."""
        response = self._send(
            "POST",
            "/admin/catalog",
            content=gzip.compress(bundle, compresslevel=6, mtime=0),
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        )
        if response.status_code in (409, 413, 415, 422):
            try:
                error = read_reply(response, p.ErrorReply)
            except ProtocolError:
                pass  # not the kiosk server's answer: raise_for_status says what it was
            else:
                raise PublishRefusedError(response.status_code, error.error, error.message)
        raise_for_status(response)
        return read_reply(response, p.CatalogPublished)

    def catalog_versions(self) -> list[p.CatalogVersion]:
        return read_reply(self._request("GET", "/admin/catalog"), p.CatalogVersions).versions
