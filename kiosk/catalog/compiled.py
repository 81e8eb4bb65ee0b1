"""The compiled catalog: one JSON document with every form and every translation.

This is the unit a terminal runs, and later the unit an admin signs and
publishes; its content hash names exactly what a visitor saw, so it is
computed over a canonical JSON form (sorted keys, no whitespace).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from kiosk.catalog.model import Catalog
from kiosk.engine.form import CompiledForm, compile_form

FORMAT_VERSION = 1


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _hash(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


_ENVELOPE = re.compile(rb'^\{"content_hash":"(sha256:[0-9a-f]{64})","format":(\d+),"payload":')


@dataclass(eq=False)  # compared and hashed by identity: one object per loaded catalog
class CompiledCatalog:
    catalog: Catalog
    translations: dict[str, dict[str, str]]
    content_hash: str
    _forms: dict[str, CompiledForm] = field(default_factory=dict, repr=False)

    @classmethod
    def create(cls, catalog: Catalog, translations: dict[str, dict[str, str]]) -> CompiledCatalog:
        return cls(catalog, translations, _hash(cls._payload(catalog, translations)))

    @staticmethod
    def _payload(catalog: Catalog, translations: dict[str, dict[str, str]]) -> bytes:
        return canonical_json(
            {"catalog": catalog.model_dump(mode="json"), "translations": translations}
        )

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
        """One JSON document whose hash covers the exact bytes of its ``payload``.

        Verifying the hash then needs no re-serialisation, which matters when a
        terminal installs a catalog of hundreds of forms in many languages.
        """
        payload = self._payload(self.catalog, self.translations)
        head = canonical_json({"content_hash": _hash(payload), "format": FORMAT_VERSION})
        return head[:-1] + b',"payload":' + payload + b"}"

    @classmethod
    def from_json(cls, data: bytes) -> CompiledCatalog:
        """Load a compiled catalog; raise ValueError if it is malformed or its hash is off."""
        match = _ENVELOPE.match(data)
        if match is None or not data.endswith(b"}"):
            raise ValueError("not a compiled catalog (the envelope is missing)")
        if int(match.group(2)) != FORMAT_VERSION:
            raise ValueError(f"compiled catalog format {int(match.group(2))} is not known here")
        payload = data[match.end() : -1]
        expected = match.group(1).decode()
        if _hash(payload) != expected:
            raise ValueError("the catalog's content hash does not match its content")
        try:
            doc = json.loads(payload)
            catalog = Catalog.model_validate(doc["catalog"])
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"not a compiled catalog: {exc}") from None
        except ValidationError as exc:
            raise ValueError(f"the compiled catalog does not fit the model: {exc}") from None
        translations = doc.get("translations") or {}
        return cls(catalog, translations, expected)
