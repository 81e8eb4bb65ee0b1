"""Printing from the done screen: to a real QPrinter (PDF output standing in for CUPS),
and the fallback to the QR code when the printer is missing, empty or offline."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter

from kiosk.session.receipt_status import qr_text
from tests.ui.conftest import Kiosk
from ui.printing import PrinterState, PrinterStatus, PrintService, classify


def qr_on_first_page(pdf: Path, tmp_path: Path) -> str:
    """What a phone would read from the printed paper."""
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    page = next(tmp_path.glob("page*.png"))
    return subprocess.run(
        ["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True
    ).stdout.strip()


def use_printer(kiosk: Kiosk, status: PrinterStatus, output: Path | None = None) -> None:
    def make_printer(name: str) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(output))
        printer.setPageSize(QPageSize(QSizeF(80, 170), QPageSize.Unit.Millimeter))
        printer.setFullPage(True)
        return printer

    service = PrintService(make_printer=make_printer, status=lambda: status)
    service.finished.connect(kiosk.window._printed)
    kiosk.window.printer = service


def test_receipt_and_visitor_copy_go_to_the_printer(kiosk: Kiosk, tmp_path: Path) -> None:
    output = tmp_path / "printed.pdf"
    use_printer(kiosk, PrinterStatus(PrinterState.READY, "receipts"), output)
    kiosk.start("ar")
    reference = kiosk.fill_and_submit("sozialticket")
    kiosk.click("print")
    screen = kiosk.screen
    kiosk.qtbot.waitUntil(lambda: screen.print.button.isEnabled(), timeout=30000)
    assert screen.print.printing.isVisible() and not screen.print.unavailable.isVisible()
    info = subprocess.run(
        ["pdfinfo", str(output)], capture_output=True, text=True, check=True
    ).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    assert pages >= 2  # the receipt, then the visitor copy
    decoded = qr_on_first_page(output, tmp_path)
    receipt = kiosk.window.visit.receipt
    assert receipt is not None  # the printed QR code carries the reference and the status code
    assert decoded == qr_text(reference, receipt.status_secret)


def test_without_a_ready_printer_the_qr_code_is_the_receipt(kiosk: Kiosk) -> None:
    use_printer(kiosk, PrinterStatus(PrinterState.NOT_READY, "receipts", "media-empty"))
    kiosk.start("uk")
    kiosk.fill_and_submit("appointment_request")
    kiosk.click("print")
    screen = kiosk.screen
    kiosk.qtbot.waitUntil(lambda: screen.print.unavailable.isVisible(), timeout=10000)
    assert screen.print.button.isEnabled() and not screen.print.printing.isVisible()
    assert screen.print.unavailable.text() != "" and kiosk.find_reference()


def test_printer_states_from_qt_and_cups() -> None:
    idle, error = QPrinter.PrinterState.Idle, QPrinter.PrinterState.Error
    assert classify("p", idle, "printer p is idle.").ready
    assert classify("p", idle, "alerts: media-empty-error").reason == "media-empty"
    assert classify("p", idle, "printer p disabled since ... - offline").reason == "offline"
    assert classify("p", error, "").state is PrinterState.NOT_READY


def test_continue_later_slip_carries_the_code_not_the_pin(kiosk: Kiosk, tmp_path: Path) -> None:
    output = tmp_path / "slip.pdf"
    use_printer(kiosk, PrinterStatus(PrinterState.READY, "receipts"), output)
    kiosk.start("fa")
    form = kiosk.open_form("kita_place")
    kiosk.set_answer(form, "child_family_name", "Rahimi")
    kiosk.click("continue_later")
    code = kiosk.choose_pin("975310")
    kiosk.click("print")
    screen = kiosk.screen
    kiosk.qtbot.waitUntil(lambda: screen.print.button.isEnabled(), timeout=30000)
    assert screen.print.printing.isVisible()
    decoded = qr_on_first_page(output, tmp_path)
    assert decoded == code


def test_a_print_waiting_behind_a_stuck_printer_is_dropped_when_its_visit_ends(
    qtbot: object,
) -> None:
    """The printer hangs on one job; the next visitor's copy waits behind it. That visitor
    leaves: their copy must not come out later for whoever stands at the printer then."""
    import threading

    from ui.core import Scope

    stuck, made = threading.Event(), []
    asked = threading.Event()

    def status() -> PrinterStatus:
        asked.set()
        stuck.wait(10)  # CUPS does not answer
        return PrinterStatus(PrinterState.NOT_READY, "receipts", "offline")

    service = PrintService(status=status)
    results: list[tuple[bool, str]] = []
    service.finished.connect(lambda ok, why: results.append((ok, why)))
    try:
        service.print_documents(lambda: [])  # the job the printer hangs on
        assert asked.wait(5)
        visit = Scope()
        service.print_documents(lambda: made.append("copy") or [], scope=visit)
        visit.close()  # the visitor has gone
        stuck.set()
        qtbot.waitUntil(lambda: service.lane.pending == 0, timeout=5000)  # type: ignore[attr-defined]
        assert made == [] and results == [(False, "offline")]  # only the first job answered
    finally:
        stuck.set()
        service.lane.stop()
