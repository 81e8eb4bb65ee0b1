"""Gettext for the kiosk's own texts (the ``ui`` domain).

Compiled ``.mo`` files are build output and not committed; when one is missing
or older than its ``.po`` (a fresh checkout, an edited translation), the PO file
is compiled in memory so that a visitor never sees German where a translation
exists.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kiosk.paths import translations_dir

SOURCE_LANGUAGE = "de"


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for extraction without translating it yet."""
    return message


@dataclass(frozen=True, slots=True)
class Plural:
    """A counted text in German, singular and plural (``1 Sekunde``, ``2 Sekunden``).

    One string with a fixed plural reads wrong for one (``1 Sekunden``), and other
    languages need more forms than German (Russian three, Arabic six): gettext keeps
    them all under the German pair and picks one by the count (``ngettext``).
    """

    singular: str
    plural: str

    def german(self, n: int) -> str:
        """The German form for *n*: German, the source language, has no catalog to ask."""
        return self.singular if n == 1 else self.plural


def NP_(singular: str, plural: str) -> Plural:  # noqa: N802 - named like N_, its sibling
    """Mark a counted text for extraction (keyword ``NP_:1,2``); translated when shown."""
    return Plural(singular, plural)


def ngettext_for(lang: str, text: Plural, n: int) -> str:
    """*text* in *lang*, in the form that language's plural rule gives for *n*; German
    (and a missing translation) follows the German rule."""
    return gettext_for(lang).ngettext(text.singular, text.plural, n)


@cache
def translations(
    lang: str, domain: str = "ui", root: Path | None = None
) -> gettext.NullTranslations:
    """The translations for *lang*; German (the source) and unknown languages pass through."""
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    base = (root or translations_dir()) / lang / "LC_MESSAGES"
    po, mo = base / f"{domain}.po", base / f"{domain}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if po.exists():
        from babel.messages.mofile import write_mo  # only without a compiled .mo
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang, domain=domain)
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        buf.seek(0)
        return gettext.GNUTranslations(buf)
    return gettext.NullTranslations()


def gettext_for(lang: str) -> gettext.NullTranslations:
    return translations(lang, "ui")
