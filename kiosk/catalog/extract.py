"""Babel extraction method for catalog YAML files (``kiosk_catalog`` in babel.cfg).

Translators work with ordinary PO tools; each string is extracted with its
stable context (see :mod:`kiosk.definition.strings`) and a comment that says what
it is (a field label, an option, a consent text with its version), which is
what a translator needs to choose the right register.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from kiosk.catalog.source import SourceFile, classify, read_source
from kiosk.definition.strings import document_strings

ExtractResult = tuple[int, str, tuple[str, str], list[str]]


def _kind_for(path: Path) -> str | None:
    """Place the file inside its catalog folder: the folder that holds catalog.yaml."""
    for depth in (1, 2):
        root = path.parents[depth - 1]
        if (root / "catalog.yaml").exists():
            return classify(path.relative_to(root))
    return None


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
    for s in document_strings(source.model):
        comments = [s.comment] if s.comment else []
        yield source.line_of(s.loc), "pgettext", (s.ctx, s.text), comments
