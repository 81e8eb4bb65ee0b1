"""Every translatable string of the catalog, with a stable gettext context.

The context (``msgctxt``) is built from ids, never from positions or the German
text, so that rewording German makes the translation fuzzy (PO tools keep it
and ask for review) instead of orphaning it, and reordering fields changes
nothing. The Babel extractor, the compiler and the coverage statistics all use
this one inventory, so they can never disagree about what must be translated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from kiosk.definition.clips import Clips
from kiosk.definition.finder import Finder
from kiosk.definition.glossary import Glossary
from kiosk.definition.law import LawBook
from kiosk.definition.model import (
    CatalogHeader,
    CodeList,
    Form,
    FormField,
    InfoSheet,
    Offices,
    Option,
    Topics,
)

Loc = tuple[str | int, ...]


class CatalogString(NamedTuple):
    ctx: str
    text: str
    loc: Loc  # path inside its source file, for line numbers
    comment: str


def form_ctx(form_id: str, *parts: str) -> str:
    return ":".join(("form", form_id, *parts))


def field_ctx(form_id: str, field_key: str, attr: str) -> str:
    """``field_key`` is ``id`` or ``group.id``."""
    return form_ctx(form_id, field_key, attr)


def option_ctx(form_id: str, field_key: str, value: str, attr: str = "label") -> str:
    suffix = () if attr == "label" else (attr,)
    return form_ctx(form_id, field_key, "option", value, *suffix)


def constraint_ctx(form_id: str, field_key: str, index: int) -> str:
    return form_ctx(form_id, field_key, "constraint", str(index))


def rule_ctx(form_id: str, rule_id: str) -> str:
    return form_ctx(form_id, "rule", rule_id)


def page_ctx(form_id: str, page_id: str, attr: str) -> str:
    return form_ctx(form_id, "page", page_id, attr)


def codelist_ctx(codelist_id: str, value: str | None = None, attr: str = "label") -> str:
    if value is None:
        return f"codelist:{codelist_id}:title"
    return f"codelist:{codelist_id}:{value}" + ("" if attr == "label" else f":{attr}")


def office_ctx(office_id: str, attr: str) -> str:
    return f"office:{office_id}:{attr}"


def topic_ctx(topic_id: str, attr: str) -> str:
    return f"topic:{topic_id}:{attr}"


def info_ctx(sheet_id: str, *parts: str) -> str:
    return ":".join(("info", sheet_id, *parts))


def finder_question_ctx(question_id: str, *parts: str) -> str:
    """``text``, ``help``, or ``answer, VALUE`` (its label) and ``answer, VALUE, description``."""
    return ":".join(("finder", "question", question_id, *parts))


def finder_route_ctx(route_id: str, *parts: str) -> str:
    """``why``, or ``bring, N``."""
    return ":".join(("finder", "route", route_id, *parts))


def glossary_ctx(entry_id: str, attr: str) -> str:
    """``term`` (the term in the visitor's language) or ``explanation``."""
    return f"glossary:{entry_id}:{attr}"


def _options(
    options: list[Option] | None, base: Loc, ctx_of: tuple[str, str], key: str
) -> Iterator[CatalogString]:
    form_id, field_key = ctx_of
    for i, opt in enumerate(options or ()):
        yield CatalogString(
            option_ctx(form_id, field_key, opt.value), opt.label, base + (i, "label"), "option"
        )
        if opt.help:
            yield CatalogString(
                option_ctx(form_id, field_key, opt.value, "help"),
                opt.help,
                base + (i, "help"),
                "option help",
            )


def _field(form_id: str, f: FormField, key: str, loc: Loc) -> Iterator[CatalogString]:
    yield CatalogString(field_ctx(form_id, key, "label"), f.label, loc + ("label",), f.type)
    if f.help:
        yield CatalogString(field_ctx(form_id, key, "help"), f.help, loc + ("help",), "help")
    if f.pattern_message:
        yield CatalogString(
            field_ctx(form_id, key, "pattern_message"),
            f.pattern_message,
            loc + ("pattern_message",),
            "message",
        )
    if f.item_label:
        yield CatalogString(
            field_ctx(form_id, key, "item_label"), f.item_label, loc + ("item_label",), "item"
        )
    yield from _options(f.options, loc + ("options",), (form_id, key), key)
    yield from _options(f.extra_options, loc + ("extra_options",), (form_id, key), key)
    if f.consent:
        yield CatalogString(
            field_ctx(form_id, key, "consent"),
            f.consent.text,
            loc + ("consent", "text"),
            f"consent text, version {f.consent.version}",
        )
    for i, c in enumerate(f.constraints):
        yield CatalogString(
            constraint_ctx(form_id, key, i),
            c.message,
            loc + ("constraints", i, "message"),
            "message",
        )


def form_strings(form: Form) -> Iterator[CatalogString]:
    fid = form.id
    yield CatalogString(form_ctx(fid, "title"), form.title, ("title",), "form title")
    yield CatalogString(form_ctx(fid, "description"), form.description, ("description",), "")
    if form.keywords:
        yield CatalogString(
            form_ctx(fid, "keywords"),
            form.keywords,
            ("keywords",),
            "comma-separated search words; add common words of your language",
        )
    for i, doc in enumerate(form.documents_needed):
        yield CatalogString(
            form_ctx(fid, "document", str(i)), doc, ("documents_needed", i), "document to bring"
        )
    yield CatalogString(form_ctx(fid, "next_steps"), form.next_steps, ("next_steps",), "")
    for pi, page in enumerate(form.pages):
        yield CatalogString(
            page_ctx(fid, page.id, "title"), page.title, ("pages", pi, "title"), "page"
        )
        if page.intro:
            yield CatalogString(
                page_ctx(fid, page.id, "intro"), page.intro, ("pages", pi, "intro"), "page intro"
            )
        for fi, f in enumerate(page.fields):
            loc: Loc = ("pages", pi, "fields", fi)
            yield from _field(fid, f, f.id, loc)
            for ci, child in enumerate(f.fields or ()):
                yield from _field(fid, child, f"{f.id}.{child.id}", loc + ("fields", ci))
    for ri, rule in enumerate(form.rules):
        yield CatalogString(
            rule_ctx(fid, rule.id), rule.message, ("rules", ri, "message"), "message"
        )


def offices_strings(doc: Offices) -> Iterator[CatalogString]:
    for i, o in enumerate(doc.offices):
        base: Loc = ("offices", i)
        yield CatalogString(office_ctx(o.id, "name"), o.name, base + ("name",), "office name")
        yield CatalogString(
            office_ctx(o.id, "description"), o.description, base + ("description",), ""
        )
        yield CatalogString(
            office_ctx(o.id, "opening_hours"),
            o.contact.opening_hours,
            base + ("contact", "opening_hours"),
            "opening hours",
        )


def topics_strings(doc: Topics) -> Iterator[CatalogString]:
    for i, t in enumerate(doc.topics):
        base: Loc = ("topics", i)
        yield CatalogString(topic_ctx(t.id, "title"), t.title, base + ("title",), "topic title")
        yield CatalogString(
            topic_ctx(t.id, "description"),
            t.description,
            base + ("description",),
            "what a visitor would say, in the first person",
        )
        if t.keywords:
            yield CatalogString(
                topic_ctx(t.id, "keywords"), t.keywords, base + ("keywords",), "search words"
            )


def info_strings(sheet: InfoSheet) -> Iterator[CatalogString]:
    yield CatalogString(info_ctx(sheet.id, "title"), sheet.title, ("title",), "info sheet title")
    for i, s in enumerate(sheet.sections):
        yield CatalogString(
            info_ctx(sheet.id, s.id, "heading"), s.heading, ("sections", i, "heading"), "heading"
        )
        yield CatalogString(info_ctx(sheet.id, s.id, "body"), s.body, ("sections", i, "body"), "")


def codelist_strings(cl: CodeList) -> Iterator[CatalogString]:
    yield CatalogString(codelist_ctx(cl.id), cl.title, ("title",), "code list title")
    for i, opt in enumerate(cl.options):
        yield CatalogString(
            codelist_ctx(cl.id, opt.value), opt.label, ("options", i, "label"), "option"
        )
        if opt.help:
            yield CatalogString(
                codelist_ctx(cl.id, opt.value, "help"), opt.help, ("options", i, "help"), "help"
            )


def header_strings(header: CatalogHeader) -> Iterator[CatalogString]:
    yield CatalogString("catalog:title", header.title, ("title",), "catalog title")


def law_strings(book: LawBook) -> Iterator[CatalogString]:
    """None: law values and their descriptions are for admins, never shown to visitors."""
    return iter(())


def finder_strings(finder: Finder) -> Iterator[CatalogString]:
    for qi, q in enumerate(finder.questions):
        base: Loc = ("questions", qi)
        yield CatalogString(
            finder_question_ctx(q.id, "text"), q.text, base + ("text",), "finder question"
        )
        if q.help:
            yield CatalogString(finder_question_ctx(q.id, "help"), q.help, base + ("help",), "help")
        for ai, a in enumerate(q.answers or ()):
            yield CatalogString(
                finder_question_ctx(q.id, "answer", a.value),
                a.label,
                base + ("answers", ai, "label"),
                "answer button; keep German names of papers beside the translation",
            )
            if a.description:
                yield CatalogString(
                    finder_question_ctx(q.id, "answer", a.value, "description"),
                    a.description,
                    base + ("answers", ai, "description"),
                    "what the paper looks like or what the answer means",
                )
    for ri, route in enumerate(finder.routes):
        yield CatalogString(
            finder_route_ctx(route.id, "why"),
            route.why,
            ("routes", ri, "why"),
            "why this office is the right one",
        )
        for i, item in enumerate(route.bring):
            yield CatalogString(
                finder_route_ctx(route.id, "bring", str(i)),
                item,
                ("routes", ri, "bring", i),
                "document to bring",
            )


def glossary_strings(glossary: Glossary) -> Iterator[CatalogString]:
    for i, entry in enumerate(glossary.terms):
        base: Loc = ("terms", i)
        yield CatalogString(
            glossary_ctx(entry.id, "term"),
            entry.term,
            base + ("term",),
            "German administrative term: its name in your language (the German stays beside it)",
        )
        yield CatalogString(
            glossary_ctx(entry.id, "explanation"),
            entry.explanation,
            base + ("explanation",),
            f"plain one-line explanation of '{entry.term}'; shown beside the German one",
        )


_BY_KIND: dict[type, Callable[[Any], Iterator[CatalogString]]] = {
    Form: form_strings,
    Offices: offices_strings,
    Topics: topics_strings,
    InfoSheet: info_strings,
    CodeList: codelist_strings,
    CatalogHeader: header_strings,
    LawBook: law_strings,
    Finder: finder_strings,
    Glossary: glossary_strings,
    Clips: lambda _clips: iter(()),  # recordings of texts, not texts of their own
}


def document_strings(doc: object) -> Iterator[CatalogString]:
    """Strings of any loaded catalog document."""
    return _BY_KIND[type(doc)](doc)
