"""Guards against known defects of the Qt binding that would crash a long-running kiosk."""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QCoreApplication, QObject, Signal


class _Emitter(QObject):
    plain = Signal()
    value = Signal(object)


def test_emitting_signals_does_not_leak_references_to_true(qapp: QCoreApplication) -> None:
    """PySide6 6.12.0 drops a reference to True on every emit(); after a few thousand
    signals (a morning at a busy terminal) Python aborts with "bool_dealloc"."""
    emitter = _Emitter()
    emitter.plain.connect(lambda: None)
    emitter.value.connect(lambda v: None)
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.plain.emit()
        emitter.value.emit(None)

    def worker() -> None:
        for _ in range(200):
            emitter.value.emit(False)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    qapp.processEvents()
    assert abs(sys.getrefcount(True) - before) < 50


def test_a_stopped_core_drops_late_results(qapp: QCoreApplication) -> None:
    from ui.core import Lane

    delivered: list[int] = []
    core = Lane(None)
    core.run(lambda _: 1, delivered.append)
    core.wait_idle()
    core.stop()
    qapp.processEvents()
    assert delivered == []  # stopped before delivery: nothing reaches a closing window
