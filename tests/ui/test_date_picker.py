"""The touch date picker: a birth date in four taps, only dates the field accepts, and an
overlay of the kiosk window that the end of a visit takes away."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.catalog.compiled import CompiledCatalog
from tests.ui.conftest import Kiosk
from ui.fields.date_picker import DatePicker, DateRange
from ui.theme import Theme
from ui.tr import Tr

TODAY = dt.date(2026, 11, 21)
BIRTH = DateRange(dt.date(1906, 11, 21), TODAY)  # min_date: -120y, max_date: today
PAPER = DateRange(dt.date(2021, 11, 21), dt.date(2036, 11, 21))  # -5y .. +10y


@pytest.fixture
def host(qtbot: QtBot) -> QWidget:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def make(host: QWidget, demo: CompiledCatalog, bounds: DateRange, current: dt.date | None = None):
    chosen: list[dt.date] = []
    picker = DatePicker(
        host,
        Tr("uk", demo),
        Theme(),
        title="Дата народження",
        german="Geburtsdatum",
        bounds=bounds,
        current=current,
        on_chosen=chosen.append,
    )
    picker.present()
    return picker, chosen


def tap(picker: DatePicker, kiosk_id: str) -> None:
    QApplication.processEvents()  # new grid buttons are shown by a queued event
    found = [
        b
        for b in picker.findChildren(QPushButton)
        if b.property("kiosk_id") == kiosk_id and b.isVisibleTo(picker)
    ]
    assert found, f"no {kiosk_id} among {offered(picker)}"
    found[0].click()


def offered(picker: DatePicker) -> list[str]:
    QApplication.processEvents()
    return [
        str(b.property("kiosk_id"))
        for b in picker.grid_host.findChildren(QPushButton)
        if b.isVisibleTo(picker) and not b.property("kiosk_id").startswith("date.part")
    ]


def test_a_birth_date_takes_four_taps_and_done(host: QWidget, demo: CompiledCatalog) -> None:
    picker, chosen = make(host, demo, BIRTH)
    assert offered(picker)[0] == "date.decade-1900" and offered(picker)[-1] == "date.decade-2020"
    for kiosk_id in ("date.decade-1980", "date.year-1985", "date.month-3", "date.day-14"):
        tap(picker, kiosk_id)
    assert picker.ok.isEnabled()
    tap(picker, "date.ok")
    assert chosen == [dt.date(1985, 3, 14)]
    assert not picker.isVisible()


def test_months_are_named_in_the_visitors_language(host: QWidget, demo: CompiledCatalog) -> None:
    picker, _ = make(host, demo, BIRTH)
    tap(picker, "date.decade-1990")
    tap(picker, "date.year-1991")
    QApplication.processEvents()
    names = [b.text() for b in picker.grid_host.findChildren(QPushButton) if b.isVisibleTo(picker)]
    assert names[:3] == ["січень", "лютий", "березень"]


@pytest.mark.parametrize(
    ("bounds", "year", "months", "month", "first_day", "last_day"),
    [
        # the range's own ends: a birth date cannot be tomorrow, nor 121 years ago
        (BIRTH, 2026, list(range(1, 12)), 11, 1, 21),
        (BIRTH, 1906, [11, 12], 11, 21, 30),
        # a paper valid from five years ago to ten years ahead: years at once, no decades
        (PAPER, 2021, [11, 12], 11, 21, 30),
        (PAPER, 2036, list(range(1, 12)), 11, 1, 21),
        (PAPER, 2030, list(range(1, 13)), 2, 1, 28),
    ],
)
def test_only_dates_in_the_fields_range_are_offered(
    host: QWidget,
    demo: CompiledCatalog,
    bounds: DateRange,
    year: int,
    months: list[int],
    month: int,
    first_day: int,
    last_day: int,
) -> None:
    picker, _ = make(host, demo, bounds)
    if bounds.needs_decades:
        tap(picker, f"date.decade-{year // 10 * 10}")
    else:
        assert not any(k.startswith("date.decade") for k in offered(picker))
    tap(picker, f"date.year-{year}")
    assert offered(picker) == [f"date.month-{m}" for m in months]
    tap(picker, f"date.month-{month}")
    days = offered(picker)
    assert days[0] == f"date.day-{first_day}" and days[-1] == f"date.day-{last_day}"


def test_a_day_that_does_not_exist_cannot_be_chosen(host: QWidget, demo: CompiledCatalog) -> None:
    picker, chosen = make(host, demo, BIRTH)
    for kiosk_id in ("date.decade-2000", "date.year-2001", "date.month-1", "date.day-31"):
        tap(picker, kiosk_id)
    tap(picker, "date.part-month")
    tap(picker, "date.month-2")  # 31 February: the day is asked again
    assert picker.choice.day is None and not picker.ok.isEnabled()
    assert offered(picker)[-1] == "date.day-28"
    tap(picker, "date.day-28")
    tap(picker, "date.ok")
    assert chosen == [dt.date(2001, 2, 28)]


def test_a_chosen_date_opens_on_its_days_and_any_part_can_change(
    host: QWidget, demo: CompiledCatalog
) -> None:
    picker, chosen = make(host, demo, BIRTH, dt.date(1985, 3, 14))
    assert picker.step == "day" and picker.ok.isEnabled()
    tap(picker, "date.part-year")  # the year again, from its decade: any year can be reached
    assert "date.decade-1920" in offered(picker)
    tap(picker, "date.decade-1980")
    tap(picker, "date.year-1987")
    tap(picker, "date.month-3")
    tap(picker, "date.day-14")
    tap(picker, "date.ok")
    assert chosen == [dt.date(1987, 3, 14)]


def test_the_picker_is_part_of_the_window_with_nothing_to_type(
    host: QWidget, demo: CompiledCatalog
) -> None:
    picker, _ = make(host, demo, BIRTH)
    assert not picker.isWindow() and picker.window() is host
    assert picker.geometry() == host.rect()
    assert not picker.findChildren(QLineEdit) and not picker.findChildren(QPlainTextEdit)
    tap(picker, "date.cancel")
    assert not picker.isVisible()


def test_the_end_of_a_visit_takes_an_open_picker_away(kiosk: Kiosk, qtbot: QtBot) -> None:
    kiosk.start("fa")
    form = kiosk.open_form("appointment_request")
    kiosk.click("birth_date")
    picker = kiosk.window.findChild(DatePicker)
    assert picker is not None and picker.isVisible()
    ok = picker.ok
    kiosk.advance(95)
    assert kiosk.window.overlay.isVisible()  # the idle warning is over the picker
    assert kiosk.window.overlay.layer > picker.layer
    kiosk.advance(40)
    assert kiosk.screen.name == "welcome"
    kiosk.flush_deleted()
    assert kiosk.window.findChild(DatePicker) is None
    del ok, form  # the picker and its field are gone; nothing of them is left to tap
