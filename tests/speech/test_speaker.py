"""The kiosk's speaker on a real sound server: eSpeak NG's sound made on a thread of its
own, played through Qt to PulseAudio's null sink and recorded back from its monitor."""

from __future__ import annotations

import math
import os
import shutil
import struct
import threading
import time

import pytest
from pytestqt.qtbot import QtBot

from kiosk.speech.pcm import Pcm
from kiosk.speech.synth import synthesize
from tests.sound_server import Recording
from ui.speech import VOLUME_STEPS_DB, Speaker, linear_gain

needs_sound = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and "PULSE_SERVER" in os.environ and shutil.which("parec"))
    and not os.environ.get("KIOSK_REQUIRE_AUDIO"),
    reason="needs eSpeak NG and the test sound server (CI has both and requires them)",
)
TEXT = "Guten Tag. Bitte wählen Sie Ihre Sprache."


class Counting:
    """eSpeak NG, noting on which thread and how often it is asked."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []

    def __call__(self, text: str, voice: str) -> Pcm:
        self.threads.append(threading.current_thread())
        return synthesize(text, voice)


def rms(data: bytes) -> float:
    count = len(data) // 2
    if count == 0:
        return 0.0
    values = struct.unpack(f"<{count}h", data[: count * 2])
    return math.sqrt(sum(v * v for v in values) / count)


def spoken(qtbot: QtBot, speaker: Speaker, text: str, lang: str = "de") -> float:
    """Seconds from asking to the first sound; waits until the sound has ended."""
    began = time.perf_counter()
    with qtbot.waitSignal(speaker.speaking, timeout=10_000):
        speaker.say(text, lang)
    first = time.perf_counter() - began
    qtbot.waitSignal(speaker.stopped, timeout=20_000).wait()
    return first


@needs_sound
def test_sound_is_made_off_the_ui_thread_and_kept_for_the_next_tap(qtbot: QtBot) -> None:
    made = Counting()
    speaker = Speaker("espeak-ng", synthesizer=made)
    assert speaker.available and speaker.output_name
    spoken(qtbot, speaker, TEXT)
    again = spoken(qtbot, speaker, TEXT)
    assert len(made.threads) == 1  # the second time came from memory
    assert made.threads[0] is not threading.main_thread()
    assert again < 0.3
    speaker.close()


@needs_sound
def test_what_is_played_reaches_the_output_and_the_volume_spans_24_db(qtbot: QtBot) -> None:
    speaker = Speaker("espeak-ng")
    levels = {}
    for db in (VOLUME_STEPS_DB[-1], VOLUME_STEPS_DB[0]):
        speaker.set_volume_db(db)
        recording = Recording()
        time.sleep(0.2)
        spoken(qtbot, speaker, TEXT)
        time.sleep(0.3)
        levels[db] = rms(recording.stop())
    loud, soft = levels[0.0], levels[-24.0]
    assert loud > 500, "nothing audible reached the sound output"
    assert VOLUME_STEPS_DB[-1] - VOLUME_STEPS_DB[0] >= 18
    # the output applies the gain: the soft recording is about 24 dB below the loud one
    assert soft / loud == pytest.approx(linear_gain(-24.0), rel=0.5)
    speaker.close()


@needs_sound
def test_a_new_text_stops_the_one_being_spoken(qtbot: QtBot) -> None:
    speaker = Speaker("espeak-ng")
    with qtbot.waitSignal(speaker.speaking, timeout=10_000):
        speaker.say("Das ist ein langer Satz, der lange dauert. " * 5, "de")
    began = time.perf_counter()
    with qtbot.waitSignal(speaker.stopped, timeout=2_000):
        speaker.say("Kurz.", "de")
    assert time.perf_counter() - began < 1
    qtbot.waitSignal(speaker.stopped, timeout=10_000).wait()
    speaker.close()


def test_a_language_without_a_voice_says_so_instead_of_staying_silent(qtbot: QtBot) -> None:
    made = Counting()
    speaker = Speaker("espeak-ng", voices=frozenset({"de", "ar"}), synthesizer=made)
    if not speaker.available:
        pytest.skip("no sound output here (CI has one)")
    with qtbot.waitSignal(speaker.no_voice, timeout=1000) as signal:
        speaker.say("ښه راغلاست", "ps")
    assert signal.args == ["ps"] and made.threads == []
    assert speaker.can_speak("ar") and not speaker.can_speak("ti")


def test_the_end_of_a_visit_forgets_what_was_said_and_resets_the_volume() -> None:
    speaker = Speaker("mock", volume_db=-12)
    speaker.cache.put("de", "Meine Adresse", Pcm(22050, 1, 2, b"\x00\x01" * 100))
    speaker.say("Meine Adresse ist ...", "de")
    speaker.louder()
    assert speaker.volume_db == -6 and speaker.spoken and speaker.last
    speaker.wipe()
    assert len(speaker.cache) == 0 and speaker.spoken == [] and speaker.last is None
    assert speaker.volume_db == -12


@pytest.mark.parametrize(
    ("start", "moves", "end"), [(-6, 1, 0), (0, 1, 0), (-24, -1, -24), (-7, -2, -18)]
)
def test_volume_moves_in_steps_and_stops_at_the_ends(start: float, moves: int, end: float) -> None:
    speaker = Speaker("mock", volume_db=start)
    for _ in range(abs(moves)):
        (speaker.louder if moves > 0 else speaker.quieter)()
    assert speaker.volume_db == end


@needs_sound
def test_played_sounds_leave_nothing_behind(qtbot: QtBot) -> None:
    """One output and one buffer serve every sound, and the samples go when a sound ends:
    a kiosk runs for weeks, and the samples may be a visitor's own answers read back."""
    from PySide6.QtCore import QBuffer, QCoreApplication, QEvent
    from PySide6.QtMultimedia import QAudioSink

    speaker = Speaker("espeak-ng")
    for word in ("Eins.", "Zwei.", "Drei."):
        spoken(qtbot, speaker, word)
    speaker.wipe()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert len(speaker.findChildren(QAudioSink)) == 1  # one output for all sounds
    assert all(b.size() == 0 for b in speaker.findChildren(QBuffer))  # no samples kept
    assert speaker.played_us() == 0
    speaker.close()


def test_a_sound_still_being_made_when_the_visit_ends_is_not_kept(qtbot: QtBot) -> None:
    release = threading.Event()

    def slow(text: str, voice: str) -> Pcm:
        release.wait(10)
        return Pcm(22050, 1, 2, b"\x00\x01" * 2000)

    speaker = Speaker("espeak-ng", voices=frozenset({"de"}), synthesizer=slow)
    if not speaker.available:
        pytest.skip("no sound output here (CI has one)")
    speaker.say("Ich heiße Ahmad und bin am 1.1.1990 geboren.", "de")
    speaker.wipe()  # the visitor leaves while eSpeak is still at work
    release.set()
    qtbot.wait(300)  # the sound comes back to the UI thread
    assert len(speaker.cache) == 0 and speaker.last is None
    speaker.close()


def test_texts_waiting_to_be_made_are_dropped_for_the_newest(qtbot: QtBot) -> None:
    made: list[str] = []
    release = threading.Event()

    def slow(text: str, voice: str) -> Pcm:
        release.wait(10)
        made.append(text)
        return Pcm(22050, 1, 2, b"\x00\x01" * 200)

    speaker = Speaker("espeak-ng", voices=frozenset({"de"}), synthesizer=slow)
    if not speaker.available:
        pytest.skip("no sound output here (CI has one)")
    for number in range(5):
        speaker.say(f"Seite {number}", "de")  # a visitor tapping through pages fast
    release.set()
    qtbot.waitUntil(lambda: "Seite 4" in made, timeout=5000)
    assert made == ["Seite 0", "Seite 4"]  # the one already begun, then only the newest
    speaker.close()


@needs_sound
def test_recorded_clips_speak_where_there_is_no_voice(qtbot: QtBot) -> None:
    """Pashto has no eSpeak NG voice: the catalog's recordings of the texts play instead,
    one after the other, and they reach the sound output."""
    clip = synthesize("Eins zwei drei.", "de")  # stands in for a recording
    speaker = Speaker("espeak-ng", voices=frozenset({"de"}))
    recording = Recording()
    time.sleep(0.2)
    with qtbot.waitSignal(speaker.speaking, timeout=5000):
        speaker.say("ښه راغلاست", "ps", [clip, clip])
    qtbot.waitSignal(speaker.stopped, timeout=10_000).wait()
    assert rms(recording.stop()) > 500
    assert speaker.last is not None and len(speaker.last[2]) == 2
    with qtbot.waitSignal(speaker.no_voice, timeout=1000):
        speaker.say("ښه راغلاست", "ps")  # no clip for this text: said so, not silence
    speaker.close()
