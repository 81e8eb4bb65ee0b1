"""How far the proof that every form can be finished may go (see
:mod:`kiosk.catalog.completability`).

Apart from the proof because the proof needs the z3 solver, which the terminal
bundle does not carry: the command line builds these limits before it knows whether
the proof can run at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ProofLimits:
    """How far the proof may go; each limit that is hit is reported."""

    #: the whole catalog
    seconds: float = 30.0
    #: one form (its share of the time, whatever the others leave)
    seconds_per_form: float = 5.0
    #: dead-end candidates examined per form
    rounds: int = 60
    #: items of a repeat group tried (fewer than max_items: findings that rest on it
    #: are reported as not checked)
    group_items: int = 6
    #: the day the proof takes as today (relative date limits, ages); None: today
    today: dt.date | None = None
