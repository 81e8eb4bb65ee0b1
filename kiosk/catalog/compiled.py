"""The compiled catalog: one JSON document with every form and every translation.

This is the unit a terminal runs, and later the unit an admin signs and
publishes; its content hash names exactly what a visitor saw, so it is
computed over a canonical JSON form (sorted keys, no whitespace).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from kiosk.catalog.model import Catalog
from kiosk.engine.form import CompiledForm, compile_form

FORMAT_VERSION = 1


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def content_hash(catalog_dump: dict[str, Any], translations: dict[str, dict[str, str]]) -> str:
    body = canonical_json({"catalog": catalog_dump, "translations": translations})
    return "sha256:" + hashlib.sha256(body).hexdigest()


@dataclass
class CompiledCatalog:
    catalog: Catalog
    translations: dict[str, dict[str, str]]
    content_hash: str
    _forms: dict[str, CompiledForm] = field(default_factory=dict, repr=False)

    @classmethod
    def create(cls, catalog: Catalog, translations: dict[str, dict[str, str]]) -> CompiledCatalog:
        dump = catalog.model_dump(mode="json")
        return cls(catalog, translations, content_hash(dump, translations))

    # ------------------------------------------------------------ lookups
    @property
    def languages(self) -> list[str]:
        return list(self.catalog.header.languages)

    def t(self, lang: str, ctx: str, german: str) -> str:
        """The text for *ctx* in *lang*, German where no translation exists."""
        if lang == self.catalog.header.source_language:
            return german
        return self.translations.get(lang, {}).get(ctx, german)

    def compiled_form(self, form_id: str) -> CompiledForm:
        """The evaluator for a form, compiled once and kept."""
        compiled = self._forms.get(form_id)
        if compiled is None:
            codelists = {c.id: c for c in self.catalog.codelists}
            compiled = compile_form(self.catalog.form(form_id), codelists)
            self._forms[form_id] = compiled
        return compiled

    # ------------------------------------------------------- serialisation
    def to_json(self) -> bytes:
        return canonical_json(
            {
                "format": FORMAT_VERSION,
                "content_hash": self.content_hash,
                "catalog": self.catalog.model_dump(mode="json"),
                "translations": self.translations,
            }
        )

    @classmethod
    def from_json(cls, data: bytes) -> CompiledCatalog:
        """Load a compiled catalog; raise ValueError if it is malformed or its hash is off."""
        try:
            doc = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"not a compiled catalog: {exc}") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT_VERSION:
            raise ValueError("not a compiled catalog of a format this kiosk knows")
        catalog = Catalog.model_validate(doc["catalog"])
        translations = doc.get("translations") or {}
        expected = content_hash(catalog.model_dump(mode="json"), translations)
        if doc.get("content_hash") != expected:
            raise ValueError("the catalog's content hash does not match its content")
        return cls(catalog, translations, expected)
