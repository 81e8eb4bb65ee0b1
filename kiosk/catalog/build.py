"""Building the catalog: read every file, check everything, attach translations, hash.

Every problem is collected (not just the first), so one run of
``kiosk catalog validate`` gives an admin the whole list to fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError

from kiosk.catalog.clips import ClipTable, collect_clips
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.finder_check import check_finder
from kiosk.catalog.glossary_check import check_glossary
from kiosk.catalog.issues import CatalogError, Issue
from kiosk.catalog.placeholders import german_shown, placeholder_issues, untranslated_amounts
from kiosk.catalog.source import SourceFile, classify, read_source
from kiosk.catalog.translations import (
    LanguageCoverage,
    collect_translations,
    ui_coverage,
    ui_template,
)
from kiosk.definition.clips import Clips
from kiosk.definition.finder import Finder
from kiosk.definition.glossary import Glossary
from kiosk.definition.law import LawBook, LawConstant, LawValue, law_constants
from kiosk.definition.model import (
    Catalog,
    CatalogHeader,
    CodeList,
    Form,
    FormField,
    InfoSheet,
    Office,
    Offices,
    Topic,
    Topics,
    iter_fields,
)
from kiosk.definition.strings import CatalogString, document_strings
from kiosk.engine.compiler import compile_form
from kiosk.locales import carried

if TYPE_CHECKING:
    from kiosk.catalog.proof_limits import ProofLimits

#: Field types each profile key may fill, so prefill never puts a date into a name.
PREFILL_TYPES: dict[str, frozenset[str]] = {
    "family_name": frozenset({"person_name"}),
    "given_names": frozenset({"person_name"}),
    "birth_name": frozenset({"person_name"}),
    "birth_date": frozenset({"date"}),
    "birth_place": frozenset({"place", "text"}),
    "birth_country": frozenset({"country"}),
    "sex": frozenset({"choice"}),
    "nationality": frozenset({"nationality", "country"}),
    "address": frozenset({"address"}),
    "phone": frozenset({"phone"}),
    "email": frozenset({"email"}),
    "household": frozenset({"group"}),
}


@dataclass
class BuildResult:
    catalog: CompiledCatalog | None
    issues: list[Issue]
    coverage: dict[str, LanguageCoverage] = field(default_factory=dict)
    strings: list[tuple[SourceFile, CatalogString]] = field(default_factory=list)
    #: where the PO files were read from, and the folder their names are shown relative to
    translations_root: Path | None = None
    display_root: Path | None = None

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def ok(self) -> bool:
        return self.catalog is not None and not self.errors


def discover(root: Path) -> tuple[list[SourceFile], list[Issue]]:
    """Every YAML file of the catalog folder, classified by where it lies."""
    files: list[SourceFile] = []
    issues: list[Issue] = []
    if not root.is_dir():
        return [], [Issue(str(root), 1, "(folder)", "the catalog folder does not exist")]
    for path in sorted(p for p in root.rglob("*") if p.suffix in {".yaml", ".yml"}):
        relative = path.relative_to(root)
        display = str(root.name / relative) if root.name else str(relative)
        kind = classify(relative)
        if kind is None:
            issues.append(
                Issue(
                    display,
                    1,
                    "(file)",
                    "unexpected file: put forms in <office>/, code lists in codelists/, "
                    "info sheets in info/; only catalog.yaml, offices.yaml, topics.yaml, "
                    "law.yaml, finder.yaml, glossary.yaml and audio.yaml stand at the top",
                )
            )
            continue
        files.append(SourceFile(path, display, kind))
    if not any(f.kind == "catalog" for f in files):
        issues.append(
            Issue(
                str(root.name or root),
                1,
                "catalog.yaml",
                "catalog.yaml is missing (id, title, version, languages)",
            )
        )
    return files, issues


def build_catalog(
    root: Path,
    translations_root: Path | None = None,
    *,
    languages: Iterable[str] | None = None,
    prove: ProofLimits | None = None,
) -> BuildResult:
    """Read, check and compile the catalog at *root*; never raises for bad input.

    With *prove*, also prove that every form can be finished (see
    :mod:`kiosk.catalog.completability`), within those limits.
    """
    root = root.resolve()
    translations_root = (translations_root or root.parent / "translations").resolve()
    files, issues = discover(root)
    for source in files:
        issues.extend(read_source(source))
    loaded = [f for f in files if f.model is not None]
    issues.extend(_check(loaded))
    strings = [(f, s) for f in loaded for s in document_strings(f.model)]
    issues.extend(_duplicate_contexts(strings))
    issues.extend(placeholder_issues(strings, loaded))
    header = next((f.model for f in loaded if isinstance(f.model, CatalogHeader)), None)
    result = BuildResult(
        None, issues, strings=strings, translations_root=translations_root, display_root=root.parent
    )
    if header is None or any(i.is_error for i in issues):
        result.issues = sorted(issues)
        return result
    german = {s.ctx: s.text for _, s in strings}
    translations: dict[str, dict[str, str]] = {}
    for lang in languages or header.languages:
        if lang == header.source_language:
            result.coverage[lang] = LanguageCoverage(lang, len(german), len(german))
            continue
        found, coverage, po_issues = collect_translations(
            german, translations_root, lang, root.parent
        )
        translations[lang] = untranslated_amounts(found, german)
        result.coverage[lang] = coverage
        issues.extend(po_issues)
    withheld = _incomplete(result.coverage, translations_root, header.source_language)
    where = _languages_line(root / "catalog.yaml", root.parent)
    for lang, percent in withheld.items():  # its texts stay: checked, and for previews
        issues.append(Issue(*where, lang, _withheld_reason(percent), "warning"))
    catalog = Catalog(
        header=header,
        offices=[o for f in loaded if isinstance(f.model, Offices) for o in f.model.offices],
        topics=[t for f in loaded if isinstance(f.model, Topics) for t in f.model.topics],
        info_sheets=sorted(
            (f.model for f in loaded if isinstance(f.model, InfoSheet)), key=lambda s: s.id
        ),
        codelists=sorted(
            (f.model for f in loaded if isinstance(f.model, CodeList)), key=lambda c: c.id
        ),
        forms=sorted((f.model for f in loaded if isinstance(f.model, Form)), key=lambda x: x.id),
        law=[v for f in loaded if isinstance(f.model, LawBook) for v in f.model.values],
        finder=next((f.model for f in loaded if isinstance(f.model, Finder)), None),
        glossary=[e for f in loaded if isinstance(f.model, Glossary) for e in f.model.terms],
    )
    clips: ClipTable = {}
    for source in loaded:
        if isinstance(source.model, Clips):
            clips, clip_issues = collect_clips(source, root, header.languages, set(german))
            issues.extend(clip_issues)
    result.catalog = CompiledCatalog.create(
        german_shown(catalog), translations, withheld, clips=clips
    )
    if prove is not None:  # imported here: the solver is for admins, not for terminals
        issues.extend(_proof(result.catalog, loaded, prove, root))
    result.issues = sorted(issues)
    return result


def _incomplete(
    coverage: dict[str, LanguageCoverage], translations_root: Path, source: str
) -> dict[str, float]:
    """The languages to keep from visitors, with the share of their texts that is done:
    those missing a catalog text or a text of the kiosk's own screens."""
    out: dict[str, float] = {}
    template = ui_template(translations_root)
    for lang, cov in coverage.items():
        if lang == source:
            continue
        # 2,394 of 2,395 rounds to 100.0: a missing text must never read as complete
        catalog = min(cov.percent, 99.9) if cov.missing else 100.0
        done = min(catalog, ui_coverage(translations_root, lang, template))
        if done < 100.0:
            out[lang] = done
    return out


def _withheld_reason(percent: float) -> str:
    return (
        f"withheld from visitors: {percent}% of its texts are translated; a language "
        "is offered only when every catalog and screen text is"
    )


def _languages_line(path: Path, shown_from: Path) -> tuple[str, int]:
    """Where ``catalog.yaml`` lists its languages, as admins read file:line."""
    try:
        shown = str(path.relative_to(shown_from))
    except ValueError:
        shown = str(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return shown, 1
    number = next((n for n, line in enumerate(lines, 1) if line.startswith("languages")), 1)
    return shown, number


def _proof(
    catalog: CompiledCatalog, loaded: list[SourceFile], limits: ProofLimits, root: Path
) -> list[Issue]:
    """The proof that every form can be finished, or why it cannot run here: the terminal
    bundle carries no solver, so a catalog is proven where admins build it."""
    try:
        from kiosk.catalog.completability import prove_built_catalog
    except ImportError as exc:
        reason = (
            f"the proof that every form can be finished needs {exc.name or 'z3'}, which this "
            "installation (the terminal bundle) does not carry: validate and build catalogs "
            "with the kiosk's Python package"
        )
        return [Issue(root.name, 1, "(proof)", reason)]
    return prove_built_catalog(catalog, loaded, limits)


def missing_translation_issues(result: BuildResult, *, severity: str) -> list[Issue]:
    """One line per language, and one per missing string, pointing at the German source."""
    out: list[Issue] = []
    where = {s.ctx: (f, s) for f, s in result.strings}
    for lang, cov in sorted(result.coverage.items()):
        if not cov.missing:
            continue
        out.append(
            Issue(
                f"translations/{lang}/LC_MESSAGES/catalog.po",
                1,
                lang,
                f"{len(cov.missing)} of {cov.total} catalog strings not translated "
                f"({cov.percent}% done)",
                severity,
            )
        )
        if severity == "error":
            for ctx in cov.missing:
                source, s = where[ctx]
                out.append(
                    Issue(
                        source.display,
                        source.line_of(s.loc),
                        ctx,
                        f"no translation into '{lang}'",
                        severity,
                    )
                )
    return out


def load_catalog(root: Path, translations_root: Path | None = None) -> CompiledCatalog:
    """Build the catalog or raise :class:`CatalogError` with every problem."""
    result = build_catalog(root, translations_root)
    if result.catalog is None or result.errors:
        raise CatalogError(result.issues)
    return result.catalog


# --------------------------------------------------------------------- checks


def _check(files: list[SourceFile]) -> list[Issue]:
    issues: list[Issue] = []
    by_kind: dict[str, list[SourceFile]] = {}
    for f in files:
        by_kind.setdefault(f.kind, []).append(f)
    header_files = by_kind.get("catalog", [])
    for hf in header_files:
        assert isinstance(hf.model, CatalogHeader)
        issues.extend(_check_languages(hf, hf.model))
    offices: dict[str, Office] = {}
    for f in by_kind.get("offices", []):
        assert isinstance(f.model, Offices)
        for i, office in enumerate(f.model.offices):
            if office.id in offices:
                issues.append(
                    f.issue(("offices", i, "id"), f"office id '{office.id}' is used twice")
                )
            offices[office.id] = office
    if not by_kind.get("offices"):
        issues.append(Issue("offices.yaml", 1, "(file)", "offices.yaml is missing"))
    topics: dict[str, Topic] = {}
    for f in by_kind.get("topics", []):
        assert isinstance(f.model, Topics)
        for i, topic in enumerate(f.model.topics):
            if topic.id in topics:
                issues.append(f.issue(("topics", i, "id"), f"topic id '{topic.id}' is used twice"))
            topics[topic.id] = topic
    codelists = _unique(by_kind.get("codelist", []), "code list", issues)
    sheets = _unique(by_kind.get("info", []), "info sheet", issues)
    for f in by_kind.get("codelist", []):
        assert isinstance(f.model, CodeList)
        issues.extend(_duplicate_options(f, f.model.options, ("options",)))
    for f in by_kind.get("info", []):
        assert isinstance(f.model, InfoSheet)
        if f.model.office not in offices:
            issues.append(f.issue(("office",), f"unknown office '{f.model.office}'"))
        for ti, topic_id in enumerate(f.model.topics):
            if topic_id not in topics:
                issues.append(f.issue(("topics", ti), f"unknown topic '{topic_id}'"))
        seen: set[str] = set()
        for i, section in enumerate(f.model.sections):
            if section.id in seen:
                issues.append(
                    f.issue(("sections", i, "id"), f"section id '{section.id}' is used twice")
                )
            seen.add(section.id)
    cl_models = {
        k: v for k, v in ((k, f.model) for k, f in codelists.items()) if isinstance(v, CodeList)
    }
    laws = _law_values(by_kind.get("law", []), issues)
    _unique(by_kind.get("form", []), "form", issues)
    for f in by_kind.get("form", []):
        assert isinstance(f.model, Form)
        issues.extend(_check_form(f, f.model, offices, topics, sheets, cl_models, laws))
    forms = {f.model.id: f.model for f in by_kind.get("form", []) if isinstance(f.model, Form)}
    for f in by_kind.get("finder", []):
        issues.extend(check_finder(f, forms, frozenset(sheets), cl_models, laws))
    for f in by_kind.get("glossary", []):
        issues.extend(check_glossary(f))
    return issues


def _law_values(files: list[SourceFile], issues: list[Issue]) -> dict[str, LawConstant]:
    """The named law values that ``law('id')`` may read; an id given twice is an error."""
    values: list[LawValue] = []
    for f in files:
        assert isinstance(f.model, LawBook)
        for i, value in enumerate(f.model.values):
            if any(v.id == value.id for v in values):
                issues.append(
                    f.issue(("values", i, "id"), f"law value id '{value.id}' is used twice")
                )
            values.append(value)
    return law_constants(values)


def _unique(files: list[SourceFile], what: str, issues: list[Issue]) -> dict[str, SourceFile]:
    seen: dict[str, SourceFile] = {}
    for f in files:
        doc_id = getattr(f.model, "id", None)
        if not isinstance(doc_id, str):
            continue
        if doc_id in seen:
            issues.append(
                f.issue(("id",), f"{what} id '{doc_id}' is also used in {seen[doc_id].display}")
            )
        else:
            seen[doc_id] = f
    return seen


def _check_languages(f: SourceFile, header: CatalogHeader) -> list[Issue]:
    out: list[Issue] = []
    if header.source_language not in header.languages:
        out.append(
            f.issue(
                ("languages",),
                f"the languages must include the source language '{header.source_language}'",
            )
        )
    seen: set[str] = set()
    for i, lang in enumerate(header.languages):
        if lang in seen:
            out.append(f.issue(("languages", i), f"language '{lang}' is listed twice"))
        seen.add(lang)
        try:
            Locale.parse(lang)
        except (ValueError, UnknownLocaleError):
            out.append(f.issue(("languages", i), f"'{lang}' is not a language code CLDR knows"))
            continue
        if not carried(lang):
            out.append(
                f.issue(
                    ("languages", i),
                    f"terminals carry no locale data for '{lang}' (names, numbers, dates, "
                    "plurals): add it to kiosk/locales.py first, then rebuild the terminals",
                )
            )
    return out


def _duplicate_options(
    f: SourceFile, options: Sequence[object] | None, base: tuple[str | int, ...]
) -> list[Issue]:
    out: list[Issue] = []
    seen: set[str] = set()
    for i, opt in enumerate(options or ()):
        value = getattr(opt, "value", None)
        if value in seen:
            out.append(f.issue(base + (i, "value"), f"option value '{value}' is used twice"))
        if isinstance(value, str):
            seen.add(value)
    return out


def _check_form(
    f: SourceFile,
    form: Form,
    offices: dict[str, Office],
    topics: dict[str, Topic],
    sheets: dict[str, SourceFile],
    codelists: dict[str, CodeList],
    laws: dict[str, LawConstant],
) -> list[Issue]:
    out: list[Issue] = []
    if form.office not in offices:
        out.append(f.issue(("office",), f"unknown office '{form.office}'"))
    elif not offices[form.office].receives_applications:
        out.append(
            f.issue(
                ("office",),
                f"office '{form.office}' receives no applications (receives_applications: "
                "false in offices.yaml); address the form to an office that does",
            )
        )
    elif f.path.parent.name != form.office:
        out.append(
            f.issue(
                ("office",),
                f"the form is in folder '{f.path.parent.name}/' but "
                f"addressed to '{form.office}'; move it to '{form.office}/'",
            )
        )
    for i, topic in enumerate(form.topics):
        if topic not in topics:
            out.append(f.issue(("topics", i), f"unknown topic '{topic}'"))
    if form.info_sheet is not None and form.info_sheet not in sheets:
        out.append(f.issue(("info_sheet",), f"unknown info sheet '{form.info_sheet}'"))
    page_ids: set[str] = set()
    for pi, page in enumerate(form.pages):
        if page.id in page_ids:
            out.append(f.issue(("pages", pi, "id"), f"page id '{page.id}' is used twice"))
        page_ids.add(page.id)
        for fi, form_field in enumerate(page.fields):
            loc: tuple[str | int, ...] = ("pages", pi, "fields", fi)
            out.extend(_check_field(f, form_field, loc))
            for ci, child in enumerate(form_field.fields or ()):
                out.extend(_check_field(f, child, loc + ("fields", ci)))
    rule_ids: set[str] = set()
    for ri, rule in enumerate(form.rules):
        if rule.id in rule_ids:
            out.append(f.issue(("rules", ri, "id"), f"rule id '{rule.id}' is used twice"))
        rule_ids.add(rule.id)
    problems: list[tuple[tuple[str | int, ...], str]] = []
    compile_form(form, codelists, laws=laws, collect=problems)
    out.extend(f.issue(loc, message) for loc, message in problems)
    if not any(fl.holds_answer for page in form.pages for fl in iter_fields(page.fields)):
        out.append(f.issue(("pages",), "the form asks nothing: add at least one question"))
    return out


def _check_field(f: SourceFile, field: FormField, loc: tuple[str | int, ...]) -> list[Issue]:
    out = _duplicate_options(f, field.options, loc + ("options",))
    out += _duplicate_options(f, field.extra_options, loc + ("extra_options",))
    if field.prefill is not None and field.type not in PREFILL_TYPES[field.prefill]:
        allowed = ", ".join(sorted(PREFILL_TYPES[field.prefill]))
        out.append(
            f.issue(
                loc + ("prefill",),
                f"prefill '{field.prefill}' fits fields of type {allowed}, not '{field.type}'",
            )
        )
    return out


def _duplicate_contexts(strings: list[tuple[SourceFile, CatalogString]]) -> list[Issue]:
    seen: dict[str, SourceFile] = {}
    out: list[Issue] = []
    for f, s in strings:
        if s.ctx in seen and seen[s.ctx] is not f:
            out.append(
                f.issue(s.loc, f"translation context '{s.ctx}' clashes with {seen[s.ctx].display}")
            )
        seen.setdefault(s.ctx, f)
    return out
