"""Printing the receipt and the visitor copy through Qt print support (CUPS on Linux).

Before printing, the printer is asked whether it can: no printer, an error
state, or a CUPS alert such as "media-empty" or "offline" means the done
screen tells the visitor to photograph the QR code instead. Pages are rendered
from our PDFs (QtPdf) onto the QPrinter in a worker thread, so a slow or stuck
printer never freezes the screen.
"""

from __future__ import annotations

import enum
import logging
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRect, QSize, Signal
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from ui.core import Lane, Scope

log = logging.getLogger("kiosk.ui.printing")
SubprocessError = subprocess.SubprocessError

#: CUPS state reasons that mean "this printer will not print now".
NOT_READY_REASONS = (
    "media-empty",
    "media-needed",
    "media-jam",
    "offline",
    "paused",
    "stopped",
    "door-open",
    "cover-open",
    "toner-empty",
    "marker-supply-empty",
)


class PrinterState(enum.Enum):
    READY = "ready"
    NO_PRINTER = "no_printer"
    NOT_READY = "not_ready"


@dataclass(frozen=True)
class PrinterStatus:
    state: PrinterState
    name: str = ""
    reason: str = ""

    @property
    def ready(self) -> bool:
        return self.state is PrinterState.READY


def cups_reasons(name: str) -> str:
    """CUPS' own words about the printer (``lpstat -l -p``), empty without CUPS tools."""
    if not shutil.which("lpstat"):
        return ""
    done = subprocess.run(
        ["lpstat", "-l", "-p", name], capture_output=True, text=True, timeout=5, check=False
    )
    return (done.stdout + done.stderr).lower()


def printer_status(reasons: Callable[[str], str] = cups_reasons) -> PrinterStatus:
    info = QPrinterInfo.defaultPrinter()
    if info.isNull():
        names = QPrinterInfo.availablePrinterNames()
        if not names:
            return PrinterStatus(PrinterState.NO_PRINTER)
        info = QPrinterInfo.printerInfo(names[0])
    return classify(info.printerName(), info.state(), reasons(info.printerName()))


def classify(name: str, state: QPrinter.PrinterState, reasons: str) -> PrinterStatus:
    """Ready, or not ready and why, from Qt's state and CUPS' state reasons."""
    if state in {QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted}:
        return PrinterStatus(PrinterState.NOT_READY, name, "error")
    for reason in NOT_READY_REASONS:
        if reason in reasons:
            return PrinterStatus(PrinterState.NOT_READY, name, reason)
    return PrinterStatus(PrinterState.READY, name)


def render_to_printer(printer: QPrinter, documents: list[bytes]) -> int:
    """Draw every page of *documents* onto *printer*; returns the number of pages."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be started")
    pages = 0
    try:
        for data in documents:
            document = QPdfDocument()
            buffer = QBuffer()
            buffer.setData(QByteArray(data))
            buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            document.load(buffer)
            for index in range(document.pageCount()):
                if pages:
                    printer.newPage()
                target = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
                target = QRect(0, 0, target.width(), target.height())
                size = document.pagePointSize(index)
                scale = min(target.width() / size.width(), target.height() / size.height())
                pixels = QSize(int(size.width() * scale), int(size.height() * scale))
                image = document.render(index, pixels)
                painter.drawImage(QRect(0, 0, pixels.width(), pixels.height()), image)
                pages += 1
            document.close()
    finally:
        painter.end()
    return pages


@dataclass(frozen=True)
class Printers:
    """What a print operation works with: the system's printers, asked and opened."""

    make_printer: Callable[[str], QPrinter]
    status: Callable[[], PrinterStatus]


class PrintRefusedError(Exception):
    """The printer cannot print now; the message says why (an alert such as "media-empty")."""


def print_on(printers: Printers, documents: Callable[[], list[bytes]]) -> int:
    """Check the printer, make the PDFs and print them; the pages printed."""
    status = printers.status()
    if not status.ready:
        raise PrintRefusedError(status.reason or status.state.value)
    return render_to_printer(printers.make_printer(status.name), documents())


class PrintService(QObject):
    """Prints on its own lane (a worker thread) and reports back on the UI thread; a stuck
    printer holds up printing, never the core thread's autosave.

    Signals:
        finished(bool, str): printed (True) or not (False, with the reason).
    """

    finished = Signal(bool, str)

    def __init__(
        self,
        make_printer: Callable[[str], QPrinter] | None = None,
        status: Callable[[], PrinterStatus] = printer_status,
    ) -> None:
        super().__init__()
        self.lane = Lane(
            Printers(make_printer or self._system_printer, status),
            name="kiosk-print",
            on_unhandled=self._failed,
        )

    @staticmethod
    def _system_printer(name: str) -> QPrinter:
        printer = QPrinter(QPrinterInfo.printerInfo(name), QPrinter.PrinterMode.HighResolution)
        printer.setFullPage(True)
        return printer

    def print_documents(
        self, make_documents: Callable[[], list[bytes]], *, scope: Scope | None = None
    ) -> None:
        """Check the printer, make the PDFs and print them, all off the UI thread.

        *scope*: the visit the documents belong to; a job still waiting when that visit
        ends (behind a printer that hangs) is dropped, so no visitor's copy comes out
        of the printer for whoever stands there later.
        """
        self.lane.run(
            lambda printers: print_on(printers, make_documents),
            self._printed,
            self._failed,
            scope=scope,
        )

    def _printed(self, pages: int) -> None:
        self.finished.emit(True, "")

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, PrintRefusedError | OSError | RuntimeError | SubprocessError):
            log.error("printing failed: %s", type(error).__name__, exc_info=error)
        self.finished.emit(False, str(error) or type(error).__name__)
