"""Qt Virtual Keyboard inside the kiosk window, with a keyboard fitting each field.

Widget applications normally get the keyboard as a separate top-level window,
which can end up behind a full-screen, stay-on-top kiosk. With the desktop
integration switched off, the one ``InputPanel`` that exists is this one, in a
QQuickWidget laid over the bottom of our own window. It never takes part in the
window's layout: the window stays exactly the screen, the screen above the
keyboard gets shorter and scrolls, and the focused field is scrolled into view.

Which keys a field gets follows from its kind (the ``kiosk_keyboard`` property
of the widget with focus, see :data:`KIND_HINTS`):

* ``latin``: names, places, streets, codes, IBANs, e-mail addresses: a Latin
  layout with the accented letters of DIN 91379 on long press; a strip above the
  keys says why, in the visitor's language;
* ``digits``: whole numbers, postcodes: the number pad, with Western digits;
* ``number``: amounts and decimals: the number pad with decimal separators;
* ``phone``: the dial pad;
* ``house``: house numbers such as "12a": Latin, numbers preferred;
* ``native``: free text and searches: the visitor's own script.

A one-tap button on the strip switches between the visitor's script and Latin;
the keyboard's own language key only toggles between those two.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.locales import native_name
from ui import texts
from ui.theme import show_icon
from ui.tr import KEYBOARD_LOCALES, Tr
from ui.widgets import button, label

QML = Path(__file__).with_name("qml") / "keyboard.qml"

#: Input-method hints per keyboard kind (the keyboard picks its layout from them).
#: The keyboards a field can ask for.
KeyboardKind = Literal["latin", "code", "email", "digits", "number", "phone", "house", "native"]

KIND_HINTS: dict[KeyboardKind, Qt.InputMethodHint] = {
    "latin": Qt.InputMethodHint.ImhNoPredictiveText | Qt.InputMethodHint.ImhLatinOnly,
    "code": Qt.InputMethodHint.ImhNoPredictiveText
    | Qt.InputMethodHint.ImhLatinOnly
    | Qt.InputMethodHint.ImhPreferUppercase
    | Qt.InputMethodHint.ImhNoAutoUppercase,
    "email": Qt.InputMethodHint.ImhEmailCharactersOnly
    | Qt.InputMethodHint.ImhNoAutoUppercase
    | Qt.InputMethodHint.ImhNoPredictiveText
    | Qt.InputMethodHint.ImhLatinOnly,
    "digits": Qt.InputMethodHint.ImhDigitsOnly,
    "number": Qt.InputMethodHint.ImhFormattedNumbersOnly,
    "phone": Qt.InputMethodHint.ImhDialableCharactersOnly,
    "house": Qt.InputMethodHint.ImhPreferNumbers
    | Qt.InputMethodHint.ImhNoPredictiveText
    | Qt.InputMethodHint.ImhLatinOnly,
    "native": Qt.InputMethodHint.ImhNone,
}
#: Kinds whose letters must be Latin (the strip explains why).
LATIN_KINDS = frozenset({"latin", "code", "email"})

#: Languages written in Latin letters: their own layout serves for names too (Kurmanji
#: and Somali included: their layouts are QWERTY with their letters added).
LATIN_SCRIPT = frozenset({"de", "de@leicht", "en", "tr", "ro", "pl", "fr", "sq", "ku", "so"})
#: The Latin layout for visitors whose own script is not Latin: QWERTY, with many
#: accented letters on long press.
LATIN_FALLBACK = "en_GB"


def keyboard_locales(lang: str) -> tuple[str, str]:
    """(the visitor's own layout, the Latin layout) for *lang*."""
    own = KEYBOARD_LOCALES.get(lang, LATIN_FALLBACK)
    return own, own if lang in LATIN_SCRIPT else LATIN_FALLBACK


def mark_keyboard(widget: QWidget, kind: KeyboardKind) -> None:
    """Say which keyboard *widget* needs; sets the matching input-method hints."""
    widget.setProperty("kiosk_keyboard", kind)
    widget.setInputMethodHints(KIND_HINTS[kind])


class KeyboardPanel(QWidget):
    """The embedded keyboard over the bottom of *parent*; shows itself while a text field
    has focus.

    Signals:
        shown(int): the height the keyboard now covers at the bottom (0: gone); the
            window gives the screen above it the rest.
    """

    shown = Signal(int)

    #: At most this share of the window's height is keyboard.
    MAX_SHARE = 0.42

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        from PySide6.QtQuickWidgets import QQuickWidget  # loaded only where a keyboard is wanted

        self.setObjectName("keyboard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.strip = QWidget()
        self.strip.setObjectName("keyboard-strip")
        self.strip.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        strip_row = QHBoxLayout(self.strip)
        strip_row.setContentsMargins(16, 6, 16, 6)
        self.why = label("", "muted")
        strip_row.addWidget(self.why, 1)
        self.switch = button("", "keyboard.script", on_click=self.toggle_script, icon="script")
        self.switch.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # tapping it keeps the field's focus
        strip_row.addWidget(self.switch)
        self.view = QQuickWidget()
        self.view.setResizeMode(QQuickWidget.ResizeMode.SizeRootObjectToView)
        self.view.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setClearColor(Qt.GlobalColor.black)
        self.view.setSource(QUrl.fromLocalFile(str(QML)))
        keys = QHBoxLayout()
        keys.setContentsMargins(0, 0, 0, 0)
        keys.addStretch(1)
        keys.addWidget(self.view)
        keys.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.strip)
        column.addLayout(keys)
        self.ok = self.view.rootObject() is not None
        self.texts: Tr | None = None
        self.own, self.latin = keyboard_locales("de")
        self.kind = "native"
        self.using = self.own
        # follow the input method rather than polling QML properties: reading a QML bool
        # through QObject.property() has crashed PySide6 here (a refcount bug)
        self.input_method = QGuiApplication.inputMethod()
        self.input_method.visibleChanged.connect(self._follow)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        parent.installEventFilter(self)
        self.setVisible(False)

    # ---------------------------------------------------------------- language and layout
    def set_language(self, tr: Tr) -> None:
        self.texts = tr
        self.own, self.latin = keyboard_locales(tr.lang)
        self.strip.setLayoutDirection(tr.direction)
        root = self.view.rootObject()
        if root is not None:
            root.setProperty("activeLocales", list(dict.fromkeys([self.own, self.latin])))
        self._choose(self._focused_kind())

    def _focused_kind(self) -> str:
        focus = QApplication.focusWidget()
        kind = focus.property("kiosk_keyboard") if focus is not None else None
        return kind if isinstance(kind, str) else "native"

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if new is None or self.isAncestorOf(new):
            return
        self._choose(self._focused_kind())

    def _choose(self, kind: str) -> None:
        self.kind = kind
        # digits come from the Latin layout's number pad: Western digits, as forms want them
        self._use(self.own if kind == "native" else self.latin)

    def _use(self, locale: str) -> None:
        self.using = locale
        root = self.view.rootObject()
        if root is not None:
            root.setProperty("locale", locale)
        self._label_strip()

    def toggle_script(self) -> None:
        """The strip's button: the visitor's own script <-> Latin, for this field."""
        self._use(self.latin if self.using != self.latin else self.own)
        QTimer.singleShot(30, self._fit)

    def _label_strip(self) -> None:
        tr = self.texts
        two_scripts = self.own != self.latin and self.kind not in ("digits", "number", "phone")
        self.strip.setVisible(two_scripts)
        if tr is None or not two_scripts:
            return
        self.why.setText(tr(texts.LATIN_WHY) if self.kind in LATIN_KINDS else "")
        if self.using == self.latin:
            self.switch.setText(native_name(tr.lang))
            show_icon(self.switch, "script")
        else:
            self.switch.setText("ABC")
            show_icon(self.switch, "latin")
        self.switch.setAccessibleName(f"{tr(texts.SWITCH_SCRIPT)}: {self.switch.text()}")

    # ---------------------------------------------------------------- showing
    def _follow(self) -> None:
        visible = self.input_method.isVisible()
        if visible:
            self._choose(self._focused_kind())
            self.setVisible(True)
            self._fit()
            QTimer.singleShot(40, self._fit)  # QML lays out the keys a moment later
        else:
            self.setVisible(False)
            self.shown.emit(0)

    def _fit(self) -> None:
        """Full width where that leaves the screen enough room; narrower (centred) where a
        full-width keyboard would take more than MAX_SHARE of the height."""
        parent = self.parentWidget()
        if parent is None or not self.isVisible():
            return
        cap = int(parent.height() * self.MAX_SHARE)
        width = parent.width()
        self.view.setFixedWidth(width)
        for _ in range(3):
            height = self._keys_height()
            if height <= cap or height <= 0:
                break
            width = max(480, int(width * cap / height))
            self.view.setFixedWidth(width)
        height = max(self._keys_height(), 200)
        self.view.setFixedHeight(height)
        strip = self.strip.sizeHint().height() if self.strip.isVisible() else 0
        total = height + strip
        self.setGeometry(0, parent.height() - total, parent.width(), total)
        self.raise_()
        from ui.overlay import restack

        restack(parent)
        self.shown.emit(total)

    def _keys_height(self) -> int:
        root = self.view.rootObject()
        if root is None:
            return 0
        return int(float(root.property("implicitHeight") or 0))

    def eventFilter(self, watched: QObject, event: object) -> bool:  # noqa: N802 - Qt override
        from PySide6.QtCore import QEvent

        if isinstance(event, QEvent) and event.type() == QEvent.Type.Resize and self.isVisible():
            QTimer.singleShot(0, self._fit)
        return False
