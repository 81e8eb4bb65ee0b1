"""Run a block under a time and memory bound, in the test process.

Hostile input must be refused quickly and cheaply. A check that hangs must fail
the test rather than stall the run, so the block is interrupted by a timer
signal (Python's regular-expression engine and our code both check for signals);
memory is measured with ``tracemalloc`` (every Python allocation) and with the
process's peak resident size (allocations in C libraries such as RE2 and libyaml).
"""

from __future__ import annotations

import resource
import signal
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType


class Expired(BaseException):
    """The block ran past its time. Not an ``Exception`` (``TimeoutError`` is an ``OSError``),
    so that no handler in the code under test can swallow it and carry on."""


@dataclass
class Usage:
    seconds: float = 0.0
    python_mb: float = 0.0  # peak of Python allocations during the block
    rss_growth_mb: float = 0.0  # growth of the process's peak resident size


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


@contextmanager
def within(seconds: float, megabytes: float) -> Iterator[Usage]:
    """Fail unless the block ends within *seconds* and allocates at most *megabytes*."""
    usage = Usage()

    def expire(signum: int, frame: FrameType | None) -> None:
        raise Expired(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    rss_before = _peak_rss_mb()
    tracemalloc.start()
    start = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield usage
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        usage.seconds = time.perf_counter() - start
        usage.python_mb = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        usage.rss_growth_mb = _peak_rss_mb() - rss_before
    assert usage.python_mb <= megabytes, usage
    assert usage.rss_growth_mb <= megabytes, usage
