"""``kiosk documents sample``: the documents of a generated application, to check layouts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import add_catalog_path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("documents", help="PDF documents of applications")
    dsub = parser.add_subparsers(dest="documents_command", metavar="ACTION", required=True)
    p = dsub.add_parser(
        "sample",
        help="office copy, visitor copy and receipts of a sample "
        "application (print the sample's reference)",
    )
    add_catalog_path(p)
    p.add_argument("--form", metavar="FORM_ID", help="the form (not with --all)")
    p.add_argument("--lang", metavar="LANG", help="the visitor's language (not with --all)")
    p.add_argument("--all", action="store_true", help="every form in every language")
    p.add_argument("--out", metavar="DIR", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(handler=cmd_sample)


def cmd_sample(args: argparse.Namespace) -> int:
    from cli.catalog_cmd import _catalog_or_report
    from kiosk.documents.render import info_sheet, office_copy, receipt, visitor_copy
    from kiosk.simulation.sample_documents import sample_record

    catalog = _catalog_or_report(args)
    if catalog is None:
        return 1
    if args.all == bool(args.form or args.lang):
        print("give --form and --lang, or --all", file=sys.stderr)
        return 2
    forms = [f.id for f in catalog.catalog.forms] if args.all else [args.form]
    langs = catalog.languages if args.all else [args.lang]
    unknown = [f for f in forms if f not in {x.id for x in catalog.catalog.forms}]
    unknown += [lang for lang in langs if lang not in catalog.languages]
    if unknown:
        print(f"not in the catalog: {', '.join(unknown)}", file=sys.stderr)
        return 2
    for lang in langs:
        for form_id in forms:
            record = sample_record(catalog, form_id, lang, args.seed, with_resume=True)
            folder = Path(args.out) / lang / form_id
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "office.pdf").write_bytes(office_copy(record))
            (folder / "visitor.pdf").write_bytes(visitor_copy(record))
            (folder / "receipt-80mm.pdf").write_bytes(receipt(record))
            (folder / "receipt-a4.pdf").write_bytes(receipt(record, a4=True))
            sheet = record.form.info_sheet
            if sheet:
                (folder / "info.pdf").write_bytes(info_sheet(catalog, sheet, lang))
            print(f"{lang} {form_id} {record.reference} {folder}")
    return 0
