"""The kiosk's counted texts in every catalog language: each plural form written and whole.

A counted text ("Sie haben noch {attempts} Versuch" / "... Versuche") is one entry of
``ui.po`` with as many forms as the language's ``Plural-Forms`` header names: two in
English, three in Russian, six in Arabic. gettext picks the form by the count, so a
form left empty shows the visitor nothing for those counts (Arabic's form for 3 to 10,
say), and a form without the number's placeholder shows a sentence without its number.
``kiosk catalog validate`` lists such entries at their PO line; with
``--strict-translations`` they are errors, so no catalog is published for a terminal
whose texts would read that way.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.catalog.issues import Issue
from kiosk.catalog.translations import po_path, read_catalog_po

if TYPE_CHECKING:
    from kiosk.catalog.build import BuildResult

UI_DOMAIN = "ui"
_PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")


def plural_form_issues(result: BuildResult, *, severity: str) -> list[Issue]:
    """Each translated counted text of ``ui.po`` in the catalog's languages that lacks a
    form, leaves one empty, or drops a placeholder, at its PO file and line."""
    if result.catalog is None:
        return []
    root = result.translations_root or Path("translations")
    shown_from = result.display_root or root.parent
    header = result.catalog.catalog.header
    out: list[Issue] = []
    for lang in header.languages:
        if lang == header.source_language:
            continue
        path = po_path(root, lang, UI_DOMAIN)
        display = _display(path, shown_from)
        po, problems = read_catalog_po(path, display, lang)
        out.extend(Issue(i.file, i.line, i.path, i.message, severity) for i in problems)
        if po is None:
            continue
        for message in po:
            if not isinstance(message.id, tuple) or message.fuzzy:
                continue
            raw = message.string
            forms = (
                tuple(str(f or "") for f in raw)
                if isinstance(raw, tuple | list)
                else (str(raw or ""),)
            )
            if not any(forms):
                continue  # not translated yet: the German is shown, in its own forms
            problem = _form_problem(message.id[1], forms, po.num_plurals)
            if problem is not None:
                where = message.id[0][:40]
                out.append(
                    Issue(display, message.lineno or 1, lang, f"{problem}: {where!r}", severity)
                )
    return out


def _form_problem(plural: str, forms: tuple[str, ...], count: int) -> str | None:
    if len(forms) != count:
        return f"a counted text with {len(forms)} forms where the language has {count}"
    wanted = set(_PLACEHOLDER.findall(plural))
    for n, form in enumerate(forms):
        if not form.strip():
            return f"msgstr[{n}] of a counted text is empty"
        if set(_PLACEHOLDER.findall(form)) != wanted:
            keep = ", ".join(sorted(wanted)) or "(none)"
            return f"msgstr[{n}] of a counted text must keep the placeholders {keep}"
    return None


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
