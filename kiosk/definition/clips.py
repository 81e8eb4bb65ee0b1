"""``audio.yaml``: recorded clips of catalog texts, for languages the terminals have no
voice for (as ODK's audio column does for forms). Each clip names the language, the
catalog text by its context (as the PO files name it) and a WAV file inside the catalog
folder::

    clips:
      - lang: ps
        text: form:sozialticket:title
        file: audio/ps/sozialticket-title.wav

The files are checked and carried inside the compiled catalog by
:mod:`kiosk.catalog.clips`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kiosk.formats import Language

#: a catalog text's context: ``form:sozialticket:family_name:label``
TextContext = Annotated[str, StringConstraints(pattern=r"^[a-z_]+(:[A-Za-z0-9_.-]+){1,6}$")]
#: a WAV file below the catalog folder, by a plain relative path (no part starts with a
#: dot, so no ``..``)
_CLIP_FILE = r"^[A-Za-z0-9_][A-Za-z0-9_-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*\.wav$"
ClipFile = Annotated[str, StringConstraints(pattern=_CLIP_FILE, max_length=200)]


class Clip(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lang: Language
    text: TextContext
    file: ClipFile


class Clips(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    clips: list[Clip] = Field(max_length=5000)
