"""The compiled catalog: one JSON document with every form and every translation.

This is the unit a terminal runs, and later the unit an admin signs and
publishes; its content hash names exactly what a visitor saw, so it is
computed over a canonical JSON form (sorted keys, no whitespace).
"""

from __future__ import annotations

import base64
import gc
import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kiosk.catalog.placeholders import fill
from kiosk.definition.clips import TextContext
from kiosk.definition.law import LawValue, law_constants
from kiosk.definition.model import Catalog
from kiosk.engine.compiler import compile_form
from kiosk.engine.finder import CompiledFinder, compile_finder
from kiosk.engine.form import CompiledForm
from kiosk.formats import Base64, Language
from kiosk.speech.pcm import Pcm, SoundError, read_wav

FORMAT_VERSION = 1


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _hash(body: bytes | memoryview) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


class ContentHashError(ValueError):
    """The catalog's content is not what its hash says: changed or damaged."""


_ENVELOPE = re.compile(rb'^\{"content_hash":"(sha256:[0-9a-f]{64})","format":(\d+),"payload":')


@dataclass(eq=False)  # compared and hashed by identity: one object per loaded catalog
class CompiledCatalog:
    catalog: Catalog
    translations: dict[str, dict[str, str]]
    content_hash: str
    #: catalog languages whose texts are not complete, with the share that is done: never
    #: offered to visitors (a visitor would meet German halfway through a form)
    withheld: dict[str, float] = field(default_factory=dict)
    #: recorded clips of catalog texts (``audio.yaml``): language -> context -> WAV, base64
    clips: dict[str, dict[str, str]] = field(default_factory=dict)
    #: catalog languages whose screen texts the kiosk running it lacks, with the share it
    #: has (see :func:`kiosk.catalog.translations.screen_gaps`): a fact of the terminal, not of the
    #: catalog, so not part of its content or hash
    screens_missing: dict[str, float] = field(default_factory=dict)
    _forms: dict[str, CompiledForm] = field(default_factory=dict, repr=False)
    _finder: CompiledFinder | None = field(default=None, repr=False)
    #: the verified bytes it was loaded from: ``to_json`` hands them back instead of
    #: serialising tens of megabytes again (a snapshot for drafts, at every install)
    _raw: bytes | None = field(default=None, repr=False)

    @classmethod
    def create(
        cls,
        catalog: Catalog,
        translations: dict[str, dict[str, str]],
        withheld: dict[str, float] | None = None,
        *,
        clips: dict[str, dict[str, str]] | None = None,
    ) -> CompiledCatalog:
        withheld, clips = withheld or {}, clips or {}
        payload = cls._payload(catalog, translations, withheld, clips)
        return cls(catalog, translations, _hash(payload), withheld, clips)

    @staticmethod
    def _payload(
        catalog: Catalog,
        translations: dict[str, dict[str, str]],
        withheld: dict[str, float],
        clips: dict[str, dict[str, str]],
    ) -> bytes:
        body: dict[str, Any] = {
            "catalog": catalog.model_dump(mode="json"),
            "translations": translations,
        }
        # each left out when empty: catalogs built before keep their hash
        if withheld:
            body["withheld"] = withheld
        if clips:
            body["clips"] = clips
        return canonical_json(body)

    # ------------------------------------------------------------ lookups
    @property
    def languages(self) -> list[str]:
        """The languages a visitor may choose: those of the header whose texts, the
        catalog's and the screens', are whole."""
        return [
            lang
            for lang in self.catalog.header.languages
            if lang not in self.withheld and lang not in self.screens_missing
        ]

    @property
    def kept_back(self) -> dict[str, float]:
        """Every language kept from visitors and the share of its texts that is done:
        the catalog's withheld and those the screens lack, the lower share where both."""
        out = dict(self.withheld)
        for lang, done in self.screens_missing.items():
            out[lang] = min(done, out.get(lang, 100.0))
        return out

    def for_screens(self, missing: dict[str, float]) -> CompiledCatalog:
        """This catalog as a kiosk runs it whose screens lack the texts of *missing*
        (:func:`kiosk.catalog.translations.screen_gaps`): itself when nothing is missing,
        else a copy of the same content and hash that offers those languages to nobody."""
        if missing == self.screens_missing:
            return self
        return replace(self, screens_missing=dict(missing))

    def clip(self, lang: str, ctx: str) -> Pcm | None:
        """The recorded clip of the text *ctx* in *lang*, or None (none, or damaged)."""
        data = self.clips.get(lang, {}).get(ctx)
        if data is None:
            return None
        try:
            return read_wav(base64.b64decode(data, validate=True))
        except (ValueError, SoundError):
            return None

    def review(self, lang: str) -> str:
        """``source``, ``reviewed`` or ``draft``: how far staff may trust *lang*'s texts."""
        header = self.catalog.header
        if lang == header.source_language:
            return "source"
        return header.translation_review.get(lang, "draft")

    def t(self, lang: str, ctx: str, german: str) -> str:
        """The text for *ctx* in *lang*, German where no translation exists; the amounts
        and dates of its placeholders written for readers of *lang* (see
        :mod:`kiosk.catalog.placeholders`; German texts had theirs written out in German
        when the catalog was built)."""
        if lang == self.catalog.header.source_language:
            return german
        text = self.translations.get(lang, {}).get(ctx)
        return german if text is None else fill(text, lang, self.law_values)

    @cached_property
    def law_values(self) -> dict[str, LawValue]:
        """The named law values by id, as placeholders in texts name them."""
        return {v.id: v for v in self.catalog.law}

    def compiled_form(self, form_id: str) -> CompiledForm:
        """The evaluator for a form, compiled once and kept."""
        compiled = self._forms.get(form_id)
        if compiled is None:
            codelists = {c.id: c for c in self.catalog.codelists}
            compiled = compile_form(
                self.catalog.form(form_id), codelists, laws=law_constants(self.catalog.law)
            )
            self._forms[form_id] = compiled
        return compiled

    def compiled_finder(self) -> CompiledFinder | None:
        """The finder with its conditions compiled, once and kept; None: the catalog has none."""
        if self.catalog.finder is None:
            return None
        if self._finder is None:
            self._finder = compile_finder(self.catalog.finder, laws=law_constants(self.catalog.law))
        return self._finder

    # ------------------------------------------------------- serialisation
    def to_json(self) -> bytes:
        """One JSON document whose hash covers the exact bytes of its ``payload``.

        Verifying the hash then needs no re-serialisation, which matters when a
        terminal installs a catalog of hundreds of forms in many languages.
        """
        if self._raw is not None:
            return self._raw
        payload = self._payload(self.catalog, self.translations, self.withheld, self.clips)
        head = canonical_json({"content_hash": _hash(payload), "format": FORMAT_VERSION})
        return head[:-1] + b',"payload":' + payload + b"}"

    @classmethod
    def from_json(cls, data: bytes | memoryview) -> CompiledCatalog:
        """Load a compiled catalog; raise ValueError if it is malformed or its hash is off
        (:class:`ContentHashError` for the latter).

        *data* may be a view into a larger buffer (a signed bundle): it is hashed in place
        and copied once, for the parser. The payload's bytes go to pydantic's own JSON
        parser in one step: for a catalog of hundreds of forms in sixteen languages that
        is a fraction of what parsing with :mod:`json` and validating the result costs.
        """
        match = _ENVELOPE.match(data)
        if match is None or data[-1:] != b"}":
            raise ValueError("not a compiled catalog (the envelope is missing)")
        if int(match.group(2)) != FORMAT_VERSION:
            raise ValueError(f"compiled catalog format {int(match.group(2))} is not known here")
        payload = data[match.end() : -1]
        expected = match.group(1).decode()
        if _hash(payload) != expected:
            raise ContentHashError("the catalog's content hash does not match its content")
        try:
            with _collector_paused():
                doc = _Payload.model_validate_json(bytes(payload))
        except ValidationError as exc:
            problem = exc.errors()[0]
            if problem["type"] == "json_invalid":
                raise ValueError(f"not a compiled catalog: {problem['msg']}") from None
            raise ValueError(f"the compiled catalog does not fit the model: {exc}") from None
        return cls(
            doc.catalog, doc.translations, expected, doc.withheld, doc.clips, _raw=bytes(data)
        )


class _Payload(BaseModel):
    """What the content hash covers: the catalog model and every language's texts."""

    model_config = ConfigDict(extra="forbid")

    catalog: Catalog
    translations: dict[str, dict[str, str]] = {}
    withheld: dict[Language, Annotated[float, Field(ge=0, lt=100)]] = Field(
        default_factory=dict, max_length=50
    )
    clips: dict[Language, dict[TextContext, Base64]] = Field(default_factory=dict, max_length=50)

    @model_validator(mode="after")
    def _withheld_of_its_languages(self) -> _Payload:
        """Only a translation can be withheld: never the source, never a language the
        catalog does not list (a hand-made catalog could otherwise hide German)."""
        header = self.catalog.header
        strange = set(self.withheld) - (set(header.languages) - {header.source_language})
        if strange:
            raise ValueError(f"withheld names languages it may not withhold: {sorted(strange)}")
        if set(self.clips) - set(header.languages):
            raise ValueError("clips name languages the catalog does not have")
        return self


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a large catalog is built: its million
    objects would otherwise be traversed again and again as they appear (a tenth of
    the load time), and none of them is garbage."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
