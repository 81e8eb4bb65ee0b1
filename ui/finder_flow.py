"""The visitor's way through the finder in this visit, without widgets.

The answers are kept in the order they were given, so Back takes away the last one
and asks its question again (with the earlier choice marked); a question that is no
longer asked after an earlier answer changed keeps no answer that counts (see
:class:`kiosk.engine.finder.CompiledFinder`). The visit controller holds one flow
and wipes it whenever a visit begins or ends, so the next visitor never meets the
last one's answers; what the answers fill in goes only into the drafts of this
visit's session.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.definition.finder import FinderQuestion, FinderRoute
from kiosk.definition.model import Form
from kiosk.engine.finder import CompiledFinder


class FinderFlow:
    def __init__(self) -> None:
        self.compiled: CompiledFinder | None = None
        self.answers: dict[str, Any] = {}
        self.order: list[str] = []
        #: answers taken back with Back, shown as chosen when their question comes again
        self.taken_back: dict[str, Any] = {}

    @property
    def active(self) -> bool:
        return self.compiled is not None

    def begin(self, compiled: CompiledFinder) -> None:
        """From the first question, with nothing answered."""
        self.reset()
        self.compiled = compiled

    def question(self, today: dt.date) -> FinderQuestion | None:
        """The question to ask now; None: every question asked, the outcome is ready."""
        if self.compiled is None:
            return None
        return self.compiled.next_question(self.answers, today)

    @property
    def number(self) -> int:
        """The number of the question asked now (1 for the first)."""
        return len(self.order) + 1

    def answer(self, question_id: str, value: Any) -> None:
        """*value*: an answer's value, a date, or None for a date question skipped."""
        self.answers[question_id] = value
        self.order.append(question_id)
        self.taken_back.pop(question_id, None)

    def back(self) -> bool:
        """Take back the last answer; False: nothing was answered yet."""
        if not self.order:
            return False
        question_id = self.order.pop()
        self.taken_back[question_id] = self.answers.pop(question_id, None)
        return True

    def outcome(self, today: dt.date) -> list[FinderRoute]:
        if self.compiled is None:
            return []
        return self.compiled.outcome(self.answers, today)

    def prefill(self, form: Form, today: dt.date) -> dict[str, Any]:
        """What the answers fill in on *form* when it is opened from the outcome."""
        if self.compiled is None:
            return {}
        return self.compiled.prefill(form, self.answers, today)

    def reset(self) -> None:
        self.compiled = None
        self.answers.clear()
        self.order.clear()
        self.taken_back.clear()
