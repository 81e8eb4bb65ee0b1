"""Human-friendly codes with a check character: application references and resume codes.

Crockford's base-32 alphabet leaves out I, L, O and U, so a code read aloud or
copied from paper is not misread; a Luhn mod 32 check character catches every
single wrong character and most swapped neighbours before any lookup.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def check_char(body: str) -> str:
    """Luhn mod N over the base-32 values, N = 32."""
    total, factor = 0, 2
    for ch in reversed(body):
        addend = factor * _VALUE[ch]
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def _random_body(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _group(text: str, size: int = 4) -> str:
    return "-".join(text[i : i + size] for i in range(0, len(text), size))


def normalise(code: str) -> str:
    """Upper case, no separators or spaces, confusable letters mapped to their digit."""
    return "".join(ch for ch in code.upper().translate(_CONFUSABLE) if ch in _VALUE)


def is_valid(code: str, length: int) -> bool:
    plain = normalise(code)
    return len(plain) == length + 1 and check_char(plain[:-1]) == plain[-1]


REFERENCE_LENGTH = 8  # 40 bits: unique enough per city, short enough to read out
RESUME_LENGTH = 10  # 50 bits: a secret, together with the PIN


def new_reference() -> str:
    """Like ``MD-7K3Q-9XPF-H``: what a visitor quotes when asking about an application."""
    body = _random_body(REFERENCE_LENGTH)
    return "MD-" + _group(body + check_char(body))


def new_resume_code() -> str:
    """Like ``G0D7-N7A2-TAP``: printed on the receipt and carried in its QR code."""
    body = _random_body(RESUME_LENGTH)
    return _group(body + check_char(body))


def reference_is_valid(reference: str) -> bool:
    return reference.upper().startswith("MD-") and is_valid(reference[3:], REFERENCE_LENGTH)
