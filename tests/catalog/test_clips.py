"""Recorded clips (``audio.yaml``) for languages without a voice: checked file by file at
their line, carried in the compiled catalog, and read back on the terminal."""

from __future__ import annotations

import math
import struct
from pathlib import Path

import pytest

from kiosk.catalog.build import build_catalog
from kiosk.catalog.clips import MAX_CLIP_BYTES
from kiosk.catalog.compiled import CompiledCatalog
from tests.catalog.test_translations import extract, translate_everything
from tests.conftest import write_catalog

TITLE = "form:test_form:title"


def wav(seconds: float = 0.5, *, rate: int = 16000, channels: int = 1, bits: int = 16) -> bytes:
    """A tone, as a recording would come: RIFF, fmt, data with true lengths."""
    count = int(seconds * rate)
    samples = b"".join(
        struct.pack("<h", int(8000 * math.sin(i * 2 * math.pi * 440 / rate))) * channels
        for i in range(count)
    )
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * block, block, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data"
    return b"RIFF" + struct.pack("<I", len(body) + 4 + len(samples)) + body + (
        struct.pack("<I", len(samples)) + samples
    )


def catalog_with(tmp_path: Path, audio_yaml: str, files: dict[str, bytes]) -> Path:
    folder = write_catalog(tmp_path, {"audio.yaml": audio_yaml})
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    extract(tmp_path)
    translate_everything(tmp_path)
    return folder


def clip_yaml(*entries: tuple[str, str, str]) -> str:
    return "clips:\n" + "".join(
        f"  - lang: {lang}\n    text: {text}\n    file: {file}\n" for lang, text, file in entries
    )


def test_a_clip_travels_in_the_catalog_and_plays_back(tmp_path: Path) -> None:
    folder = catalog_with(
        tmp_path, clip_yaml(("en", TITLE, "audio/en/title.wav")), {"audio/en/title.wav": wav()}
    )
    result = build_catalog(folder)
    assert result.catalog is not None and result.ok, [str(i) for i in result.errors]
    sound = result.catalog.clip("en", TITLE)
    assert sound is not None and sound.rate == 16000 and sound.seconds == pytest.approx(0.5)
    assert sound.rms() > 1000
    assert result.catalog.clip("en", "form:test_form:age:label") is None
    loaded = CompiledCatalog.from_json(result.catalog.to_json())  # as a terminal gets it
    assert loaded.clip("en", TITLE) == sound and loaded.content_hash == result.catalog.content_hash


@pytest.mark.parametrize(
    ("entry", "files", "where", "reason"),
    [
        (("fr", TITLE, "audio/a.wav"), {"audio/a.wav": wav()}, "lang", "no language 'fr'"),
        (("en", "form:test_form:nothing", "audio/a.wav"), {"audio/a.wav": wav()}, "text",
         "no catalog text"),
        (("en", TITLE, "audio/missing.wav"), {}, "file", "cannot be read"),
        (("en", TITLE, "audio/a.wav"), {"audio/a.wav": b"ID3\x03 not a wav"}, "file",
         "not a clip the terminals can play"),
        (("en", TITLE, "audio/a.wav"), {"audio/a.wav": wav(channels=2)}, "file", "one channel"),
        (("en", TITLE, "audio/a.wav"), {"audio/a.wav": wav(bits=8)}, "file", "16-bit"),
        (("en", TITLE, "audio/a.wav"), {"audio/a.wav": wav(seconds=0.01)}, "file", "0.1 s"),
        (("en", TITLE, "audio/a.wav"), {"audio/a.wav": b"\x00" * (MAX_CLIP_BYTES + 1)}, "file",
         "a clip may have"),
        (("en", TITLE, "../../outside.wav"), {}, "file", "String should match pattern"),
        (("en", TITLE, "audio/link.wav"), {}, "file", "outside the catalog folder"),
    ],
)  # fmt: skip
def test_a_bad_clip_is_refused_at_its_line(
    tmp_path: Path, entry: tuple[str, str, str], files: dict[str, bytes], where: str, reason: str
) -> None:
    folder = catalog_with(tmp_path, clip_yaml(entry), files)
    if entry[2] == "audio/link.wav":  # a link that leads out of the catalog folder
        (tmp_path / "outside.wav").write_bytes(wav())
        (folder / "audio").mkdir(exist_ok=True)
        (folder / "audio" / "link.wav").symlink_to(tmp_path / "outside.wav")
    result = build_catalog(folder)
    problems = [str(i) for i in result.errors]
    line = {"lang": 2, "text": 3, "file": 4}[where]
    assert any(p.startswith(f"forms_catalog/audio.yaml:{line}:") and reason in p for p in problems), (
        problems
    )


def test_the_same_text_twice_in_one_language_is_refused(tmp_path: Path) -> None:
    entries = (("en", TITLE, "audio/a.wav"), ("en", TITLE, "audio/b.wav"))
    folder = catalog_with(
        tmp_path, clip_yaml(*entries), {"audio/a.wav": wav(), "audio/b.wav": wav()}
    )
    problems = [str(i) for i in build_catalog(folder).errors]
    assert any("audio.yaml:6:" in p and "a second clip" in p for p in problems), problems


def test_a_catalog_that_claims_clips_of_a_language_it_lacks_is_refused(tmp_path: Path) -> None:
    folder = catalog_with(
        tmp_path, clip_yaml(("en", TITLE, "audio/a.wav")), {"audio/a.wav": wav()}
    )
    built = build_catalog(folder).catalog
    assert built is not None
    forged = CompiledCatalog.create(built.catalog, built.translations, clips={"xx": {}})
    with pytest.raises(ValueError, match="does not fit the model"):
        CompiledCatalog.from_json(forged.to_json())
