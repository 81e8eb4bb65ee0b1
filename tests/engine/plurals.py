"""The shipped ``ui`` PO files as gettext itself reads them, to check counted texts against.

The expected texts come from the standard library's ``GNUTranslations.ngettext`` on a
catalog compiled straight from each ``ui.po``: its ``Plural-Forms`` rule picks the form,
independently of how the kiosk loads its translations.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"

#: The kiosk's languages; German is the source and has no PO file.
LANGUAGES = ("de", "en", "ru", "uk", "ar", "fa", "tr", "ro")

#: Counts that land in every plural category of these languages: Arabic zero (0), one (1),
#: two (2), few (3, 5), many (11) and other (101); Russian 1/21/101, 2/3 and 5/11; Romanian
#: few (2, 11, 101) and other (21).
COUNTS = (0, 1, 2, 3, 5, 11, 21, 101)


def po_file(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "ui.po"


@cache
def po_gettext(lang: str) -> gettext.NullTranslations:
    """gettext for *lang* from its ``ui.po``; German passes through (n == 1 is singular)."""
    if lang == "de":
        return gettext.NullTranslations()
    with po_file(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def expected(lang: str, singular: str, plural: str, n: int, **params: object) -> str:
    """What gettext's plural rule for *lang* says the text for *n* is."""
    return po_gettext(lang).ngettext(singular, plural, n).format(**params)
