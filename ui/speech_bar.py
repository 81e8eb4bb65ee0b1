"""The read-aloud controls above the screen: stop, again, quieter, louder, and reading
every page aloud by itself.

Shown from the first tap on a read-aloud button until the visit ends, so a visitor who
uses speech keeps its controls on every screen and one who does not never sees them.
The volume steps are the speaker's (:data:`ui.speech.VOLUME_STEPS_DB`), 24 dB from the
softest to the loudest; the level is said in words too, not by a bar alone.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel

from ui import texts
from ui.speech import VOLUME_STEPS_DB, Speaker
from ui.tr import Tr
from ui.widgets import button, label


class SpeechBar(QFrame):
    def __init__(self, speaker: Speaker, tr: Tr) -> None:
        super().__init__()
        self.speaker = speaker
        self.setObjectName("speech-bar")
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 4, 16, 4)
        row.setSpacing(10)
        self.stop = button("", "speech.stop", on_click=speaker.stop, icon="stop_speaking")
        self.again = button("", "speech.again", on_click=speaker.again, icon="say_again")
        self.quieter = button("", "speech.quieter", on_click=self._quieter, icon="quieter")
        self.louder = button("", "speech.louder", on_click=self._louder, icon="louder")
        self.level: QLabel = label("", "muted")
        self.auto = button("", "speech.every_page", checkable=True, icon="read_aloud")
        for widget in (self.stop, self.again, self.quieter, self.level, self.louder):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.auto)
        self.setVisible(False)
        self.set_language(tr)

    @property
    def reads_every_page(self) -> bool:
        return self.isVisible() and self.auto.isChecked()

    def set_language(self, tr: Tr) -> None:
        self.texts = tr
        self.setLayoutDirection(tr.direction)
        for control, msgid in (
            (self.stop, texts.STOP_SPEAKING),
            (self.again, texts.SAY_AGAIN),
            (self.quieter, texts.QUIETER),
            (self.louder, texts.LOUDER),
            (self.auto, texts.READ_EVERY_PAGE),
        ):
            words = tr(msgid)
            control.setText(words)
            control.setAccessibleName(words)
        self._show_level()

    def reset(self) -> None:
        """The visit is over: hidden, and the next visitor starts without auto-reading."""
        self.auto.setChecked(False)
        self.setVisible(False)

    def _quieter(self) -> None:
        self.speaker.quieter()
        self._show_level()

    def _louder(self) -> None:
        self.speaker.louder()
        self._show_level()

    def _show_level(self) -> None:
        level = VOLUME_STEPS_DB.index(self.speaker.volume_db) + 1
        words = self.texts(texts.VOLUME_LEVEL, level=level, levels=len(VOLUME_STEPS_DB))
        self.level.setText(words)
        self.level.setAccessibleName(words)
        self.quieter.setEnabled(level > 1)
        self.louder.setEnabled(level < len(VOLUME_STEPS_DB))
