"""The guided finder ("Wegweiser"): a few plain questions that lead to the right forms.

Visitors do not know which office is responsible for them, so the finder asks what
they need, which paper for their stay they hold, about their children and the money
they already get, and names the forms and info sheets that fit, each with one
sentence saying why this office. Questions, answers and routes live in
``finder.yaml`` so that an admin changes routing without code; conditions are
written in the catalog's expression language over the answers given before
(``need = 'money' and status in ['duldung', 'gestattung']``) and may read named law
values (``law('id')``), so a new law is one edit in ``law.yaml``.

Routing questions are choice questions: their answers are a short list, so
``kiosk catalog validate`` can walk every combination and prove that each ends in
a form or an info sheet. Date questions (a child's birth date, the day a baby is
due) only fill in the forms the finder leads to (``prefill``); conditions cannot
read them, which keeps that proof exact.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from kiosk.definition.bounds import MAX_EXPRESSION_LENGTH

# The catalog model (kiosk.definition.model) holds the finder, so this module cannot
# import its annotated types; these follow the same rules.
FinderId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$"),
    Field(description="Lower-case identifier: letters a-z, digits and _; starts with a letter."),
]
AnswerValue = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-.]{0,62}$"),
    Field(description="Stored value of an answer: ASCII letters, digits, _ - ."),
]
FinderText = Annotated[str, StringConstraints(min_length=1, max_length=20000)]
Condition = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_EXPRESSION_LENGTH),
    Field(
        description="Condition over the answers given before, e.g. "
        "`need = 'money' and status in ['duldung', 'gestattung']`."
    ),
]
#: Relative to the day the visitor answers: a finder question has no fixed dates.
RelativeDate = Annotated[
    str,
    StringConstraints(pattern=r"^(today|[+-](\d{1,3}y|\d{1,4}m|\d{1,5}d))$"),
    Field(description="`today` or an offset from today such as `-26y`, `+10m`, `-30d`."),
]


def _as_word(value: object) -> object:
    """YAML's ``true`` or ``3`` as the word it is written as: the field it goes into
    decides its type (yes/no, a number, an option), see :mod:`kiosk.engine.finder`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return value


#: What a prefill rule writes into a form field: an option value, true/false, a count.
PrefillValue = Annotated[
    str, BeforeValidator(_as_word), StringConstraints(min_length=1, max_length=100)
]

#: Most questions, answers and routes: a finder is a few questions, not a form.
MAX_QUESTIONS = 30
MAX_ANSWERS = 20
MAX_ROUTES = 300


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class FinderAnswer(_Strict):
    """One big answer button."""

    value: AnswerValue
    label: FinderText
    description: FinderText | None = Field(
        default=None,
        description="Plain words under the answer: what this paper looks like, what it means.",
    )


class FinderQuestion(_Strict):
    """One question, one screen."""

    id: FinderId
    text: FinderText
    help: FinderText | None = None
    kind: Literal["choice", "date"] = Field(
        default="choice",
        description="choice: big answer buttons (routing reads them); date: a date picker "
        "whose answer only fills in forms (see prefill) and may be skipped.",
    )
    visible_if: Condition | None = None
    answers: list[FinderAnswer] | None = Field(default=None, max_length=MAX_ANSWERS)
    min_date: RelativeDate | None = None
    max_date: RelativeDate | None = None

    @model_validator(mode="after")
    def _fits_kind(self) -> FinderQuestion:
        if self.kind == "choice":
            if not self.answers or len(self.answers) < 2:
                raise ValueError("a choice question needs at least 2 answers")
            if self.min_date is not None or self.max_date is not None:
                raise ValueError("min_date and max_date belong to date questions")
        elif self.answers is not None:
            raise ValueError("a date question has no answers; the visitor picks a date")
        return self


class FinderRoute(_Strict):
    """Where a combination of answers leads: forms, info sheets, and why there."""

    id: FinderId
    when: Condition
    forms: list[FinderId] = Field(default_factory=list, max_length=10)
    info: list[FinderId] = Field(
        default_factory=list, max_length=10, description="Info sheets to read."
    )
    why: FinderText = Field(description="One sentence: why this office is the right one.")
    bring: list[FinderText] = Field(
        default_factory=list,
        max_length=30,
        description="What to bring; when empty, the documents_needed of the forms.",
    )

    @model_validator(mode="after")
    def _leads_somewhere(self) -> FinderRoute:
        if not self.forms and not self.info:
            raise ValueError("a route needs at least one form or info sheet")
        return self


class PrefillRule(_Strict):
    """An answer of the finder written into the forms it leads to (this visit only)."""

    answer: FinderId = Field(description="The id of the question whose answer is used.")
    field: FinderId | None = Field(default=None, description="A field id of the forms.")
    profile: FinderId | None = Field(
        default=None, description="A profile key: fills the fields that are prefilled from it."
    )
    forms: list[FinderId] = Field(
        default_factory=list,
        max_length=50,
        description="Only these forms; when empty, every form that has the field.",
    )
    values: dict[AnswerValue, PrefillValue] | None = Field(
        default=None,
        max_length=MAX_ANSWERS,
        description="Answer value -> value written into the field; answers not listed "
        "fill in nothing. Without it, the answer is written as it is.",
    )

    @model_validator(mode="after")
    def _one_target(self) -> PrefillRule:
        if (self.field is None) == (self.profile is None):
            raise ValueError("a prefill rule needs exactly one of 'field' or 'profile'")
        return self


class Finder(_Strict):
    """``finder.yaml``: the questions, the routes and what the answers fill in."""

    questions: list[FinderQuestion] = Field(min_length=1, max_length=MAX_QUESTIONS)
    routes: list[FinderRoute] = Field(min_length=1, max_length=MAX_ROUTES)
    prefill: list[PrefillRule] = Field(default_factory=list, max_length=50)

    def question(self, question_id: str) -> FinderQuestion:
        return next(q for q in self.questions if q.id == question_id)
