"""JSON Schemas of the catalog files, so admins get completion and checks in their editor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kiosk.catalog.source import KIND_MODELS

_FILE_NAMES = {
    "catalog": "catalog.schema.json",
    "offices": "offices.schema.json",
    "topics": "topics.schema.json",
    "codelist": "codelist.schema.json",
    "info": "info-sheet.schema.json",
    "form": "form.schema.json",
    "law": "law.schema.json",
    "finder": "finder.schema.json",
    "glossary": "glossary.schema.json",
}


def schema_for(kind: str) -> dict[str, Any]:
    schema = KIND_MODELS[kind].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, name in _FILE_NAMES.items():
        path = out / name
        path.write_text(
            json.dumps(schema_for(kind), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        written.append(path)
    return written
