"""Read-aloud latency: from a tap on a speaker button to the first sound at the output.

Run: ``.venv/bin/python bench/speech.py [--runs 15] [--null-sink]``. Needs eSpeak NG and a
sound output (``--null-sink`` starts a PulseAudio server with a null sink, as the tests
do, for a machine without sound). Prints, each as a ratio to a floor from the same run
(``bench/ratios.py``):
- a text spoken before (kept in memory), from ``Speaker.say`` on the UI thread to the
  output having taken its first sample, against the same sound, already made, started
  straight on a ``QAudioSink``: target <= 3x;
- a new text (synthesised by eSpeak NG on the speech thread first), against eSpeak NG
  run for the same text on the calling thread and its sound started straight on a
  ``QAudioSink``: target <= 1.5x (the thread hop and the hand-over cost little);
- the same two as absolute times against the targets of the kiosk's accessibility
  requirements: <= 300 ms for a text spoken before, <= 1 s for a new one.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.ratios import Report, at_most, p50  # noqa: E402
from kiosk.speech.synth import synthesize  # noqa: E402
from kiosk.speech.voices import voice_for  # noqa: E402

SENTENCES = [
    "Bitte geben Sie Ihren Familiennamen ein, so wie er in Ihrem Pass steht.",
    "Haben Sie eine Duldung oder eine Aufenthaltsgestattung?",
    "Wie viele Personen leben in Ihrer Wohnung?",
]


def until(done: object, limit: float = 10.0) -> float:
    """Seconds until *done()* is true, events processed meanwhile."""
    app = QApplication.instance()
    began = time.perf_counter()
    while not done():  # type: ignore[operator]
        app.processEvents()  # type: ignore[union-attr]
        if time.perf_counter() - began > limit:
            raise RuntimeError("no sound reached the output")
        time.sleep(0.0005)
    return time.perf_counter() - began


def floor_ms(runs: int, *, make: bool) -> float:
    """A sound started straight on a QAudioSink: the output's own start, and with *make*
    eSpeak NG's synthesis of a new text on this thread before it."""
    from PySide6.QtMultimedia import QAudioFormat, QAudioSink, QMediaDevices

    voice = voice_for("de") or "de"
    sound = synthesize(SENTENCES[0], voice)
    times = []
    for run in range(runs):
        began = time.perf_counter()
        if make:
            sound = synthesize(f"{SENTENCES[run % 3]} ({run})", voice)
        audio = QAudioFormat()
        audio.setSampleRate(sound.rate)
        audio.setChannelCount(sound.channels)
        audio.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        sink = QAudioSink(QMediaDevices.defaultAudioOutput(), audio)
        buffer = QBuffer()
        buffer.setData(QByteArray(sound.samples))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        if not make:
            began = time.perf_counter()
        sink.start(buffer)
        until(lambda sink=sink: sink.processedUSecs() > 0)
        times.append((time.perf_counter() - began) * 1000)
        sink.stop()
    return p50(times)


def speaker_ms(runs: int) -> tuple[float, float]:
    """p50 of (a text spoken before, a new text) from ``say`` to the first sample out."""
    from ui.speech import Speaker

    speaker = Speaker("espeak-ng")
    if not speaker.available:
        raise SystemExit("no sound output or no eSpeak NG here: try --null-sink")
    cached: list[float] = []
    new: list[float] = []
    for run in range(runs):
        for text, into in ((f"{SENTENCES[run % 3]} ({run})", new), (SENTENCES[0], cached)):
            began = time.perf_counter()
            speaker.say(text, "de")
            until(lambda: speaker.played_us() > 0)
            into.append((time.perf_counter() - began) * 1000)
            speaker.stop()
    speaker.close()
    return p50(cached[1:]), p50(new)  # the first "spoken before" was new


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--null-sink", action="store_true", help="start a null sound output")
    args = parser.parse_args()
    if args.null_sink:
        from tests import sound_server

        if sound_server.start() is None:
            raise SystemExit("pulseaudio is not installed")
    QApplication(sys.argv[:1])
    report = Report("speech")
    output, direct = floor_ms(args.runs, make=False), floor_ms(args.runs, make=True)
    cached, new = speaker_ms(args.runs)
    report.figure("speaker to first sample, spoken before", cached, output, "ms", at_most(3.0))
    report.figure("speaker to first sample, new text", new, direct, "ms", at_most(1.5))
    for name, value, limit in (("spoken before", cached, 300.0), ("new text", new, 1000.0)):
        verdict = "PASS" if value <= limit else "MISS"
        print(f"  absolute, {name}: {value:.1f} ms (target <= {limit:.0f} ms) {verdict}")


if __name__ == "__main__":
    main()
