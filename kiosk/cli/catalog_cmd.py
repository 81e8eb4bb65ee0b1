"""``kiosk catalog ...``: the admin's tools for the form catalog."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported by the commands themselves, so `kiosk` starts fast
    from kiosk.catalog.build import BuildResult
    from kiosk.catalog.compiled import CompiledCatalog

from kiosk.cli.common import add_catalog_path
from kiosk.paths import default_catalog_dir


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("catalog", help="validate, inspect and build the form catalog")
    csub = parser.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)

    p = csub.add_parser(
        "validate", help="check the catalog; print every problem as file:line: path: message"
    )
    add_catalog_path(p)
    p.add_argument(
        "--strict-translations",
        action="store_true",
        help="treat missing translations as errors and list each one",
    )
    p.set_defaults(handler=cmd_validate)

    p = csub.add_parser("stats", help="offices, forms, fields and translation coverage")
    add_catalog_path(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_stats)

    p = csub.add_parser("schema", help="JSON Schemas of the catalog files, for editors")
    p.add_argument("--out", metavar="DIR", help="write one schema per file kind into DIR")
    p.add_argument(
        "--kind",
        default="form",
        choices=["catalog", "offices", "topics", "codelist", "info", "form"],
        help="the schema to print when --out is not given (default: form)",
    )
    p.set_defaults(handler=cmd_schema)

    p = csub.add_parser("preview", help="PNG screenshots of every page of every form, per language")
    add_catalog_path(p)
    p.add_argument("--out", metavar="DIR", required=True)
    p.add_argument("--lang", action="append", metavar="LANG", help="only these languages")
    p.add_argument("--form", action="append", metavar="FORM", help="only these forms")
    p.set_defaults(handler=cmd_preview)

    p = csub.add_parser("build", help="compile the catalog into one JSON file with a content hash")
    add_catalog_path(p)
    p.add_argument("--out", metavar="FILE", required=True)
    p.set_defaults(handler=cmd_build)


def _build(args: argparse.Namespace) -> tuple[Path, BuildResult]:
    from kiosk.catalog.build import build_catalog

    root = Path(args.path) if args.path else default_catalog_dir()
    translations = Path(args.translations) if args.translations else None
    return root, build_catalog(root, translations)


def cmd_validate(args: argparse.Namespace) -> int:
    from kiosk.catalog.build import missing_translation_issues

    root, result = _build(args)
    severity = "error" if args.strict_translations else "warning"
    issues = result.issues + missing_translation_issues(result, severity=severity)
    for issue in issues:
        print(issue)
    errors = [i for i in issues if i.is_error]
    if errors or result.catalog is None:
        print(f"{root}: {len(errors)} error(s)", file=sys.stderr)
        return 1
    catalog = result.catalog.catalog
    print(
        f"{root}: ok: {len(catalog.offices)} offices, {len(catalog.forms)} forms, "
        f"{len(issues)} warning(s)",
        file=sys.stderr,
    )
    return 0


def stats_of(result: BuildResult) -> dict[str, Any]:
    from kiosk.catalog.model import iter_fields

    assert result.catalog is not None
    catalog = result.catalog.catalog
    forms = []
    for form in catalog.forms:
        fields = [f for page in form.pages for f in iter_fields(page.fields) if f.holds_answer]
        forms.append(
            {
                "id": form.id,
                "version": form.version,
                "office": form.office,
                "pages": len(form.pages),
                "fields": len(fields),
            }
        )
    return {
        "catalog": catalog.header.id,
        "version": catalog.header.version,
        "content_hash": result.catalog.content_hash,
        "offices": [
            {"id": o.id, "name": o.name, "forms": sum(1 for f in catalog.forms if f.office == o.id)}
            for o in catalog.offices
        ],
        "forms": forms,
        "fields": sum(f["fields"] for f in forms),
        "strings": len(result.strings),
        "languages": {
            lang: {"translated": cov.translated, "total": cov.total, "percent": cov.percent}
            for lang, cov in result.coverage.items()
        },
    }


def cmd_stats(args: argparse.Namespace) -> int:
    root, result = _build(args)
    if result.catalog is None or result.errors:
        for issue in result.errors:
            print(issue, file=sys.stderr)
        print(f"{root}: the catalog has errors; run `kiosk catalog validate`", file=sys.stderr)
        return 1
    stats = stats_of(result)
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    print(f"{stats['catalog']} v{stats['version']} ({stats['content_hash'][:19]}...)")
    print(
        f"{len(stats['offices'])} offices, {len(stats['forms'])} forms, "
        f"{stats['fields']} fields, {stats['strings']} strings"
    )
    for form in stats["forms"]:
        print(
            f"  {form['office']:<20} {form['id']:<28} v{form['version']:<3} "
            f"{form['fields']:>3} fields"
        )
    for lang, cov in stats["languages"].items():
        print(f"  {lang:<4} {cov['percent']:>6}%  ({cov['translated']}/{cov['total']})")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from kiosk.catalog.schema import write_schemas

    if args.out:
        for path in write_schemas(Path(args.out)):
            print(path)
        return 0
    from kiosk.catalog.schema import schema_for

    print(json.dumps(schema_for(args.kind), indent=2, ensure_ascii=False))
    return 0


def _catalog_or_report(args: argparse.Namespace) -> CompiledCatalog | None:
    """The built catalog, or None after printing every error."""
    _, result = _build(args)
    if result.catalog is None or result.errors:
        for issue in result.errors:
            print(issue, file=sys.stderr)
        return None
    return result.catalog


def cmd_build(args: argparse.Namespace) -> int:
    catalog = _catalog_or_report(args)
    if catalog is None:
        return 1
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_bytes(catalog.to_json())
    tmp.replace(out)
    print(f"{out}: {catalog.content_hash}")
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    catalog = _catalog_or_report(args)
    if catalog is None:
        return 1
    unknown = [lang for lang in args.lang or [] if lang not in catalog.languages]
    unknown += [f for f in args.form or [] if f not in {x.id for x in catalog.catalog.forms}]
    if unknown:
        print(f"not in the catalog: {', '.join(unknown)}", file=sys.stderr)
        return 2
    from ui.preview import render_previews  # Qt only for this command

    written = render_previews(catalog, Path(args.out), args.lang, args.form)
    print(f"{len(written)} page(s) written to {args.out}")
    return 0
