"""Catalog translations from PO files: what is translated, what is missing, what is broken.

An entry counts as translated only when it is not fuzzy, not empty and its
msgid is still the current German text: a translation of an older wording is
stale, and the visitor sees German rather than an outdated promise.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.pofile import PoFileError, read_po

from kiosk.catalog.issues import Issue
from kiosk.catalog.placeholders import placeholders, translation_gaps
from kiosk.i18n import SOURCE_LANGUAGE, translations
from kiosk.paths import translations_dir

CATALOG_DOMAIN = "catalog"
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_PO_KEYWORD = r"(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)"
_PO_LINE = re.compile(rf"^(?:#.*|(?:#~ )?{_PO_KEYWORD} {_QUOTED}|(?:#~ )?{_QUOTED})$")


def po_syntax_problems(text: str) -> list[tuple[int, str]]:
    """Lines a PO parser would misread; Babel's parser is lenient and may silently drop them."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not _PO_LINE.match(stripped):
            problems.append((number, f"line is not valid PO syntax: {stripped[:60]!r}"))
    return problems


@dataclass
class LanguageCoverage:
    lang: str
    total: int
    translated: int
    missing: list[str] = field(default_factory=list)  # contexts

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else round(100.0 * self.translated / self.total, 1)


def po_path(translations_root: Path, lang: str, domain: str = CATALOG_DOMAIN) -> Path:
    return translations_root / lang / "LC_MESSAGES" / f"{domain}.po"


def language_name(lang: str) -> str | None:
    try:
        return Locale.parse(lang).get_display_name("en")
    except (ValueError, UnknownLocaleError):
        return None


def read_catalog_po(path: Path, display: str, lang: str) -> tuple[PoCatalog | None, list[Issue]]:
    if not path.exists():
        return None, []
    try:
        raw = path.read_bytes()
        problems = po_syntax_problems(raw.decode("utf-8"))
        if problems:
            return None, [
                Issue(display, line, lang, f"broken PO file: {msg}") for line, msg in problems
            ]
        return read_po(io.BytesIO(raw), locale=lang, abort_invalid=True), []
    except PoFileError as exc:
        line = getattr(exc, "lineno", 1) or 1
        return None, [Issue(display, int(line), lang, f"broken PO file: {exc}")]
    except (OSError, ValueError, UnknownLocaleError, UnicodeDecodeError) as exc:
        return None, [Issue(display, 1, lang, f"cannot read the PO file: {exc}")]


def collect_translations(
    strings: dict[str, str],
    translations_root: Path,
    lang: str,
    display_root: Path,
) -> tuple[dict[str, str], LanguageCoverage, list[Issue]]:
    """Translations of *strings* (ctx -> German) for *lang*, its coverage and any problems."""
    path = po_path(translations_root, lang)
    display = _display(path, display_root)
    po, issues = read_catalog_po(path, display, lang)
    found: dict[str, str] = {}
    if po is not None:
        for message in po:
            if not message.id or message.context is None:
                continue
            ctx = message.context
            german = strings.get(ctx)
            text = message.string
            if german is None or message.fuzzy or not isinstance(text, str) or not text.strip():
                continue
            if message.id != german:
                continue  # stale: translated from an older German text
            gap = _placeholder_gap(german, text)
            if gap is not None:
                issues.append(Issue(display, message.lineno or 1, ctx, *gap))
                continue  # the visitor reads the German text, with its amounts
            found[ctx] = text
    missing = [ctx for ctx in strings if ctx not in found]
    coverage = LanguageCoverage(lang, len(strings), len(found), missing)
    return found, coverage, issues


def _placeholder_gap(german: str, text: str) -> tuple[str, str] | None:
    """(message, severity) when a translation's placeholders differ from the German's.

    One the German lacks shows nothing the author meant: an error. One it leaves out
    would hide an amount: the German text is shown instead, a warning that
    ``--strict-translations`` makes an error (the string counts as untranslated).
    """
    added, left_out = translation_gaps(german, text)
    keep = ", ".join(sorted(placeholders(german))) or "(none)"
    if added:
        extra = ", ".join(sorted(added))
        return (
            f"the translation has {extra}, which the German text does not; keep {keep}",
            "error",
        )
    if left_out:
        lost = ", ".join(sorted(left_out))
        return (
            f"the translation leaves out {lost} and is shown in German until it keeps {keep}",
            "warning",
        )
    return None


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def ui_template(translations_root: Path) -> set[object]:
    """What the screens ask for: the ids of ``ui.pot`` beside the translations, else of
    the kiosk's own (read once per build, for every language)."""
    return _template_ids(translations_root / "ui.pot") or _template_ids(
        translations_dir() / "ui.pot"
    )


def ui_coverage(translations_root: Path, lang: str, template: set[object]) -> float:
    """The share of the kiosk's own texts (``ui.po``) that *lang* has of *template*
    (:func:`ui_template`), in percent: an entry counts when it is not fuzzy and every form
    is written. No file (or one that cannot be read) is 0: the screens would all be
    German. Only where there is no template at all are the PO file's own entries all
    there is to count."""
    path = po_path(translations_root, lang, "ui")
    po, problems = read_catalog_po(path, str(path), lang)
    if po is None or problems:
        return 0.0
    written: set[object] = set()
    for message in po:
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.id and not message.fuzzy and all(str(form or "").strip() for form in forms):
            written.add(message.id)
    return _share(written, template or {message.id for message in po if message.id})


def screen_gaps(languages: Iterable[str], root: Path | None = None) -> dict[str, float]:
    """Of *languages*, those whose screen texts this installation does not have in full,
    with the share it has (:func:`ui_coverage`'s rule), counted in the compiled texts the
    kiosk shows (:func:`kiosk.i18n.translations`) against its own ``ui.pot``.

    A catalog's build checks the screen texts beside it; the terminal may run another
    version of the kiosk (one without a language a newer catalog brings, or with screen
    texts its translators have not caught up with), and only the terminal's own texts
    are what its visitors read. An installation without ``ui.pot`` knows of no gap.
    """
    template = {_singular(i) for i in _template_ids((root or translations_dir()) / "ui.pot")}
    out: dict[str, float] = {}
    if not template:
        return out
    for lang in languages:
        if lang == SOURCE_LANGUAGE:
            continue
        # compiled without fuzzy and untranslated entries; a counted text is there once
        # per form, as (its singular, form)
        compiled = getattr(translations(lang, "ui", root), "_catalog", None)
        written = {_singular(key) for key in compiled} if isinstance(compiled, dict) else set()
        done = _share(written, template)
        if done < 100.0:
            out[lang] = done
    return out


def _singular(message_id: object) -> object:
    """A counted text's id by its singular (a template has (singular, plural), a compiled
    catalog (singular, form)); any other id as it is."""
    return message_id[0] if isinstance(message_id, tuple) else message_id


def _share(written: set[object], wanted: set[object]) -> float:
    """The share of *wanted* that is *written*, in percent; below 100 unless all is (one
    missing text of 2,395 must never round to complete)."""
    if not wanted:
        return 100.0
    done = len(wanted & written)
    return min(round(100.0 * done / len(wanted), 1), 99.9) if done < len(wanted) else 100.0


def _template_ids(pot: Path) -> set[object]:
    if not pot.exists():
        return set()
    try:
        with pot.open("rb") as fh:
            return {message.id for message in read_po(fh) if message.id}
    except (OSError, ValueError, PoFileError, UnicodeDecodeError):
        return set()
