"""Checks of the glossary: its own entries, and the translations that must carry its terms.

A translation that drops the German term ("tolerated stay" for "Duldung") leaves a
visitor unable to tell which of their papers is meant, so every translation of a
catalog text whose German contains a glossary term must carry that German term as
well (any of its forms), written "translation (German term)". Plain ``kiosk catalog
validate`` lists each miss as a warning; ``--strict-translations`` makes it an error,
so a catalog that drops a term is not built for the terminals. Each miss names the
PO file and line of the translation, its language, its context and the term.

The glossary's own strings are not held to this: the explanation a visitor taps
open always shows the German term and the German explanation beside the translation.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.catalog.issues import Issue
from kiosk.catalog.source import SourceFile
from kiosk.catalog.translations import po_path, read_catalog_po
from kiosk.definition.glossary import Glossary, GlossaryEntry, TermFinder, shared_words

if TYPE_CHECKING:
    from kiosk.catalog.build import BuildResult

#: Contexts of the glossary's own strings, shown with their German beside them.
GLOSSARY_PREFIX = "glossary:"


def check_glossary(f: SourceFile) -> list[Issue]:
    """Problems of ``glossary.yaml`` that its model alone cannot see: ids and words
    used twice, and phrases that do not contain their term."""
    assert isinstance(f.model, Glossary)
    issues: list[Issue] = []
    seen: set[str] = set()
    for i, entry in enumerate(f.model.terms):
        if entry.id in seen:
            issues.append(f.issue(("terms", i, "id"), f"glossary id '{entry.id}' is used twice"))
        seen.add(entry.id)
        for where, message in entry.phrase_problems():
            issues.append(f.issue(("terms", i, *where), message))
    for index, key, position, message in shared_words(f.model.terms):
        loc: tuple[str | int, ...] = ("terms", index, key)
        issues.append(f.issue(loc if key == "term" else (*loc, position), message))
    return issues


def glossary_translation_issues(result: BuildResult, *, severity: str) -> list[Issue]:
    """As errors, one issue per translation that lacks a German term its German text
    contains; as warnings, one line per language that has such translations (as
    :func:`~kiosk.catalog.build.missing_translation_issues` does for missing ones).

    A language's PO file is read again only to list its misses, for their lines."""
    catalog = result.catalog
    if catalog is None or not catalog.catalog.glossary:
        return []
    finder = TermFinder(catalog.catalog.glossary)
    needs = _terms_needed(result, finder)
    if not needs:
        return []
    out: list[Issue] = []
    for lang in sorted(catalog.translations):
        misses = [
            (ctx, entry)
            for ctx, text in catalog.translations[lang].items()
            for entry in needs.get(ctx, ())
            if not finder.carries(text, entry)
        ]
        if not misses:
            continue
        if severity == "error":
            out.extend(_report(result, lang, misses, finder, severity))
            continue
        out.append(
            Issue(
                _po_display(result, lang),
                1,
                lang,
                f"{len(misses)} translations do not carry a German term of the glossary "
                '("translation (German term)"); --strict-translations lists each',
                severity,
            )
        )
    return out


def _po_display(result: BuildResult, lang: str) -> str:
    root = result.translations_root or Path("translations")
    return _display(po_path(root, lang), result.display_root or root.parent)


def _terms_needed(result: BuildResult, finder: TermFinder) -> dict[str, list[str]]:
    """Context -> the terms its German text contains (glossary strings left out)."""
    needs: dict[str, list[str]] = {}
    for _, s in result.strings:
        if s.ctx.startswith(GLOSSARY_PREFIX):
            continue
        terms = finder.terms_in_german(s.text, s.ctx)
        if terms:
            needs[s.ctx] = terms
    return needs


def _report(
    result: BuildResult,
    lang: str,
    misses: list[tuple[str, str]],
    finder: TermFinder,
    severity: str,
) -> list[Issue]:
    path = po_path(result.translations_root or Path("translations"), lang)
    display = _po_display(result, lang)
    po, _ = read_catalog_po(path, display, lang)
    lines = {m.context: m.lineno for m in po if m.context} if po is not None else {}
    return [
        Issue(
            display,
            lines.get(ctx) or 1,
            ctx,
            f"{lang}: the translation does not carry the German term "
            f"'{finder.entries[entry].term}'{_forms(finder.entries[entry])}; write it as "
            f"'translation ({finder.entries[entry].term})'",
            severity,
        )
        for ctx, entry in sorted(misses, key=lambda m: (lines.get(m[0]) or 1, m[0]))
    ]


def _forms(entry: GlossaryEntry) -> str:
    return f" (or {', '.join(repr(w) for w in entry.forms)})" if entry.forms else ""


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
