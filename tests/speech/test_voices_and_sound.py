"""Real eSpeak NG sound for every kiosk language it has a voice for, and an honest
"no voice" for the others; the WAV eSpeak streams, read without trusting its lengths."""

from __future__ import annotations

import os
import shutil
import struct

import pytest

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.speech.pcm import SoundError, read_wav
from kiosk.speech.synth import MAX_TEXT, SynthesisError, _bounded, synthesize
from kiosk.speech.voices import ESPEAK_VOICES, installed_voices, parse_voice_list, voice_for

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None and not os.environ.get("KIOSK_REQUIRE_AUDIO"),
    reason="eSpeak NG is not installed (CI installs it and requires it)",
)
#: kiosk languages whose eSpeak NG 1.51 voice is missing: they must say so, not be silent
NO_VOICE = {"ps", "ti", "ckb", "so"}


def sample(demo: CompiledCatalog, lang: str) -> str:
    """A real text of the catalog in *lang*: the Sozialticket's description."""
    form = demo.catalog.form("sozialticket")
    return demo.t(lang, "form:sozialticket:description", form.description or "")


@needs_espeak
def test_every_catalog_language_either_has_a_voice_or_is_known_to_lack_one(
    demo: CompiledCatalog,
) -> None:
    voiced = {lang for lang in demo.catalog.header.languages if voice_for(lang)}
    assert voiced | NO_VOICE == set(demo.catalog.header.languages)
    assert not voiced & NO_VOICE


@needs_espeak
@pytest.mark.parametrize("lang", sorted(set(ESPEAK_VOICES) - NO_VOICE - {"am"}))
def test_each_voice_speaks_a_real_text_as_real_sound(demo: CompiledCatalog, lang: str) -> None:
    voice = voice_for(lang)
    assert voice is not None, f"no eSpeak NG voice {ESPEAK_VOICES[lang]!r} for {lang}"
    text = sample(demo, lang)
    assert len(text) > 80
    sound = synthesize(text, voice)
    assert sound.rate == 22050 and sound.channels == 1
    # spoken at 150 words a minute: between 4 and 30 characters a second of speech
    assert len(text) / 30 < sound.seconds < len(text) / 4, (lang, sound.seconds, len(text))
    assert sound.rms() > 500  # not silence (full scale is 32,767)


@needs_espeak
def test_the_text_goes_on_standard_input_and_long_texts_are_cut_at_a_word() -> None:
    long = "Wort " * (MAX_TEXT // 2)
    cut = _bounded(long)
    assert len(cut) <= MAX_TEXT and cut.endswith("Wort")
    assert synthesize("--help -v xx", "de").seconds > 0.3  # read out, not taken as options


@needs_espeak
def test_a_missing_voice_is_a_clear_error() -> None:
    with pytest.raises(SynthesisError, match="eSpeak NG failed"):
        synthesize("Hallo", "xx-no-such-voice")


def test_the_voice_list_is_read_by_its_language_column() -> None:
    listing = (
        "Pty Language       Age/Gender VoiceName          File                 Other Languages\n"
        " 5  de              --/M      German             gmw/de\n"
        " 5  fr-fr           --/M      French             roa/fr\n"
        "garbage line\n"
    )
    assert parse_voice_list(listing) == {"de", "fr-fr"}
    assert voice_for("de", frozenset({"de"})) == "de"
    assert voice_for("de@leicht", frozenset({"de"})) == "de"  # Leichte Sprache is German
    assert voice_for("fa_AF", frozenset({"fa"})) == "fa"  # Dari with the Persian voice
    assert voice_for("ps", frozenset({"de"})) is None


@needs_espeak
def test_the_installed_voices_cover_the_kiosks_voiced_languages() -> None:
    have = installed_voices()
    assert {"de", "ar", "fa", "uk", "ru", "tr", "ro", "ku", "bg", "pl", "sq", "fr-fr"} <= have


def wav(body: bytes, *, rate: int = 22050, bits: int = 16, tag: int = 1) -> bytes:
    fmt = struct.pack("<HHIIHH", tag, 1, rate, rate * 2, 2, bits)
    return (
        b"RIFF\xff\xff\xff\x7fWAVE"
        + b"fmt \x10\x00\x00\x00"
        + fmt
        + b"data\xff\xff\xff\x7f"
        + body
    )


def test_a_streamed_wav_is_read_whatever_its_header_claims() -> None:
    sound = read_wav(wav(b"\x01\x00\x02\x00\x03"))  # an odd last byte: not a whole frame
    assert sound.samples == b"\x01\x00\x02\x00" and sound.seconds == pytest.approx(2 / 22050)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not a WAV"),
        (b"RIFF\x00\x00\x00\x00AVI ", "not a WAV"),
        (wav(b"", bits=8), "16-bit"),
        (wav(b"", tag=3), "16-bit"),
        (wav(b"", rate=1_000_000), "16-bit"),
        (b"RIFF\x00\x00\x00\x00WAVEdata\x00\x00\x00\x00", "before their format"),
        (b"RIFF\x00\x00\x00\x00WAVE" + b"junk\x00\x10\x00\x00" + b"\x00" * 5000, "no samples"),
    ],
)
def test_anything_else_is_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(SoundError, match=reason):
        read_wav(data)
