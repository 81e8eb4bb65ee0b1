"""Read-aloud in the kiosk window: a speaker button on every question, the page read on
request or on every page by itself, controls to stop, repeat and change the volume, a
clear word where the language has no voice, and nothing of it left for the next visitor."""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.i18n import gettext_for
from kiosk.speech.pcm import Pcm
from kiosk.speech.synth import synthesize
from tests.ui.conftest import Kiosk, running_kiosk
from ui import texts
from ui.speech import Speaker


@pytest.fixture
def speaking(qtbot: QtBot, home: Path, demo: CompiledCatalog) -> Iterator[Kiosk]:
    yield from running_kiosk(qtbot, home, demo, Speaker("mock"))


def speaker(kiosk: Kiosk) -> Speaker:
    assert kiosk.window.speaker is not None
    return kiosk.window.speaker


def test_every_question_has_a_speaker_that_reads_it_with_its_answers(speaking: Kiosk) -> None:
    speaking.start("ar")
    form = speaking.open_form("school_ticket")
    frame = form.frames["applicant_role"]
    assert frame.speak_button is not None and frame.speak_button.isVisible()
    assert frame.speak_button.accessibleName().endswith(frame.title)
    assert frame.speak_button.width() >= 44 and frame.speak_button.height() >= 44
    frame.speak_button.click()
    said = speaker(speaking).spoken[-1]
    assert said.startswith(frame.title)
    options = [words for _, words, _ in form.ctx.options(frame.field, frame.key)]
    assert all(words in said for words in options)  # the answers to choose from, read too
    bar = speaking.window.speech_bar
    assert bar is not None and bar.isVisible()  # from now on the visit keeps the controls


def test_the_controls_stop_repeat_and_change_the_volume_in_the_visitors_words(
    speaking: Kiosk,
) -> None:
    speaking.start("uk")
    speaking.click("read_aloud")
    voice = speaker(speaking)
    first = voice.spoken[-1]
    bar = speaking.window.speech_bar
    assert bar is not None
    uk = gettext_for("uk")
    assert bar.stop.text() == uk.gettext(texts.STOP_SPEAKING)
    speaking.click("speech.again")
    assert voice.spoken[-2:] == [first, first]
    before = voice.volume_db
    speaking.click("speech.louder")
    assert voice.volume_db == before + 6
    for _ in range(6):
        if bar.quieter.isEnabled():
            speaking.click("speech.quieter")
    assert voice.volume_db == -24 and not bar.quieter.isEnabled()
    assert bar.level.text() == uk.gettext(texts.VOLUME_LEVEL).format(level=1, levels=5)


def test_every_page_is_read_by_itself_once_asked_and_not_for_the_next_visitor(
    speaking: Kiosk,
) -> None:
    speaking.start("ru")
    speaking.click("read_aloud")
    speaking.click("speech.every_page")
    voice = speaker(speaking)
    count = len(voice.spoken)
    form = speaking.open_form("sozialticket")
    assert len(voice.spoken) > count
    assert voice.spoken[-1] == form.speech_text() == form.page_speech_text()
    first_page = voice.spoken[-1]
    assert form.frames["family_name"].title in first_page  # the page's questions, read
    form.go_to(form.state.visible_pages[1])  # the next page reads itself too
    speaking.settle()
    assert voice.spoken[-1] != first_page
    assert form.frames["benefit_type"].title in voice.spoken[-1]
    speaking.start_over()
    bar = speaking.window.speech_bar
    assert bar is not None and not bar.isVisible() and not bar.auto.isChecked()
    assert voice.spoken == [] and voice.last is None  # nothing said is kept


@pytest.fixture
def german_and_arabic_voices_only(
    qtbot: QtBot, home: Path, demo: CompiledCatalog
) -> Iterator[Kiosk]:
    voice = Speaker("espeak-ng", voices=frozenset({"de", "ar"}))
    if not voice.available:
        pytest.skip("no sound output here (CI has one)")
    yield from running_kiosk(qtbot, home, demo, voice)


def test_a_language_without_a_voice_says_so_in_that_language(
    german_and_arabic_voices_only: Kiosk,
) -> None:
    kiosk = german_and_arabic_voices_only
    kiosk.start("ps")
    kiosk.click("read_aloud")
    words = gettext_for("ps").gettext(texts.NO_VOICE)
    assert words != texts.NO_VOICE  # written in Pashto, not German
    shown = [w.text() for w in kiosk.window.findChildren(QLabel) if w.isVisible()]
    assert words in shown


@pytest.fixture
def pashto_with_a_recording(
    qtbot: QtBot, home: Path, demo: CompiledCatalog
) -> Iterator[Kiosk]:
    """The demo catalog with a recording of one Pashto question, on a terminal with no
    Pashto voice."""
    recording = base64.b64encode(wav_of(synthesize("Eins.", "de"))).decode()
    clips = {"ps": {"form:school_ticket:applicant_role:label": recording}}
    catalog = CompiledCatalog.create(demo.catalog, demo.translations, clips=clips)
    voice = Speaker("espeak-ng", voices=frozenset({"de"}))
    if not voice.available:
        pytest.skip("no sound output here (CI has one)")
    yield from running_kiosk(qtbot, home, catalog, voice)


def wav_of(sound: Pcm) -> bytes:
    fmt = struct.pack("<HHIIHH", 1, 1, sound.rate, sound.rate * 2, 2, 16)
    return b"RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00" + fmt + b"data" + struct.pack(
        "<I", len(sound.samples)
    ) + sound.samples


def test_a_recorded_question_is_played_where_the_language_has_no_voice(
    pashto_with_a_recording: Kiosk,
) -> None:
    kiosk = pashto_with_a_recording
    kiosk.start("ps")
    form = kiosk.open_form("school_ticket")
    frame = form.frames["applicant_role"]
    assert frame.speak_button is not None
    frame.speak_button.click()
    voice = speaker(kiosk)
    assert voice.last is not None and len(voice.last[2]) == 1  # the recording, played
    no_voice = gettext_for("ps").gettext(texts.NO_VOICE)
    assert no_voice not in [w.text() for w in kiosk.window.findChildren(QLabel) if w.isVisible()]
