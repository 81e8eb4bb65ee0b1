"""Visitors without a screen: each picks a language and a form, types answers page by page
(autosaved as they go), then submits or chooses "continue later".

Every submitted reference is printed the moment ``submit`` returns, so a test
that kills this process at a random moment knows exactly which applications
must be in the outbox.
"""

from __future__ import annotations

import random
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kiosk.engine.field_types import TYPED_TYPES
from kiosk.session.clock import FakeClock, local_date
from kiosk.session.terminal import Terminal
from kiosk.session.visitor import VisitorSession
from kiosk.simulation.answers import AnswerMaker

#: Field types whose answers a visitor types (what must never leak in plaintext).
TYPED = TYPED_TYPES
TYPING_SECONDS = 0.4  # simulated time per answer: longer than the autosave pause


@dataclass
class SimulationReport:
    seed: int
    visitors: int
    submitted: list[dict[str, Any]] = field(default_factory=list)
    parked: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0
    seconds: float = 0.0

    def typed_values(self) -> list[str]:
        """Every free-typed text value, flattened (addresses into their parts)."""
        out: set[str] = set()
        for entry in self.submitted + self.parked:
            for value in entry["typed"]:
                if isinstance(value, dict):
                    out.update(str(v) for v in value.values())
                else:
                    out.add(str(value))
        return sorted(out)

    def as_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "visitors": self.visitors,
            "seconds": round(self.seconds, 3),
            "skipped": self.skipped,
            "submitted": self.submitted,
            "parked": self.parked,
            "typed_values": self.typed_values(),
        }


def _type_answers(
    session: VisitorSession, answers: dict[str, Any], clock: FakeClock, typed: list[Any]
) -> None:
    draft = session.current
    assert draft is not None
    for page in draft.form.pages:
        session.go_to_page(page.id)
        for f in page.fields:
            if f.id not in answers:
                continue
            value = answers[f.id]
            if f.type == "group":
                for item in value:
                    index = session.add_item(f.id)
                    for child in f.fields or ():
                        if child.id in item:
                            session.answer_item(f.id, index, child.id, item[child.id])
                            if child.type in TYPED:
                                typed.append(item[child.id])
            else:
                session.answer(f.id, value)
                if f.type in TYPED:
                    typed.append(value)
            clock.advance(TYPING_SECONDS)
            session.poll()


def _print_now(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def simulate(
    terminal: Terminal,
    clock: FakeClock,
    *,
    visitors: int,
    seed: int,
    leave_drafts: int = 0,
    emit: Callable[[str], None] | None = None,
) -> SimulationReport:
    say = emit or _print_now
    rng = random.Random(seed)
    maker = AnswerMaker(rng)
    catalog = terminal.catalog
    codelists = {c.id: c for c in catalog.catalog.codelists}
    forms = [f.id for f in catalog.catalog.forms]
    parking = set(rng.sample(range(visitors), min(leave_drafts, visitors)))
    report = SimulationReport(seed, visitors)
    started = time.perf_counter()
    for n in range(visitors):
        language = rng.choice(catalog.languages)
        today = local_date(clock)
        for _ in range(5):
            form_id = rng.choice(forms)
            answers = maker.fill(catalog.compiled_form(form_id), codelists, today)
            if answers is not None:
                break
        else:
            report.skipped += 1
            continue
        session = terminal.start_session(language)
        session.open_form(form_id)
        typed: list[Any] = []
        _type_answers(session, answers, clock, typed)
        entry = {"language": language, "form": form_id, "answers": answers, "typed": typed}
        if n in parking:
            pin = "".join(secrets.choice("0123456789") for _ in range(rng.randint(4, 6)))
            ticket = session.continue_later(pin)
            entry.update(code=ticket.code, pin=pin)
            report.parked.append(entry)
            say(f"parked {ticket.code}")
        else:
            receipt = session.submit()
            entry["reference"] = receipt.reference
            report.submitted.append(entry)
            say(f"submitted {receipt.reference}")
            session.end("finished")
        clock.advance(5)
    report.seconds = time.perf_counter() - started
    return report
