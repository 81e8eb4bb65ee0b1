"""Document generation speed and size.

Run: ``.venv/bin/python bench/documents.py``. Prints the time to generate office copy +
visitor copy + receipt for an application of about 60 fields (target under 150 ms
together), per language, and the file sizes.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.catalog.build import build_catalog  # noqa: E402
from kiosk.catalog.model import form_fields, iter_fields  # noqa: E402
from kiosk.documents.render import office_copy, receipt, visitor_copy  # noqa: E402
from kiosk.documents.sample import sample_record  # noqa: E402


def main() -> None:
    catalog = build_catalog(ROOT / "forms_catalog").catalog
    assert catalog is not None
    form_id = "residence_permit"
    form = catalog.catalog.form(form_id)
    fields = [f for f in iter_fields(form_fields(form)) if f.holds_answer]
    print(f"form {form_id}: {len(fields)} fields")
    for lang in ["de", "uk", "ar", "fa"]:
        record = sample_record(catalog, form_id, lang)
        office_copy(record), visitor_copy(record), receipt(record)  # warm fonts and caches
        samples = []
        for _ in range(15):
            start = time.perf_counter()
            docs = office_copy(record), visitor_copy(record), receipt(record)
            samples.append((time.perf_counter() - start) * 1000)
        sizes = " + ".join(f"{len(d) / 1024:.0f} KB" for d in docs)
        print(
            f"  {lang}: office + visitor + receipt median {statistics.median(samples):.0f} ms, "
            f"max {max(samples):.0f} ms (target < 150 ms); sizes {sizes}; "
            f"{len(record.answers)} answers"
        )


if __name__ == "__main__":
    main()
