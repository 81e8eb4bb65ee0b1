"""Gettext for the kiosk's own texts (the ``ui`` domain).

Compiled ``.mo`` files are build output and not committed; when one is missing
or older than its ``.po`` (a fresh checkout, an edited translation), the PO file
is compiled in memory so that a visitor never sees German where a translation
exists.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterable
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


def screen_gaps(languages: Iterable[str], root: Path | None = None) -> dict[str, float]:
    """Of *languages*, those whose screen texts this installation does not have in full,
    with the share it has, in percent (below 100: a missing text never rounds up).

    A catalog's build checks the screen texts beside it; the terminal may run another
    version of the kiosk (one without a language a newer catalog brings, or with screen
    texts its translators have not caught up with), and only the terminal's own texts
    are what its visitors read. Counted against ``ui.pot``, the ids the screens ask for;
    an installation without it knows of no gap.
    """
    base = root or translations_dir()
    template = _screen_ids(base / "ui.pot")
    out: dict[str, float] = {}
    if not template:
        return out
    for lang in languages:
        if lang == SOURCE_LANGUAGE:
            continue
        found = translations(lang, "ui", root)
        written = {key if isinstance(key, str) else key[0] for key in _entries(found)}
        done = len(template & written)
        if done < len(template):
            out[lang] = min(round(100.0 * done / len(template), 1), 99.9)
    return out


def _entries(found: gettext.NullTranslations) -> Iterable[str | tuple[str, int]]:
    """The keys of a compiled catalog: a text's id, or (id, form) for each form of a
    counted one; compiled without fuzzy and untranslated entries (see :func:`translations`)."""
    entries = getattr(found, "_catalog", None)
    return entries.keys() if isinstance(entries, dict) else ()


@cache
def _screen_ids(pot: Path) -> frozenset[str]:
    """The ids of the template (a counted text by its singular), none without one."""
    if not pot.is_file():
        return frozenset()
    from babel.messages.pofile import read_po

    with pot.open("rb") as fh:
        template = read_po(fh)
    ids = (message.id if isinstance(message.id, str) else message.id[0] for message in template)
    return frozenset(i for i in ids if i)
