"""Text that terminals report, made harmless before it is stored or shown.

A terminal's heartbeat carries free text (its last error, its catalog string)
that ends up in an admin's shell (`kiosk server status`) and in the fleet API.
Whoever controls a terminal, or a device token, controls that text: an ESC
sequence could clear the admin's screen or retitle the window, an 8-bit CSI
(U+009B) does the same on some terminals, and a bidi override (U+202E) can make
``exe.pdf`` read as ``fdp.exe``. So control characters are stored as visible
escapes (``\\x1b``, ``\\u202e``): an admin sees that something was there and
what, and nothing acts on it. Line breaks and tabs become a space, which keeps a
status line on one line. The result is pure printable text, so neutralising
twice changes nothing.
"""

from __future__ import annotations

import unicodedata

#: directional formatting characters: embeddings, overrides, isolates and marks
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
#: these end a line in some terminals and editors: a space keeps the line whole
SPACES = frozenset("\t\n\r\v\f\u0085\u2028\u2029")
ELLIPSIS = "…"


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _unsafe(char: str) -> bool:
    return char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs")


def neutralise(text: str, max_length: int | None = None) -> str:
    """*text* with every control character written out as an escape.

    C0 and C1 controls (ESC, BEL, CSI, ...) and bidi controls become ``\\xNN`` or
    ``\\uNNNN``; line breaks and tabs become a space. With *max_length* the
    result is cut (never inside an escape) to fit a column of that size, ending
    in an ellipsis when something was cut.
    """
    pieces = [" " if char in SPACES else _escape(char) if _unsafe(char) else char for char in text]
    whole = "".join(pieces)
    if max_length is None or len(whole) <= max_length:
        return whole
    kept: list[str] = []
    room = max_length - len(ELLIPSIS)
    for piece in pieces:
        if len(piece) > room:
            break
        kept.append(piece)
        room -= len(piece)
    return "".join(kept) + ELLIPSIS


def neutralise_optional(text: str | None, max_length: int | None = None) -> str | None:
    return None if text is None else neutralise(text, max_length)


def is_clean(text: str) -> bool:
    """True if *text* holds nothing that :func:`neutralise` would change."""
    return not any(char in SPACES or _unsafe(char) for char in text)
