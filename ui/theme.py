"""Colours and sizes for normal, larger-text and high-contrast mode.

Colours are chosen for contrast first (WCAG: 4.5:1 for text, 7:1 in high-contrast
mode); :func:`contrast` is the WCAG formula the tests use on real screenshots.
Colour never carries meaning alone: a chosen answer also shows a check mark,
an error a warning sign and words, the primary action its own shape and place.

The theme in use is also kept module-wide (:func:`current`), so a pictogram
painted on a widget created anywhere (an overlay, a field) takes its colours.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget


@dataclass(frozen=True)
class Theme:
    large_text: bool = False
    high_contrast: bool = False

    @property
    def scale(self) -> float:
        return 1.35 if self.large_text else 1.0

    def px(self, size: float) -> int:
        return round(size * self.scale)

    @property
    def colors(self) -> dict[str, str]:
        if self.high_contrast:
            return {
                "bg": "#000000",
                "fg": "#ffffff",
                "muted": "#e0e0e0",
                "accent": "#ffff00",
                "accent_fg": "#000000",
                "accent_soft": "#000000",
                "tile": "#000000",
                "border": "#ffffff",
                "error": "#ffff00",
                "error_bg": "#000000",
                "selected": "#ffff00",
                "selected_fg": "#000000",
                "bar": "#000000",
                "banner": "#000000",
                "banner_fg": "#ffff00",
                "panel": "#000000",
            }
        return {
            "bg": "#f3f4f6",
            "fg": "#1a1a1a",
            "muted": "#4a4f57",
            "accent": "#0b5cad",
            "accent_fg": "#ffffff",
            "accent_soft": "#e2ecf8",
            "tile": "#ffffff",
            "border": "#8a8f98",
            "error": "#a4000f",
            "error_bg": "#fdecee",
            "selected": "#0b5cad",
            "selected_fg": "#ffffff",
            "bar": "#ffffff",
            "banner": "#fff3c4",
            "banner_fg": "#3d2e00",
            "panel": "#ffffff",
        }

    def icon_size(self) -> int:
        return self.px(30)

    def stylesheet(self) -> str:
        c = self.colors
        base, small, big, title = self.px(21), self.px(17), self.px(26), self.px(34)
        return f"""
QWidget {{ background: {c["bg"]}; color: {c["fg"]}; font-size: {base}px; }}
QLabel#german, QLabel#muted {{ color: {c["muted"]}; font-size: {small}px; }}
QLabel#title {{ font-size: {title}px; font-weight: bold; }}
QLabel#subtitle {{ font-size: {big}px; font-weight: bold; }}
QLabel#error {{ color: {c["error"]}; background: {c["error_bg"]}; font-size: {small + 1}px;
               padding: 8px 10px; border-radius: 6px; border: 2px solid {c["error"]}; }}
QLabel#demo-mark {{ color: {c["banner_fg"]}; background: {c["banner"]}; font-weight: bold;
                  padding: 4px 10px; border-radius: 6px; border: 2px solid {c["banner_fg"]}; }}
QLabel#reference {{ font-size: {self.px(48)}px; font-weight: bold; }}
QLabel#countdown {{ font-size: {self.px(120)}px; font-weight: bold; color: {c["accent"]}; }}
QLabel#icon-disc {{ background: {c["accent_soft"]}; }}
QPushButton, QToolButton {{ background: {c["tile"]}; color: {c["fg"]};
    border: 2px solid {c["border"]}; border-radius: 12px; padding: 10px 18px;
    min-height: {self.px(52)}px; min-width: 52px; }}
QPushButton:pressed {{ background: {c["accent_soft"]}; }}
QPushButton:checked, QToolButton:checked {{ background: {c["selected"]}; color: {c["selected_fg"]};
    border-color: {c["selected"]}; }}
QPushButton[kiosk_shape="icon"] {{ padding: 6px; min-width: {self.px(52)}px;
    min-height: {self.px(52)}px; }}
QPushButton#date-cell {{ min-height: 40px; padding: 4px 6px; }}
QPushButton#date-cell:checked {{ background: {c["selected"]}; color: {c["selected_fg"]}; }}
QPushButton#primary {{ background: {c["accent"]}; color: {c["accent_fg"]};
    border-color: {c["accent"]}; font-weight: bold; min-height: {self.px(64)}px;
    padding: 10px 28px; }}
QPushButton:disabled {{ color: {c["muted"]}; border-style: dashed; }}
QPushButton#primary:disabled {{ background: {c["tile"]}; color: {c["muted"]};
    border-color: {c["border"]}; }}
QPushButton QLabel {{ background: transparent; }}
QPushButton QLabel[on="true"], QPushButton QLabel#german[on="true"] {{
    color: {c["selected_fg"]}; }}
QPushButton#primary QLabel {{ color: {c["accent_fg"]}; }}
QLineEdit, QPlainTextEdit, QListWidget {{ background: {c["tile"]}; color: {c["fg"]};
    border: 2px solid {c["border"]}; border-radius: 10px; padding: 8px; min-height: 52px; }}
QLineEdit:focus, QPlainTextEdit:focus {{ border: 3px solid {c["accent"]}; }}
QListWidget::item {{ min-height: {self.px(52)}px; padding: 6px; }}
QListWidget::item:selected {{ background: {c["selected"]}; color: {c["selected_fg"]}; }}
QFrame#card {{ background: {c["tile"]}; border: 2px solid {c["border"]}; border-radius: 14px; }}
QFrame#card QLabel, QFrame#card QPushButton#info {{ background: {c["tile"]}; }}
QFrame#card QLabel#icon-disc {{ background: {c["accent_soft"]}; }}
QWidget#top-bar {{ background: {c["bar"]}; border-bottom: 2px solid {c["border"]}; }}
QWidget#top-bar QPushButton {{ min-height: {self.px(48)}px; padding: 6px 14px; }}
QWidget#staff-banner, QWidget#staff-banner QLabel {{ background: {c["banner"]};
    color: {c["banner_fg"]}; }}
QFrame#overlay-panel {{ background: {c["panel"]}; border: 2px solid {c["border"]};
    border-radius: 18px; }}
QFrame#overlay-panel QLabel {{ background: {c["panel"]}; }}
QWidget#keyboard-strip, QWidget#keyboard-strip QLabel {{ background: {c["bar"]};
    font-size: 17px; }}
QWidget#keyboard-strip QPushButton {{ min-height: 36px; padding: 4px 12px; font-size: 19px; }}
QScrollBar:vertical {{ width: 28px; background: {c["bg"]}; }}
QScrollBar::handle:vertical {{ background: {c["border"]}; border-radius: 10px; min-height: 60px;
    margin: 4px; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
QProgressBar {{ border: none; background: {c["accent_soft"]}; border-radius: 6px; }}
QProgressBar::chunk {{ background: {c["accent"]}; border-radius: 6px; }}
"""


_current = Theme()


def current() -> Theme:
    """The theme the kiosk shows now (the window sets it)."""
    return _current


def set_current(theme: Theme) -> None:
    global _current
    _current = theme


def paint_icons(root: QWidget) -> None:
    """Give every pictogram under *root* the current theme's colours (after a theme change)."""
    for widget in [root, *root.findChildren(QWidget)]:
        _paint(widget)


def _paint(widget: QWidget) -> None:
    from ui.icons import icon, pixmap

    name = widget.property("kiosk_icon")
    if not isinstance(name, str) or not name:
        return
    theme = current()
    c = theme.colors
    mirrored = widget.layoutDirection() == Qt.LayoutDirection.RightToLeft
    if isinstance(widget, QAbstractButton):
        primary = widget.objectName() == "primary"
        color = c["accent_fg"] if primary else c["fg"]
        size = theme.icon_size()
        painted = icon(name, color, size, mirrored)
        if widget.isCheckable():
            from PySide6.QtGui import QIcon

            on = pixmap(name, c["selected_fg"], size * 2, mirrored)
            painted.addPixmap(on, QIcon.Mode.Normal, QIcon.State.On)
        widget.setIcon(painted)
        widget.setIconSize(
            widget.iconSize().scaled(size, size, Qt.AspectRatioMode.IgnoreAspectRatio)
        )
    elif isinstance(widget, QLabel):
        size = int(widget.property("kiosk_icon_size") or theme.icon_size())
        color = c["accent"] if widget.objectName() == "icon-disc" else c["fg"]
        widget.setPixmap(pixmap(name, color, size, mirrored))


class IconPainter(QObject):
    """Paints a pictogram when Qt first polishes its widget (its colours and direction are
    known by then, wherever it was created) and again when its direction changes.

    Watches only the widgets :func:`show_icon` names: a filter on the whole application
    would bring every event of every widget into Python, which made the first paint of
    the kiosk tens of milliseconds slower."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _REPAINT_ON and isinstance(watched, QWidget):
            _paint(watched)
        return False


_REPAINT_ON = frozenset({QEvent.Type.Polish, QEvent.Type.LayoutDirectionChange})
_painter: IconPainter | None = None


def show_icon(widget: QWidget, name: str) -> None:
    """Give *widget* (a button or a label) the pictogram *name* ("" for none), in the
    theme's colours, mirrored in a right-to-left layout."""
    global _painter
    widget.setProperty("kiosk_icon", name)
    if _painter is None:
        _painter = IconPainter(QApplication.instance())
    widget.installEventFilter(_painter)  # a second install only moves it to the front
    if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        _paint(widget)


def _luminance(color: QColor) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
