"""Read-aloud through Qt TextToSpeech, only when a real engine is there.

PySide6 ships a "mock" engine that speaks nothing; it does not count, so the
read-aloud button stays hidden on terminals without speech-dispatcher.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QLocale


class Speaker:
    def __init__(self) -> None:
        self._tts: object | None = None
        wanted = os.environ.get("KIOSK_TTS_ENGINE")
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
