"""Read-aloud: eSpeak NG's sound, made on a thread of its own, played through Qt.

Every terminal has eSpeak NG (a Debian package the setup installs), so read-aloud works
offline and on a terminal fresh from the box; Qt's own text-to-speech needs a
speech-dispatcher that a kiosk image does not run. Synthesis never runs on the UI
thread (a page takes eSpeak ~0.1 s, a long info sheet more); the sound is kept in
memory (:class:`~kiosk.speech.cache.SpeechCache`), so speaking a text again is instant,
and forgotten at the end of every visit. A new text stops the one being spoken.

Signals, all on the UI thread:
- ``speaking(str)``: the language whose sound starts playing;
- ``stopped()``: the sound ended, was stopped, or could not be made;
- ``no_voice(str)``: a text in a language with no voice on this terminal was asked for,
  so the screen can say so in that language instead of staying silent.

*engine*: ``espeak-ng`` (or left out), ``none`` (no read-aloud), or ``mock`` (tests: the
texts are noted in ``spoken`` and no sound is made).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Signal

from kiosk.settings_file import speech_engine_override
from kiosk.speech.cache import SpeechCache
from kiosk.speech.pcm import Pcm
from kiosk.speech.synth import SynthesisError, synthesize
from kiosk.speech.voices import installed_voices, voice_for

log = logging.getLogger("kiosk.speech")

#: The volume steps a visitor can choose, in dB below full: 24 dB from the softest to
#: the loudest (more than the 18 dB of range asked of a closed device's speech output).
VOLUME_STEPS_DB: tuple[float, ...] = (-24.0, -18.0, -12.0, -6.0, 0.0)
DEFAULT_VOLUME_DB = -6.0

Synthesize = Callable[[str, str], Pcm]


class Speak(Protocol):
    """Read a text aloud; *contexts* name the catalog texts it is made of (their recorded
    clips stand in where the visitor's language has no voice)."""

    def __call__(self, text: str, contexts: Sequence[str] = ()) -> None: ...


def linear_gain(db: float) -> float:
    """The factor Qt's audio output takes (linear) for *db* below full scale."""
    return float(10 ** (db / 20))


@dataclass(frozen=True)
class _Made:
    request: int
    visit: int
    lang: str
    voice: str
    text: str
    sound: Pcm | None
    problem: str | None


class Speaker(QObject):
    speaking = Signal(str)
    stopped = Signal()
    no_voice = Signal(str)
    _made = Signal(object)  # a _Made, from the synthesis thread to the UI thread

    def __init__(
        self,
        engine: str | None = None,
        *,
        volume_db: float = DEFAULT_VOLUME_DB,
        synthesizer: Synthesize | None = None,
        voices: frozenset[str] | None = None,
        cache: SpeechCache | None = None,
    ) -> None:
        super().__init__()
        wanted = engine if engine is not None else speech_engine_override()
        self.engine = wanted or "espeak-ng"
        self._synthesize = synthesizer or (lambda text, voice: synthesize(text, voice))
        self._voices = (
            voices
            if voices is not None
            else (installed_voices() if self.engine == "espeak-ng" else frozenset())
        )
        self.cache = cache or SpeechCache()
        self.default_volume_db = self.volume_db = _nearest_step(volume_db)  # staff's
        self.spoken: list[str] = []  # the mock engine's record; emptied with every visit
        #: (text, lang, clips) for "again"; wiped with the visit
        self.last: tuple[str, str, tuple[Pcm, ...]] | None = None
        self._request = 0
        self._pool: ThreadPoolExecutor | None = None
        self._sink: Any = None  # a QAudioSink, made on the first sound
        self._shape: tuple[int, int] = (0, 0)  # its rate and channels
        self._buffer = QBuffer(self)
        self._playing = False
        self._output: str | None = None  # the sound output's name, "" for none
        self._visit = 0  # counts the wipes: a sound made for an earlier visit is dropped
        self._queued: list[Future[_Made]] = []
        self._made.connect(self._play_made)
        if self.engine not in ("espeak-ng", "mock", "none"):
            log.warning("unknown speech engine %r: read-aloud is off", self.engine)

    # ------------------------------------------------------------ what it can do
    @property
    def available(self) -> bool:
        """Read-aloud is offered at all: an engine, its voices, and a sound output (looked
        for once: the first screen asks, and the answer is the start's audio check)."""
        if self.engine == "mock":
            return True
        if self.engine != "espeak-ng" or not self._voices:
            if self.engine == "espeak-ng" and self._output is None:
                self._output = ""
                log.warning("read-aloud is off: eSpeak NG is not installed")
            return False
        if self._output is None:
            self._output = self.audio_output() or ""
            if self._output:
                log.info("read-aloud: eSpeak NG, %d voices, to %r", len(self._voices), self._output)
            else:
                log.warning("read-aloud is off: no sound output")
        return bool(self._output)

    def can_speak(self, lang: str) -> bool:
        """Whether *lang* has a voice here (the mock engine speaks every language)."""
        return self.engine == "mock" or voice_for(lang, self._voices) is not None

    @property
    def output_name(self) -> str | None:
        """For the staff status (German): the sound output read-aloud plays to; why there
        is no read-aloud when the reason is not the sound output; None when the output is
        missing (the status says so in its own words)."""
        if self.engine == "mock":
            return None
        if self.engine != "espeak-ng":
            return f"Vorlesen ausgeschaltet (speech.engine = {self.engine})"
        if not self._voices:
            return "eSpeak NG fehlt (Paket espeak-ng)"
        return self._output or None if self.available else None

    @staticmethod
    def audio_output() -> str | None:
        """The sound output Qt plays to, by its name, or None when there is none (checked
        at start and shown to staff: a terminal without sound cannot read aloud)."""
        from PySide6.QtMultimedia import QMediaDevices

        device = QMediaDevices.defaultAudioOutput()
        return None if device.isNull() else device.description()

    # ------------------------------------------------------------ speaking
    def say(self, text: str, lang: str, clips: Sequence[Pcm] = ()) -> None:
        """Speak *text* in *lang*, stopping whatever is being spoken. Where *lang* has no
        voice here, the recorded *clips* of the text's parts (the catalog's) are played
        instead; with none, ``no_voice`` says so."""
        self.stop()
        text = text.strip()
        if not text or not self.available:
            return
        if not self.can_speak(lang):
            recorded = joined(clips)
            if recorded is None:
                self.no_voice.emit(lang)
                return
            self.last = (text, lang, tuple(clips))
            self._play(recorded, lang)
            return
        self.last = (text, lang, ())
        if self.engine == "mock":
            self.spoken.append(text)
            return
        voice = voice_for(lang, self._voices)
        assert voice is not None
        self._request += 1
        cached = self.cache.get(voice, text)
        if cached is not None:
            self._play(cached, lang)
            return
        request = self._request
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-speech")
        future = self._pool.submit(self._make, request, self._visit, lang, voice, text)
        future.add_done_callback(self._hand_over)
        self._queued.append(future)

    def again(self) -> None:
        if self.last is not None:
            self.say(*self.last)

    def stop(self) -> None:
        self._request += 1  # a sound still being made is dropped when it comes
        for future in self._queued:
            future.cancel()  # texts not begun are never made: the newest waits for none
        self._queued.clear()
        if self._playing:
            self._playing = False
            self._sink.stop()
            self._buffer.close()
            self._buffer.setData(QByteArray())  # the samples go with the sound
            self.stopped.emit()

    def played_us(self) -> int:
        """Microseconds of the current sound the output has taken so far (0 when none):
        how a measurement sees the first sample leave."""
        return int(self._sink.processedUSecs()) if self._playing else 0

    def set_volume_db(self, db: float) -> None:
        self.volume_db = _nearest_step(db)
        if self._sink is not None:
            self._sink.setVolume(linear_gain(self.volume_db))

    def louder(self) -> None:
        self.set_volume_db(_step(self.volume_db, +1))

    def quieter(self) -> None:
        self.set_volume_db(_step(self.volume_db, -1))

    def wipe(self) -> None:
        """The visit is over: silence, nothing of what was said kept, staff's volume; a
        text still being made is dropped when it comes (not kept for the next visitor)."""
        self._visit += 1
        self.stop()
        self.volume_db = self.default_volume_db
        self.cache.clear()
        self.spoken.clear()
        self.last = None

    def close(self) -> None:
        self.wipe()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    # ------------------------------------------------------------ threads
    def _make(self, request: int, visit: int, lang: str, voice: str, text: str) -> _Made:
        """On the synthesis thread; never raises (the reason goes back instead)."""
        try:
            sound = self._synthesize(text, voice)
        except SynthesisError as exc:
            return _Made(request, visit, lang, voice, text, None, str(exc))
        except Exception as exc:  # a bug must not vanish on a thread nobody watches
            return _Made(request, visit, lang, voice, text, None, type(exc).__name__)
        return _Made(request, visit, lang, voice, text, sound, None)

    def _hand_over(self, future: Future[_Made]) -> None:
        if not future.cancelled():
            self._made.emit(future.result())  # queued to the UI thread

    def _play_made(self, made: _Made) -> None:
        if made.visit != self._visit:
            return  # asked for in a visit that is over: nothing of it is kept
        current = made.request == self._request
        if made.sound is None:
            log.warning("read-aloud failed: %s", made.problem)
            if current:
                self.stopped.emit()
            return
        self.cache.put(made.voice, made.text, made.sound)
        if current:
            self._play(made.sound, made.lang)

    def _play(self, sound: Pcm, lang: str) -> None:
        """One output and one buffer for the speaker's life, started anew for each sound:
        outputs made and deleted per sound crash PulseAudio's backend now and then."""
        from PySide6.QtMultimedia import QAudio, QAudioFormat, QAudioSink, QMediaDevices

        shape = (sound.rate, sound.channels)
        if self._sink is None or self._shape != shape:
            if self._sink is not None:
                self._sink.deleteLater()
            audio = QAudioFormat()
            audio.setSampleRate(sound.rate)
            audio.setChannelCount(sound.channels)
            audio.setSampleFormat(QAudioFormat.SampleFormat.Int16)
            sink = QAudioSink(QMediaDevices.defaultAudioOutput(), audio, self)
            sink.stateChanged.connect(
                lambda state: self._state(sink, state == QAudio.State.IdleState)
            )
            self._sink, self._shape = sink, shape
        self._sink.setVolume(linear_gain(self.volume_db))
        self._buffer.setData(QByteArray(sound.samples))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._playing = True
        self._sink.start(self._buffer)
        self.speaking.emit(lang)

    def _state(self, sink: Any, ended: bool) -> None:
        if ended and sink is self._sink and self._playing:
            self.stop()


def joined(clips: Sequence[Pcm]) -> Pcm | None:
    """One sound of *clips* in turn, a third of a second apart; those of another rate or
    channel count than the first are left out (a catalog's clips share one, mostly)."""
    if not clips:
        return None
    first = clips[0]
    gap = b"\x00" * (first.rate // 3 * first.frame_bytes)
    same = [c.samples for c in clips if (c.rate, c.channels) == (first.rate, first.channels)]
    return Pcm(first.rate, first.channels, first.sample_bytes, gap.join(same))


def _nearest_step(db: float) -> float:
    return min(VOLUME_STEPS_DB, key=lambda step: abs(step - db))


def _step(db: float, direction: int) -> float:
    index = VOLUME_STEPS_DB.index(_nearest_step(db)) + direction
    return VOLUME_STEPS_DB[max(0, min(len(VOLUME_STEPS_DB) - 1, index))]
