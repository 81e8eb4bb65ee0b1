"""Figures beside floors measured in the same run, and how each is printed.

A time in milliseconds says little once the machine changes: a terminal's CPU, a
developer's laptop and a CI runner sharing two cores with other jobs differ by
several times. So every benchmark measures, in the same process and the same
minute, a floor: the same work done the plainest way (hand-written closures,
a bare library call, a raw insert). The target is a ratio to that floor, which
stays put when the machine is slower or busier, because the floor slows down too.

Measured work and its floor run interleaved (one of each, then again), so that a
burst of load from another process hits both alike instead of one of them.

Each figure prints one line: name, measured, floor, ratio, target, PASS or MISS.
A MISS is information, not an error: benchmarks are no tests and never fail the
run. When ``BENCH_FIGURES`` names a file, each figure is also appended to it as one
JSON line, which is how ``bench/run_all.py`` collects the summary.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

#: Environment variable naming the file that collects every figure as JSON lines.
FIGURES_FILE = "BENCH_FIGURES"


@dataclass(frozen=True)
class Target:
    """How far from its floor a figure may be: at most *limit* times it (a time), or at
    least *limit* times it (a rate, where more is better)."""

    limit: float
    higher_is_better: bool = False

    def met(self, ratio: float) -> bool:
        return ratio >= self.limit if self.higher_is_better else ratio <= self.limit

    def __str__(self) -> str:
        return f"{'>=' if self.higher_is_better else '<='} {self.limit:g}x"


def at_most(limit: float) -> Target:
    """A time: at most *limit* times its floor."""
    return Target(limit)


def at_least(limit: float) -> Target:
    """A rate: at least *limit* times its floor."""
    return Target(limit, higher_is_better=True)


@dataclass(frozen=True)
class Figure:
    """One measured figure, its floor from the same run, and its target."""

    benchmark: str
    name: str
    measured: float
    floor: float
    unit: str
    target: Target

    @property
    def ratio(self) -> float:
        return self.measured / self.floor if self.floor else float("inf")

    @property
    def passed(self) -> bool:
        return self.target.met(self.ratio)

    @property
    def verdict(self) -> str:
        return "PASS" if self.passed else "MISS"

    def line(self, name_width: int = 46) -> str:
        return (
            f"{self.name:<{name_width}} {quantity(self.measured, self.unit):>12}  "
            f"floor {quantity(self.floor, self.unit):>12}  ratio {self.ratio:6.2f}x  "
            f"target {self.target!s:<7} {self.verdict}"
        )

    def to_json(self) -> str:
        data = asdict(self)
        data["target"] = str(self.target)
        data["ratio"] = self.ratio
        data["verdict"] = self.verdict
        return json.dumps(data, ensure_ascii=False)


def quantity(value: float, unit: str) -> str:
    """*value* with its unit, with as many decimals as a value of that size needs."""
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}"
    if abs(value) >= 1:
        return f"{value:.2f} {unit}"
    return f"{value:.4f} {unit}"


class Report:
    """The figures of one benchmark, printed as they come and collected for run_all."""

    def __init__(self, benchmark: str) -> None:
        self.benchmark = benchmark
        self.figures: list[Figure] = []

    def figure(self, name: str, measured: float, floor: float, unit: str, target: Target) -> Figure:
        found = Figure(self.benchmark, name, measured, floor, unit, target)
        self.figures.append(found)
        print(found.line(), flush=True)
        path = os.environ.get(FIGURES_FILE)
        if path:
            with Path(path).open("a", encoding="utf-8") as out:
                out.write(found.to_json() + "\n")
        return found

    def note(self, text: str) -> None:
        """A line of context (what a floor is, sizes, counts): no figure."""
        print(text, flush=True)


# ------------------------------------------------------------ timing


def run_ms(work: Callable[[], object]) -> float:
    """Milliseconds one call of *work* takes; its result is freed outside the timing."""
    start = time.perf_counter()
    result = work()
    elapsed = (time.perf_counter() - start) * 1000
    del result
    return elapsed


def samples_ms(work: Callable[[], object], runs: int, warmup: int = 1) -> list[float]:
    """*runs* timings of *work* in milliseconds, after *warmup* untimed calls."""
    for _ in range(warmup):
        work()
    return [run_ms(work) for _ in range(runs)]


def interleaved_ms(
    works: Mapping[str, Callable[[], object]], runs: int, warmup: int = 1
) -> dict[str, list[float]]:
    """Timings of several pieces of work taken in turn, one of each per round, so that
    load from other processes falls on all of them alike."""
    for work in works.values():
        for _ in range(warmup):
            work()
    out: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(runs):
        for name, work in works.items():
            out[name].append(run_ms(work))
    return out


def percentile(samples: list[float], q: float) -> float:
    """The *q* quantile (0..1) of *samples*, nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def p50(samples: list[float]) -> float:
    return percentile(samples, 0.5)
