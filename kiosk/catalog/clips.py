"""The recorded clips of ``audio.yaml``, checked and made ready to travel in the catalog.

Each file must lie inside the catalog folder (no ``..``, no link out of it), be a 16-bit
PCM WAV of one channel at a speech rate (what the terminal's speaker plays), and stay
under :data:`MAX_CLIP_BYTES`; all clips together stay under :data:`MAX_CLIPS_BYTES`, so
a catalog bundle stays within what a terminal accepts. A clip for a language the catalog
does not list, for a text it does not have, or given twice, is refused at its line.
"""

from __future__ import annotations

import base64
from pathlib import Path

from kiosk.catalog.issues import Issue
from kiosk.catalog.source import SourceFile
from kiosk.definition.clips import Clips
from kiosk.speech.pcm import SoundError, read_wav

MAX_CLIP_BYTES = 2 * 1024 * 1024  # about 45 s at 22 kHz: a long help text
MAX_CLIPS_BYTES = 48 * 1024 * 1024

#: language -> text context -> the WAV file, base64
ClipTable = dict[str, dict[str, str]]


def collect_clips(
    source: SourceFile, root: Path, languages: list[str], contexts: set[str]
) -> tuple[ClipTable, list[Issue]]:
    """The clips of *source* (``audio.yaml`` of the catalog at *root*), and what is wrong."""
    assert isinstance(source.model, Clips)
    table: ClipTable = {}
    issues: list[Issue] = []
    total = 0
    folder = root.resolve()
    for index, clip in enumerate(source.model.clips):

        def refuse(field: str, message: str, index: int = index) -> None:
            issues.append(source.issue(("clips", index, field), message))

        if clip.lang not in languages:
            refuse("lang", f"the catalog has no language {clip.lang!r} (catalog.yaml)")
            continue
        if clip.text not in contexts:
            refuse("text", f"no catalog text has the context {clip.text!r}")
            continue
        if clip.text in table.get(clip.lang, {}):
            refuse("text", f"a second clip of {clip.text!r} in {clip.lang!r}")
            continue
        path = (folder / clip.file).resolve()
        if not path.is_relative_to(folder):
            refuse("file", "the file lies outside the catalog folder")
            continue
        try:
            size = path.stat().st_size
            if size > MAX_CLIP_BYTES:
                refuse("file", f"the file has {size:,} bytes; a clip may have {MAX_CLIP_BYTES:,}")
                continue
            data = path.read_bytes()[: MAX_CLIP_BYTES + 1]
        except OSError as exc:
            refuse("file", f"the file cannot be read: {exc.strerror or exc}")
            continue
        try:
            sound = read_wav(data)
        except SoundError as exc:
            refuse("file", f"not a clip the terminals can play: {exc}")
            continue
        if sound.channels != 1 or sound.seconds < 0.1:
            refuse("file", "a clip must be one channel (mono) and at least 0.1 s long")
            continue
        total += len(data)
        if total > MAX_CLIPS_BYTES:
            refuse("file", f"the clips together pass {MAX_CLIPS_BYTES:,} bytes")
            break
        table.setdefault(clip.lang, {})[clip.text] = base64.b64encode(data).decode("ascii")
    return table, issues
