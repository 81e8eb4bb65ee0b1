"""Choosing a date by touch: decade, year, month, day, each a grid of big buttons.

A birth date on a wheel or a list of years means dozens of taps or precise
drags; here it takes four taps and "done": the decade (when the field's range
spans more than a couple of decades), the year, the month by its name in the
visitor's language, the day. The grids only offer what the field's range
allows (a range of 120 years is twelve decades on one screen, a range of a few
years is those years), and the three parts stay on top as buttons, so any part
can be changed without starting again.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, partial

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QWidget

from ui import texts
from ui.overlay import Layer, Overlay
from ui.theme import Theme
from ui.tr import Tr, ltr_isolate
from ui.widgets import button, german_label, label

#: Up to this many years the years are offered at once; beyond it, decades first.
YEARS_AT_ONCE = 20


@dataclass(frozen=True)
class Choice:
    """The parts chosen so far."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    def date(self) -> dt.date | None:
        if self.year is None or self.month is None or self.day is None:
            return None
        try:
            return dt.date(self.year, self.month, self.day)
        except ValueError:
            return None


@dataclass(frozen=True)
class DateRange:
    """The dates a field accepts, and what the picker offers first."""

    low: dt.date
    high: dt.date

    def decades(self) -> list[int]:
        return list(range(self.low.year // 10 * 10, self.high.year // 10 * 10 + 1, 10))

    def years(self, decade: int | None) -> list[int]:
        first, last = self.low.year, self.high.year
        if decade is not None:
            first, last = max(first, decade), min(last, decade + 9)
        return list(range(first, last + 1))

    def months(self, year: int) -> list[int]:
        return [
            m
            for m in range(1, 13)
            if dt.date(year, m, calendar.monthrange(year, m)[1]) >= self.low
            and dt.date(year, m, 1) <= self.high
        ]

    def days(self, year: int, month: int) -> list[int]:
        last = calendar.monthrange(year, month)[1]
        return [d for d in range(1, last + 1) if self.low <= dt.date(year, month, d) <= self.high]

    @property
    def needs_decades(self) -> bool:
        return self.high.year - self.low.year + 1 > YEARS_AT_ONCE


Step = str  # "decade", "year", "month", "day"


class DatePicker(Overlay):
    """The picker over the kiosk window; *on_chosen* gets the date when the visitor taps done."""

    def __init__(
        self,
        parent: QWidget,
        tr: Tr,
        theme: Theme,
        *,
        title: str,
        german: str,
        bounds: DateRange,
        current: dt.date | None,
        on_chosen: Callable[[dt.date], None],
    ) -> None:
        super().__init__(parent, "date-picker", Layer.VISIT, panel_width=0.8, fixed_width=True)
        self.t, self.theme, self.bounds, self.on_chosen = tr, theme, bounds, on_chosen
        self.panel.setLayoutDirection(tr.direction)
        heading = label(title, "title")
        self.box.addWidget(heading)
        if german and not tr.shows_german and german != title:
            self.box.addWidget(german_label(german, tr))
        self.choice = Choice(current.year, current.month, current.day) if current else Choice()
        parts = QHBoxLayout()
        self.part_buttons: dict[Step, QPushButton] = {}
        for step, name in (("day", texts.DAY), ("month", texts.MONTH), ("year", texts.YEAR)):
            b = button("", f"date.part-{step}", on_click=partial(self._part, step))
            b.setObjectName("date-cell")
            b.setProperty("date_part", step)
            b.setAccessibleDescription(tr(name))
            self.part_buttons[step] = b
            parts.addWidget(b, 1)
        self.box.addLayout(parts)
        self.prompt = label("", "")
        self.box.addWidget(self.prompt)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)

        self.grid.setSpacing(8)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.box.addWidget(self.grid_host, 1)
        actions = QHBoxLayout()
        actions.addWidget(button(tr(texts.CANCEL), "date.cancel", on_click=self.dismiss))
        actions.addStretch(1)
        self.ok = button(tr(texts.OK), "date.ok", primary=True, on_click=self._done)
        actions.addWidget(self.ok)
        self.box.addLayout(actions)
        self.decade: int | None = None
        if current is not None:
            self.show_step("day")
        elif bounds.needs_decades:
            self.show_step("decade")
        else:
            self.show_step("year")

    # ---------------------------------------------------------------- steps
    def show_step(self, step: Step) -> None:
        if step == "year" and self.bounds.needs_decades and self.decade is None:
            step = "decade"
        if step == "month" and self.choice.year is None:
            step = "decade" if self.bounds.needs_decades else "year"
        if step == "day" and self.choice.month is None:
            step = "month" if self.choice.year is not None else "year"
        self.step = step
        self._clear_grid()
        tr, b = self.t, self.bounds
        if step == "decade":
            self.prompt.setText(tr(texts.CHOOSE_YEAR))
            decades = b.decades()
            columns = 5 if len(decades) > 12 else 4
            for i, decade in enumerate(decades):
                text = ltr_isolate(f"{decade} – {decade + 9}")  # earlier year first, always
                self._cell(
                    i,
                    columns,
                    text,
                    f"date.decade-{decade}",
                    partial(self._decade, decade),
                    checked=self.choice.year is not None and decade == self.choice.year // 10 * 10,
                )
        elif step == "year":
            self.prompt.setText(tr(texts.CHOOSE_YEAR))
            years = b.years(self.decade if b.needs_decades else None)
            for i, year in enumerate(years):
                self._cell(
                    i,
                    5,
                    str(year),
                    f"date.year-{year}",
                    partial(self._year, year),
                    checked=year == self.choice.year,
                )
        elif step == "month":
            self.prompt.setText(tr(texts.CHOOSE_MONTH))
            assert self.choice.year is not None
            names = month_names(tr.lang)
            for i, month in enumerate(b.months(self.choice.year)):
                self._cell(
                    i,
                    4,
                    names[month - 1],
                    f"date.month-{month}",
                    partial(self._month, month),
                    checked=month == self.choice.month,
                )
        else:
            self.prompt.setText(tr(texts.CHOOSE_DAY))
            assert self.choice.year is not None and self.choice.month is not None
            for i, day in enumerate(b.days(self.choice.year, self.choice.month)):
                self._cell(
                    i,
                    7,
                    str(day),
                    f"date.day-{day}",
                    partial(self._day, day),
                    checked=day == self.choice.day,
                )
        self._show_parts()

    def _cell(
        self,
        index: int,
        columns: int,
        text: str,
        name: str,
        on_click: Callable[[], None],
        *,
        checked: bool = False,
    ) -> None:
        b = button(text, name, checkable=True, on_click=on_click)
        b.setObjectName("date-cell")
        b.setChecked(checked)
        # parented by the grid first: a widget shown without a parent is a window of its own
        self.grid.addWidget(b, index // columns, index % columns)
        b.show()  # at once, so the grid's size counts it

    def _clear_grid(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()

    def _show_parts(self) -> None:
        tr, c = self.t, self.choice
        names = month_names(tr.lang)
        shown = {
            "day": str(c.day) if c.day else tr(texts.DAY),
            "month": names[c.month - 1] if c.month else tr(texts.MONTH),
            "year": str(c.year) if c.year else tr(texts.YEAR),
        }
        for step, b in self.part_buttons.items():
            b.setText(shown[step])
            b.setAccessibleName(f"{tr(_PART_NAMES[step])}: {shown[step]}")
            b.setCheckable(True)
            b.setChecked(step == self.step or (step == "year" and self.step == "decade"))
        chosen = c.date()
        self.ok.setEnabled(chosen is not None and self.bounds.low <= chosen <= self.bounds.high)

    # ---------------------------------------------------------------- choosing
    def _part(self, step: Step) -> None:
        """A tap on day, month or year at the top: choose that part again (the year from
        its decade, so any year of the range can be reached)."""
        if step == "year" and self.bounds.needs_decades:
            self.decade = None
        self.show_step(step)

    def _decade(self, decade: int) -> None:
        self.decade = decade
        self.show_step("year")

    def _year(self, year: int) -> None:
        self.choice = self._trim(replace(self.choice, year=year))
        self.show_step("month")

    def _month(self, month: int) -> None:
        self.choice = self._trim(replace(self.choice, month=month))
        self.show_step("day")

    def _day(self, day: int) -> None:
        self.choice = replace(self.choice, day=day)
        self.show_step("day")

    def _trim(self, choice: Choice) -> Choice:
        """Drop the later parts that no longer exist (31 February, a month out of range)."""
        if choice.year is not None and choice.month is not None:
            if choice.month not in self.bounds.months(choice.year):
                return replace(choice, month=None, day=None)
            if choice.day is not None and choice.day not in self.bounds.days(
                choice.year, choice.month
            ):
                return replace(choice, day=None)
        return choice

    def _done(self) -> None:
        chosen = self.choice.date()
        if chosen is None:
            return
        callback = self.on_chosen
        self.dismiss()
        callback(chosen)

    def present(self) -> None:
        if self.choice.year is not None:
            self.decade = self.choice.year // 10 * 10
        super().present()


_PART_NAMES = {"day": texts.DAY, "month": texts.MONTH, "year": texts.YEAR}


@cache
def month_names(lang: str) -> tuple[str, ...]:
    """January to December as the visitor's language names them on their own."""
    from babel.dates import get_month_names

    try:
        names = get_month_names("wide", "stand-alone", locale=lang)
    except Exception:  # a language Babel does not know: German names
        names = get_month_names("wide", "stand-alone", locale="de")
    return tuple(str(names[m]) for m in range(1, 13))
