"""The questions of the dead-end search, one per page, built from three translations.

For page *k* the search asks whether answers to the pages before *k* (each page
accepted as the visitor left it) and choices from page *k* on can leave no way to a
submittable form (see :mod:`kiosk.catalog.completability_search`). Each question
needs the form three times over: as the visitor left the pages behind (only those
answered), as they make each later choice (the answers so far and the choices),
and as it is finally sent (every answer). Translating the form three times for
every page would cost more than the solving; so each of the three is translated
once per form, over variables of its own, and each question only ties them
together: a given answer is the same in all three, an answer not yet given is
absent from the first two.
"""

from __future__ import annotations

from typing import Any

import z3

from kiosk.catalog.completability_answers import Answers, FormFacts, Tracker
from kiosk.catalog.completability_expr import LawValues, Translator
from kiosk.catalog.completability_search import CHOICE_TYPES, Query
from kiosk.catalog.completability_state import FormStateFormula
from kiosk.catalog.completability_terms import Encoding, StringTable
from kiosk.catalog.completability_witness import raw_variables
from kiosk.engine.form import CompiledForm


class Questions:
    """Builds :class:`Query` objects for the pages of one form."""

    def __init__(
        self,
        compiled: CompiledForm,
        facts: FormFacts,
        strings: StringTable,
        laws: LawValues,
        free: frozenset[str],
        samples: dict[str, Any],
    ) -> None:
        self.compiled = compiled
        self.samples = samples
        specs = compiled.specs
        #: the answers the questions are about (free ones are left out: always fine)
        self.keys = [
            key
            for key in compiled.top_order
            if specs[key].field.holds_answer and specs[key].compute is None and key not in free
        ]
        self.tracker = Tracker("t")
        self.final = self._copy("a", facts, strings, laws, free, self.tracker)
        self.sent = self.final[1].submittable()
        self.left = self._copy("v", facts, strings, laws, free, Tracker("v", enabled=False))
        self.pages_ok = [self.left[1].page_ok(p.id) for p in compiled.form.pages]
        self.chosen = self._copy("w", facts, strings, laws, free, Tracker("w", enabled=False))
        self.gates = {
            key: self.chosen[1].gate_ok(key)
            for key in self.keys
            if specs[key].field.type in CHOICE_TYPES
        }

    def _copy(
        self,
        prefix: str,
        facts: FormFacts,
        strings: StringTable,
        laws: LawValues,
        free: frozenset[str],
        tracker: Tracker,
    ) -> tuple[Answers, FormStateFormula]:
        enc = Encoding(facts.today, strings)
        answers = Answers(enc, tracker, facts, prefix)
        for key in self.keys:
            answers.add(self.compiled.specs[key], free)
        state = FormStateFormula(self.compiled, answers.raws, Translator(enc, laws), tracker, free)
        return answers, state

    @property
    def approximations(self) -> list[str]:
        return [
            note
            for answers, _ in (self.final, self.left, self.chosen)
            for note in answers.enc.approximations
        ]

    def query(self, k: int) -> Query | None:
        """The question for page *k*; None when nothing is given before or from it."""
        pages = self.compiled.form.pages
        behind = {p.id for p in pages[:k]}
        specs = self.compiled.specs
        prefix = [key for key in self.keys if specs[key].page.id in behind]
        later = [key for key in self.keys if key not in prefix and key in self.gates]
        if not prefix and not later:
            return None
        given = set(prefix) | set(later)
        final, left, chosen = self.final[0], self.left[0], self.chosen[0]
        outer = [d for key in given for d in final.domains[key]]
        behind_ok = z3.And(*self.pages_ok[:k], *left.enc.side)
        outer.append(_tied(behind_ok, left, final, set(prefix), self.keys))
        gates_ok = z3.And(*(self.gates[key] for key in later), *chosen.enc.side)
        outer.append(_tied(gates_ok, chosen, final, given, self.keys))
        inner = [d for key in self.keys if key not in given for d in final.domains[key]]
        inner += [self.sent, *final.enc.side]
        return Query(
            compiled=self.compiled,
            page_index=k,
            given={key: final.raws[key] for key in self.keys if key in given},
            remaining=[final.raws[key] for key in self.keys if key not in given],
            later_choices=frozenset(later),
            outer=outer,
            inner=inner,
            inner_tracker=self.tracker,
            enc=final.enc,
            given_domain=[d for key in self.keys if key in given for d in final.domains[key]],
            samples=self.samples,
        )


def _tied(
    formula: z3.BoolRef, copy: Answers, final: Answers, given: set[str], keys: list[str]
) -> z3.BoolRef:
    """*formula* over *copy*'s answers, rewritten over *final*'s: an answer in *given* is
    the same variable, any other one is not given yet (substituted, then simplified, so
    that the solver sees only what matters)."""
    pairs: list[tuple[z3.ExprRef, z3.ExprRef]] = []
    false = z3.BoolVal(False)
    for key in keys:
        raw = copy.raws[key]
        if key in given:
            pairs += zip(raw_variables(raw), raw_variables(final.raws[key]), strict=True)
            continue
        pairs.append((raw.answered, false))
        pairs += [(ticked, false) for ticked in raw.selected.values()]
        if raw.count is not None:
            pairs.append((raw.count, z3.IntVal(0)))
    return z3.simplify(z3.substitute(formula, *pairs))
