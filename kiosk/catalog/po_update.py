"""Merge freshly extracted templates into each language's PO files.

Catalog strings are matched by their context, which is built from ids: when the
German text of a context changes, its old translation is kept, marked fuzzy and
the previous German is recorded, so a translator sees exactly what changed.
(Babel's own update matches by similar German text, which can pair unrelated
strings of the same shape.) UI strings have no context and use Babel's update.

Run as ``python -m kiosk.catalog.po_update TRANSLATIONS_DIR LANG...``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

DRAFT_NOTE = (
    "Status: draft translation, to be reviewed by a qualified translator before it is\n"
    "used with visitors. German (de) is the source language."
)


def _new_catalog(lang: str, domain: str) -> Catalog:
    name = Locale.parse(lang).get_display_name("en")
    return Catalog(
        locale=lang,
        domain=domain,
        project="MigraDo kiosk",
        version="1",
        language_team=f"{name} (draft, needs review)",
        header_comment=f"# {name} translations of the MigraDo kiosk ({domain}).\n"
        + "".join(f"# {line}\n" for line in DRAFT_NOTE.splitlines()),
        fuzzy=False,
    )


def merge_by_context(
    template: Catalog, existing: Catalog | None, lang: str, domain: str
) -> Catalog:
    out = _new_catalog(lang, domain)
    if existing is not None:
        out.language_team = existing.language_team or out.language_team
        out.header_comment = existing.header_comment
    by_ctx = {m.context: m for m in existing or () if m.id and m.context}
    for msg in template:
        if not msg.id:
            continue
        old = existing.get(msg.id, context=msg.context) if existing is not None else None
        flags = set(msg.flags)
        string = ""
        previous_id: list[str] = []
        if old is not None:
            string = old.string if isinstance(old.string, str) else ""
            if old.fuzzy:
                flags.add("fuzzy")
            previous_id = list(old.previous_id or [])
        elif msg.context in by_ctx:
            prior = by_ctx[msg.context]
            string = prior.string if isinstance(prior.string, str) else ""
            if string:
                flags.add("fuzzy")
                previous_id = [str(prior.id)]
        out.add(
            msg.id,
            string,
            locations=msg.locations,
            flags=flags,
            auto_comments=msg.auto_comments,
            previous_id=previous_id,
            context=msg.context,
        )
    return out


def update_language(root: Path, lang: str, domain: str) -> Path:
    pot = root / f"{domain}.pot"
    po = root / lang / "LC_MESSAGES" / f"{domain}.po"
    with pot.open("rb") as fh:
        template = read_po(fh)
    existing = None
    if po.exists():
        with po.open("rb") as fh:
            existing = read_po(fh, locale=lang, domain=domain)
    if domain == "catalog":
        result = merge_by_context(template, existing, lang, domain)
    else:
        result = existing or _new_catalog(lang, domain)
        result.update(template, no_fuzzy_matching=False)
        result.obsolete.clear()
    po.parent.mkdir(parents=True, exist_ok=True)
    with po.open("wb") as fh:
        write_po(
            fh, result, width=0, sort_by_file=True, include_previous=True, ignore_obsolete=True
        )
    return po


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: python -m kiosk.catalog.po_update TRANSLATIONS_DIR LANG...", file=sys.stderr)
        return 2
    root = Path(argv[0])
    for lang in argv[1:]:
        for domain in ("catalog", "ui"):
            print(update_language(root, lang, domain))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
