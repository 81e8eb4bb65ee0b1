"""The settings described for people: the README's table, ``kiosk settings list`` and
``kiosk settings check``.

Every word comes from the model in :mod:`kiosk.settings` (its defaults, bounds and
field descriptions), so the documentation cannot drift from what the file accepts; a
test keeps the README equal to :func:`markdown_table`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from kiosk.settings import KioskSettings, allowed_values, plain_number


@dataclass(frozen=True)
class SettingSpec:
    """One setting as the README and ``kiosk settings`` describe it."""

    key: str
    default: object
    allowed: str
    meaning: str


def setting_specs() -> list[SettingSpec]:
    """Every setting of the file, in the file's order, from the model itself."""
    specs = []
    for section, section_field in KioskSettings.model_fields.items():
        model = section_field.annotation
        assert isinstance(model, type) and issubclass(model, BaseModel)
        for name, info in model.model_fields.items():
            specs.append(
                SettingSpec(
                    f"{section}.{name}", info.default, allowed_values(info), info.description or ""
                )
            )
    return specs


def show_value(value: object) -> str:
    """A value as it is written in kiosk.toml (``-`` for a setting left out)."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return plain_number(value)


def effective_values(settings: KioskSettings) -> list[tuple[str, object]]:
    """``(dotted key, value)`` for every setting, in the file's order."""
    values = []
    for spec in setting_specs():
        section, name = spec.key.split(".", 1)
        values.append((spec.key, getattr(getattr(settings, section), name)))
    return values


def markdown_table() -> str:
    """The README's table of settings (a test keeps the README equal to it)."""
    lines = ["| Setting | Default | Allowed | Meaning |", "|---|---|---|---|"]
    for spec in setting_specs():
        meaning = spec.meaning.replace("|", "\\|")
        lines.append(f"| `{spec.key}` | {show_value(spec.default)} | {spec.allowed} | {meaning} |")
    return "\n".join(lines)
