"""Babel extraction method for catalog YAML files (``kiosk_catalog`` in babel.cfg).

Translators work with ordinary PO tools; each string is extracted with its
stable context (see :mod:`kiosk.definition.strings`) and a comment that says what
it is (a field label, an option, a consent text with its version), which is
what a translator needs to choose the right register. A string whose German holds a
term of the catalog's glossary also names the German terms its translation must keep
beside it ("translation (Duldung)"), as ``kiosk catalog validate --strict-translations``
checks.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import IO, Any

from kiosk.catalog.source import SourceFile, classify, read_source
from kiosk.definition.glossary import Glossary, TermFinder
from kiosk.definition.strings import document_strings

ExtractResult = tuple[int, str, tuple[str, str], list[str]]


def _root_of(path: Path) -> Path | None:
    """The catalog folder *path* lies in: the folder that holds catalog.yaml."""
    for depth in (1, 2):
        root = path.parents[depth - 1]
        if (root / "catalog.yaml").exists():
            return root
    return None


def _kind_for(path: Path) -> str | None:
    """Place the file inside its catalog folder."""
    root = _root_of(path)
    return classify(path.relative_to(root)) if root is not None else None


@cache
def _glossary(root: Path) -> TermFinder | None:
    """The terms of the catalog's glossary.yaml, read once per extraction run."""
    source = SourceFile(root / "glossary.yaml", "glossary.yaml", "glossary")
    if not source.path.exists() or read_source(source):
        return None
    return TermFinder(source.model.terms) if isinstance(source.model, Glossary) else None


def _keep_terms(finder: TermFinder | None, ctx: str, german: str) -> list[str]:
    """A comment naming the German terms the translation keeps, if the text holds any."""
    if finder is None or ctx.startswith("glossary:"):
        return []
    terms = [finder.entries[t].term for t in finder.terms_in_german(german, ctx)]
    if not terms:
        return []
    return [f"keep the German term beside your words, as 'translation (term)': {', '.join(terms)}"]


def extract_catalog_yaml(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[ExtractResult]:
    name = getattr(fileobj, "name", "")
    path = Path(name) if isinstance(name, str) and name else Path("form.yaml")
    kind = _kind_for(path) if name else "form"
    if kind is None:
        print(f"{path}: skipped: not inside a catalog folder", file=sys.stderr)
        return
    text = fileobj.read().decode("utf-8")
    source = SourceFile(path, str(path), kind)
    issues = read_source(source, text)
    if source.model is None:
        for issue in issues:
            print(f"{issue} (not extracted)", file=sys.stderr)
        return
    root = _root_of(path) if name else None
    finder = _glossary(root.resolve()) if root is not None else None
    for s in document_strings(source.model):
        comments = [s.comment] if s.comment else []
        comments += _keep_terms(finder, s.ctx, s.text)
        yield source.line_of(s.loc), "pgettext", (s.ctx, s.text), comments
