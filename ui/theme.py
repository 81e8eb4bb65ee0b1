"""Colours and sizes for normal, larger-text and high-contrast mode.

Colours are chosen for contrast first (WCAG: 4.5:1 for text, 7:1 in high-contrast
mode); :func:`contrast` is the WCAG formula the tests use on real screenshots.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor


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
                "tile": "#000000",
                "border": "#ffffff",
                "error": "#ffff00",
                "error_bg": "#000000",
                "selected": "#ffff00",
                "selected_fg": "#000000",
            }
        return {
            "bg": "#f4f5f7",
            "fg": "#1a1a1a",
            "muted": "#4d4d4d",
            "accent": "#0b5cad",
            "accent_fg": "#ffffff",
            "tile": "#ffffff",
            "border": "#8a8f98",
            "error": "#a4000f",
            "error_bg": "#fdecee",
            "selected": "#0b5cad",
            "selected_fg": "#ffffff",
        }

    def stylesheet(self) -> str:
        c = self.colors
        base, small, big, title = self.px(20), self.px(15), self.px(26), self.px(32)
        return f"""
QWidget {{ background: {c["bg"]}; color: {c["fg"]}; font-size: {base}px; }}
QLabel#german, QLabel#muted {{ color: {c["muted"]}; font-size: {small}px; }}
QLabel#title {{ font-size: {title}px; font-weight: bold; }}
QLabel#subtitle {{ font-size: {big}px; font-weight: bold; }}
QLabel#error {{ color: {c["error"]}; background: {c["error_bg"]}; font-size: {small + 1}px;
               padding: 6px; border-radius: 6px; }}
QLabel#reference {{ font-size: {self.px(44)}px; font-weight: bold; }}
QPushButton, QToolButton {{ background: {c["tile"]}; color: {c["fg"]};
    border: 2px solid {c["border"]}; border-radius: 10px; padding: 10px 16px;
    min-height: 48px; min-width: 48px; }}
QPushButton:checked, QToolButton:checked {{ background: {c["selected"]}; color: {c["selected_fg"]};
    border-color: {c["selected"]}; }}
QPushButton#primary {{ background: {c["accent"]}; color: {c["accent_fg"]};
    border-color: {c["accent"]}; font-weight: bold; min-height: 64px; }}
QPushButton:disabled {{ color: {c["muted"]}; }}
QLineEdit, QPlainTextEdit, QListWidget {{ background: {c["tile"]}; color: {c["fg"]};
    border: 2px solid {c["border"]}; border-radius: 8px; padding: 8px; min-height: 48px; }}
QListWidget::item {{ min-height: 48px; padding: 6px; }}
QListWidget::item:selected {{ background: {c["selected"]}; color: {c["selected_fg"]}; }}
QFrame#card {{ background: {c["tile"]}; border: 2px solid {c["border"]}; border-radius: 12px; }}
QFrame#card QLabel, QFrame#card QPushButton#info {{ background: {c["tile"]}; }}
QScrollBar:vertical {{ width: 24px; }}
"""


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
