"""Read-aloud through Qt TextToSpeech, only when a real engine is there.

PySide6 ships a "mock" engine that speaks nothing; it does not count, so the
read-aloud button stays hidden on terminals without speech-dispatcher.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale

from kiosk.settings_file import speech_engine_override


class Speaker:
    def __init__(self, engine: str | None = None) -> None:
        """*engine*: the one to use if it is there (``speech.engine`` of the settings);
        left out, ``$KIOSK_TTS_ENGINE`` or else the first real one."""
        self._tts: object | None = None
        wanted = engine if engine is not None else speech_engine_override()
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError:
            return
        engines = [e for e in QTextToSpeech.availableEngines() if e != "mock" or wanted == "mock"]
        engine = wanted if wanted in engines else (engines[0] if engines else None)
        if engine is None:
            return
        tts = QTextToSpeech(engine)
        if tts.state() == QTextToSpeech.State.Error:
            return
        self._tts = tts
        self.spoken: list[str] = []

    @property
    def available(self) -> bool:
        return self._tts is not None

    def say(self, text: str, lang: str) -> None:
        if self._tts is None or not text:
            return
        tts = self._tts
        tts.setLocale(QLocale(lang))  # type: ignore[attr-defined]
        tts.say(text)  # type: ignore[attr-defined]
        self.spoken.append(text)
