"""Merge freshly extracted templates into each language's PO files.

Catalog strings are matched by their context, which is built from ids: when the
German text of a context changes, its old translation is kept, marked fuzzy and
the previous German is recorded, so a translator sees exactly what changed.
(Babel's own update matches by similar German text, which can pair unrelated
strings of the same shape.) UI strings have no context and use Babel's update.

Counted texts are plural entries (``msgid_plural``, one ``msgstr[n]`` per form of
the language's ``Plural-Forms``); both merges keep all their forms. An entry that
becomes counted keeps its old translation as its first form, marked fuzzy.

Run as ``python -m kiosk.catalog.po_update TRANSLATIONS_DIR LANG...``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, unescape, write_po

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


Translation = str | tuple[str, ...]  # one string, or one per plural form


def _has_text(string: Translation) -> bool:
    return any(string) if isinstance(string, tuple) else bool(string)


def _fitted(string: object, msg: Message) -> tuple[Translation, bool]:
    """An old translation in the shape of the new entry *msg*, and whether a translation
    changed shape (singular <-> plural), which needs a translator's look."""
    old: Translation = ""
    if isinstance(string, str):
        old = string
    elif isinstance(string, (list, tuple)):
        old = tuple(str(s) for s in string)
    if msg.pluralizable and isinstance(old, str):
        return (old,), _has_text(old)  # the rest of the forms are written empty
    if not msg.pluralizable and isinstance(old, tuple):
        return (old[0] if old else ""), _has_text(old)
    return old, False


def _flag_reworded_plurals(result: Catalog, before: dict[tuple[str, str], tuple[str, ...]]) -> None:
    """Babel matches a plural entry by its singular alone, so a reworded German plural
    would keep its translations unflagged: flag it fuzzy, with the old German beside."""
    for msg in result:
        if not msg.id or not msg.pluralizable:
            continue
        ids = tuple(str(i) for i in msg.id)
        old = before.get((ids[0], msg.context or ""))
        if old is not None and old != ids:
            msg.flags.add("fuzzy")
            msg.previous_id = list(old)


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
        string: Translation = ""
        previous_id: list[str] = []
        if old is not None:
            string, reshaped = _fitted(old.string, msg)
            if old.fuzzy or reshaped:
                flags.add("fuzzy")
            previous_id = list(old.previous_id or [])
        elif msg.context in by_ctx:
            prior = by_ctx[msg.context]
            string, _ = _fitted(prior.string, msg)
            if _has_text(string):
                flags.add("fuzzy")
                previous_id = [prior.id] if isinstance(prior.id, str) else list(prior.id)
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


def _drop_unread_previous(catalog: Catalog) -> None:
    """Babel writes a fuzzy entry's old German as ``#| msgid "..."`` but reads those lines
    back as a translator comment: left so, every update would write them again as
    ``# | msgid`` and lose what they say. They become the entry's previous text again
    (kept while the entry is fuzzy, for the translator to see what changed)."""
    for message in catalog:
        previous = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
        if not previous:
            continue
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        old = [
            unescape(part.removeprefix("msgid").strip())
            for part in previous
            if part.startswith(("msgid ", '"'))
        ]
        if message.fuzzy and old:
            message.previous_id = ["".join(old)]


def update_language(root: Path, lang: str, domain: str) -> Path:
    pot = root / f"{domain}.pot"
    po = root / lang / "LC_MESSAGES" / f"{domain}.po"
    with pot.open("rb") as fh:
        template = read_po(fh)
    existing = None
    if po.exists():
        with po.open("rb") as fh:
            existing = read_po(fh, locale=lang, domain=domain)
        _drop_unread_previous(existing)
    if domain == "catalog":
        result = merge_by_context(template, existing, lang, domain)
    else:
        result = existing or _new_catalog(lang, domain)
        before = {
            (str(m.id[0]), m.context or ""): tuple(str(i) for i in m.id)
            for m in result
            if m.id and m.pluralizable
        }
        result.update(template, no_fuzzy_matching=False)
        result.obsolete.clear()
        _flag_reworded_plurals(result, before)
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
