"""``kiosk catalog ...``: the admin's tools for the form catalog."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported by the commands themselves, so `kiosk` starts fast
    from kiosk.catalog.build import BuildResult
    from kiosk.catalog.compiled import CompiledCatalog
    from kiosk.catalog.issues import Issue
    from kiosk.catalog.proof_limits import ProofLimits

from cli.catalog_signing import cmd_keygen, cmd_publish, cmd_sign, cmd_verify, write_atomically
from cli.common import add_catalog_path
from kiosk.paths import default_catalog_dir

DEPLOYMENT = r"[a-z0-9][a-z0-9_.-]{0,62}"


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
        help="treat missing translations, and translations without the German term of "
        "the glossary, as errors and list each one",
    )
    _add_proof_options(p)
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
        choices=["catalog", "offices", "topics", "codelist", "info", "form", "law", "glossary"],
        help="the schema to print when --out is not given (default: form)",
    )
    p.set_defaults(handler=cmd_schema)

    p = csub.add_parser("preview", help="PNG screenshots of every page of every form, per language")
    add_catalog_path(p)
    p.add_argument("--out", metavar="DIR", required=True)
    p.add_argument("--lang", action="append", metavar="LANG", help="only these languages")
    p.add_argument("--form", action="append", metavar="FORM", help="only these forms")
    p.set_defaults(handler=cmd_preview)

    p = csub.add_parser(
        "build", help="compile the catalog into an unsigned bundle (catalog, translations, staff)"
    )
    add_catalog_path(p)
    p.add_argument("--out", metavar="BUNDLE", required=True, help="the bundle file to write")
    p.add_argument(
        "--staff",
        metavar="STAFF_LIST",
        help='staff list file ({"staff": [...]}) for the terminals (default: none in the '
        "bundle; terminals keep the staff they have)",
    )
    p.add_argument(
        "--deployment",
        metavar="NAME",
        help="which installation the bundle is for (default: the catalog's id)",
    )
    p.add_argument(
        "--office-keys",
        metavar="DIR",
        help="sealing keys for offices without public_key in offices.yaml: DIR/OFFICE.pub.pem "
        "as `kiosk office keygen` writes them (every office needs one, or the build fails)",
    )
    p.add_argument(
        "--strict-translations",
        action="store_true",
        help="build nothing while a translation is missing or lacks the German term of "
        "the glossary (as `validate --strict-translations` reports them)",
    )
    _add_proof_options(p)
    p.set_defaults(handler=cmd_build)

    p = csub.add_parser("keygen", help="make an Ed25519 key pair for signing catalog bundles")
    p.add_argument("--out", metavar="PATH", required=True, help="private key; PATH.pub: public key")
    p.set_defaults(handler=cmd_keygen)

    p = csub.add_parser("sign", help="add your signature to a bundle (rewrites the file)")
    p.add_argument("bundle", metavar="BUNDLE")
    p.add_argument("--key", metavar="KEY", required=True, help="your private key")
    p.set_defaults(handler=cmd_sign)

    p = csub.add_parser("verify", help="check a bundle as a terminal would")
    p.add_argument("bundle", metavar="BUNDLE")
    p.add_argument(
        "--key",
        metavar="PUB",
        action="append",
        required=True,
        help="a trusted public key (repeat for several)",
    )
    p.add_argument("--deployment", metavar="NAME", help="refuse a bundle for another deployment")
    p.add_argument(
        "--newer-than", metavar="VERSION", type=int, help="refuse a version not above this"
    )
    p.set_defaults(handler=cmd_verify)

    p = csub.add_parser("publish", help="upload a signed bundle to the central server")
    p.add_argument("bundle", metavar="BUNDLE")
    p.add_argument("--server", metavar="URL", required=True)
    p.add_argument(
        "--token",
        metavar="ADMIN_TOKEN",
        default=None,
        help="from `kiosk server admin-token` (default: $KIOSK_ADMIN_TOKEN)",
    )
    p.add_argument(
        "--ca-file",
        metavar="PEM",
        help="the server's certificate or its private CA's, trusted instead of the system's CAs",
    )
    p.set_defaults(handler=cmd_publish)


def _build(args: argparse.Namespace, *, prove: bool = False) -> tuple[Path, BuildResult]:
    from kiosk.catalog.build import build_catalog

    root = Path(args.path) if args.path else default_catalog_dir()
    translations = Path(args.translations) if args.translations else None
    limits = _proof_limits(args) if prove else None
    return root, build_catalog(root, translations, prove=limits)


def _add_proof_options(p: argparse.ArgumentParser) -> None:
    """The limits of the proof that every form can be finished (docs/completability.md)."""
    p.add_argument(
        "--proof-seconds",
        type=float,
        default=30.0,
        metavar="S",
        help="time for the proof over the whole catalog (default: 30)",
    )
    p.add_argument(
        "--proof-form-seconds",
        type=float,
        default=5.0,
        metavar="S",
        help="time for the proof of one form (default: 5)",
    )
    p.add_argument(
        "--proof-rounds",
        type=int,
        default=60,
        metavar="N",
        help="dead-end candidates examined per form (default: 60)",
    )


def _proof_limits(args: argparse.Namespace) -> ProofLimits:
    from kiosk.catalog.proof_limits import ProofLimits

    return ProofLimits(
        seconds=args.proof_seconds,
        seconds_per_form=args.proof_form_seconds,
        rounds=args.proof_rounds,
    )


def _translation_issues(result: BuildResult, *, strict: bool) -> list[Issue]:
    """Missing translations, translations without their glossary terms and counted texts
    of the kiosk without all their plural forms: errors when *strict*, else warnings."""
    from kiosk.catalog.build import missing_translation_issues
    from kiosk.catalog.glossary_check import glossary_translation_issues
    from kiosk.catalog.plural_check import plural_form_issues

    severity = "error" if strict else "warning"
    return (
        missing_translation_issues(result, severity=severity)
        + glossary_translation_issues(result, severity=severity)
        + plural_form_issues(result, severity=severity)
    )


def cmd_validate(args: argparse.Namespace) -> int:
    root, result = _build(args, prove=True)
    issues = result.issues + _translation_issues(result, strict=args.strict_translations)
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
    from kiosk.definition.model import iter_fields
    from kiosk.locales import is_rtl

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
            lang: {
                "translated": cov.translated,
                "total": cov.total,
                "percent": cov.percent,
                "offered": lang in result.catalog.languages,
                "review": result.catalog.review(lang),
                "direction": "rtl" if is_rtl(lang) else "ltr",
            }
            for lang, cov in result.coverage.items()
        },
        # catalog and screen texts together: what keeps a language from visitors
        "withheld": dict(result.catalog.withheld),
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
        withheld = stats["withheld"].get(lang)
        offered = "offered" if cov["offered"] else f"WITHHELD from visitors ({withheld} % done)"
        print(
            f"  {lang:<10} {cov['percent']:>6}%  ({cov['translated']}/{cov['total']})  "
            f"{cov['direction']}  {cov['review']:<8}  {offered}"
        )
    shown = [cov for cov in stats["languages"].values() if cov["offered"]]
    rtl = sum(cov["direction"] == "rtl" for cov in shown)
    print(f"{len(shown)} languages offered to visitors, all at 100 %; {rtl} right-to-left")
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


def _catalog_or_report(args: argparse.Namespace, *, prove: bool = False) -> CompiledCatalog | None:
    """The built catalog, or None after printing every error (with ``--strict-translations``,
    every missing translation and glossary term too)."""
    _, result = _build(args, prove=prove)
    errors = result.errors
    if result.catalog is not None and getattr(args, "strict_translations", False):
        errors = errors + _translation_issues(result, strict=True)
    if result.catalog is None or errors:
        for issue in errors:
            print(issue, file=sys.stderr)
        return None
    return result.catalog


def _with_office_keys(catalog: CompiledCatalog, folder: Path) -> CompiledCatalog:
    """*catalog* with FOLDER/OFFICE.pub.pem as the key of each office that names none.

    Offices hand their public keys over as files; this takes them into the bundle without
    copying PEM text into offices.yaml. A key written there always wins.
    """
    from kiosk.catalog.compiled import CompiledCatalog

    model = catalog.catalog
    offices = []
    for office in model.offices:
        path = folder / f"{office.id}.pub.pem"
        if not office.public_key and path.is_file():
            office = office.model_copy(update={"public_key": path.read_text(encoding="ascii")})
        offices.append(office)
    changed = model.model_copy(update={"offices": offices})
    return CompiledCatalog.create(changed, catalog.translations)


def cmd_build(args: argparse.Namespace) -> int:
    from kiosk.catalog.bundle import BundleRefusedError, build_bundle, read_manifest
    from kiosk.staff.records import load_staff_list

    if args.deployment is not None and not re.fullmatch(DEPLOYMENT, args.deployment):
        print(f"'{args.deployment}' is not a deployment name (a-z, 0-9, _ . -)", file=sys.stderr)
        return 2
    staff = None
    if args.staff:
        try:
            staff = load_staff_list(Path(args.staff))
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 1
    catalog = _catalog_or_report(args, prove=True)  # nothing that cannot be finished ships
    if catalog is None:
        return 1
    if args.office_keys:
        try:
            catalog = _with_office_keys(catalog, Path(args.office_keys))
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{args.office_keys}: cannot read an office key: {exc}", file=sys.stderr)
            return 1
    out = Path(args.out)
    try:
        built_at = _source_date()
        data = build_bundle(catalog, deployment=args.deployment, staff=staff, built_at=built_at)
    except BundleRefusedError as exc:
        print(f"{out}: not built ({exc.reason}): {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"{out}: {exc}", file=sys.stderr)
        return 1
    if not write_atomically(out, data):
        return 1
    manifest = read_manifest(data)
    people = "no staff list" if staff is None else f"{len(staff)} staff"
    print(
        f"{out}: deployment {manifest.deployment}, version {manifest.version}, "
        f"{manifest.catalog_hash}, {people}, unsigned"
    )
    print(f"next: kiosk catalog sign {out} --key YOUR_KEY", file=sys.stderr)
    return 0


def _source_date() -> dt.datetime | None:
    """``$SOURCE_DATE_EPOCH`` as the build time, so the same sources give the same bundle
    (the reproducible-builds convention); None for now."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise ValueError(f"SOURCE_DATE_EPOCH={value!r} is not a time in seconds") from None


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
