"""Why a catalog bundle is refused, apart from the checks themselves.

The server names these reasons in its replies without loading the form engine that
checking a whole bundle needs; only publishing a bundle does that (see
:mod:`kiosk.catalog.bundle`).
"""

from __future__ import annotations

from typing import Final, Literal, get_args

RefusalReason = Literal[
    "malformed",
    "unsigned",
    "unknown_key",
    "bad_signature",
    "hash_mismatch",
    "wrong_deployment",
    "not_newer",
    "bad_catalog",
    "missing_office_key",
    "bad_office_key",
]
REASONS: Final[frozenset[str]] = frozenset(get_args(RefusalReason))


class BundleRefusedError(ValueError):
    """A bundle that must not be installed or published; ``reason`` is one of :data:`REASONS`."""

    def __init__(self, reason: RefusalReason, message: str) -> None:
        super().__init__(message)
        self.reason: str = reason
