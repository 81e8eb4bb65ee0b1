"""gzip request bodies inflated once, with memory bounded before the first byte comes out.

A gzip member ends with ISIZE, its inflated length (modulo 2**32; every limit here is
far below that). A body whose ISIZE is over the route's limit is refused without
inflating anything: an honest bomb costs neither memory nor CPU. A body whose ISIZE
is within the limit is inflated once, in pieces, and never past ISIZE: a trailer that
lies (says small, inflates large) is caught at the length it claimed, so the most a
body can make the server hold is its claim, and its claim is at most the limit. zlib
checks the length and CRC at the end on its own, so a body that inflates shorter than
it claims is refused too.

The caller reads :func:`claimed_size` first (cheap, on the event loop) to decide whether
the body needs an upload slot, and then runs :func:`inflate` on a thread.
"""

from __future__ import annotations

import zlib

_FEED = 64 * 1024  # compressed bytes handed to zlib at a time
_PIECE = 256 * 1024  # the most zlib may return at a time
_TRAILER = 8  # CRC32 and ISIZE, little-endian, at the end of a gzip member
_MAGIC = b"\x1f\x8b"
_SHORTEST = 10 + _TRAILER  # header and trailer


class BodyTooLargeError(Exception):
    """The body says (or turns out) to inflate past the limit."""


def claimed_size(data: bytes) -> int:
    """The inflated length a gzip body claims in its trailer; ValueError when it is not
    gzip at all or too short to have a trailer."""
    if not data.startswith(_MAGIC):
        raise ValueError("the gzip body is damaged: it does not start as gzip does")
    if len(data) < _SHORTEST:
        raise ValueError("the gzip body is cut short")
    return int.from_bytes(data[-4:], "little")


def inflate(data: bytes, limit: int) -> bytes:
    """gzip *data* inflated in one pass.

    :class:`BodyTooLargeError` when it claims more than *limit*; ValueError when it is
    damaged, cut short, followed by other data, or longer than it claims.
    """
    claim = claimed_size(data)
    if claim > limit:
        raise BodyTooLargeError
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    view = memoryview(data)
    pieces: list[bytes] = []
    total = 0
    try:
        for start in range(0, len(data), _FEED):
            pending: bytes | memoryview = view[start : start + _FEED]
            while pending and not inflater.eof:
                piece = inflater.decompress(pending, _PIECE)
                total += len(piece)
                if total > claim:
                    raise ValueError("the gzip body is longer than its trailer says")
                pieces.append(piece)
                pending = inflater.unconsumed_tail
            if inflater.eof:
                if inflater.unused_data or start + _FEED < len(data):
                    raise ValueError("the gzip body has data after its end")
                break
        rest = inflater.flush()
    except zlib.error as exc:
        raise ValueError(f"the gzip body is damaged: {exc}") from None
    if total + len(rest) > claim:
        raise ValueError("the gzip body is longer than its trailer says")
    if not inflater.eof:
        raise ValueError("the gzip body is cut short")
    pieces.append(rest)
    return b"".join(pieces)
