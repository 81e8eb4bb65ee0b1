"""German words inside right-to-left text, kept in their order.

Arabic and Persian translations carry German terms the visitor must find on their
papers ("تعليق الترحيل (Duldung)", "مكتوب «§ 24 AufenthG»"). In a right-to-left
paragraph the Unicode bidi algorithm lays out such a run by its parts: digits and
signs like § are weak, so "§ 24 AufenthG" shows as "AufenthG 24 §", and a German
phrase broken over two lines takes its brackets with it the wrong way. Wrapping each
left-to-right run in a first-strong isolate (U+2068 … U+2069) makes it one unit that
keeps its own order, as the Unicode standard recommends for embedded text.
"""

from __future__ import annotations

import re

FSI = "\u2068"
PDI = "\u2069"

_LATIN = r"A-Za-zÀ-ÖØ-öø-ɏ"
#: A run: starts with a Latin letter, a digit or §, ends with a Latin letter or digit,
#: and holds nothing right-to-left in between (spaces, hyphens, dashes, dots, commas,
#: slashes, apostrophes, § and further Latin words and numbers). Bounded: one pass,
#: no nested repetition, so any text is scanned in linear time.
_RUN = re.compile(rf"[§0-9{_LATIN}](?:[§0-9{_LATIN} \u00a0\-–./,:'’+@]*[0-9{_LATIN}])?")
_ISOLATED = re.compile(f"[{FSI}\u2066\u2067{PDI}]")


def isolate_latin_runs(text: str) -> str:
    """*text* with each left-to-right run isolated; text already isolated anywhere is
    returned as it is (its writer placed the isolates)."""
    if not text or _ISOLATED.search(text):
        return text
    return _RUN.sub(lambda m: f"{FSI}{m.group(0)}{PDI}", text)
