"""Property tests: any answers at all never crash the engine, and results are deterministic."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.definition.model import form_fields

TODAY = dt.date(2026, 11, 21)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=300),
    st.dates().map(dt.date.isoformat),
    st.sampled_from(["DE", "UA", "sgb2", "asyl", "44135", "DE89370400440532013000", "+4923112345"]),
    st.binary(max_size=20).map(lambda b: b.decode("latin-1")),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def answer_sets(demo: CompiledCatalog, form_id: str) -> st.SearchStrategy[dict[str, Any]]:
    form = demo.catalog.form(form_id)
    keys = [f.id for f in form_fields(form)]
    group_items = st.lists(
        st.dictionaries(
            st.sampled_from(
                sorted({c.id for f in form_fields(form) for c in f.fields or ()} or {"x"})
            ),
            values,
            max_size=6,
        ),
        max_size=4,
    )
    return st.dictionaries(
        st.sampled_from(keys), st.one_of(values, group_items), max_size=len(keys)
    )


FORM_IDS = [
    "buergergeld",
    "wbs",
    "kita_place",
    "residence_permit",
    "sozialticket",
    "school_registration",
    "change_report",
    "social_assistance",
    "asylblg",
]


@pytest.mark.slow
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_answers_never_crash_and_are_deterministic(
    demo: CompiledCatalog, data: st.DataObject
) -> None:
    form_id = data.draw(st.sampled_from(FORM_IDS))
    answers = data.draw(answer_sets(demo, form_id))
    lang = data.draw(st.sampled_from(demo.languages))
    form = demo.compiled_form(form_id)
    first = form.validate(answers, lang, TODAY, translate=demo.t)
    second = form.validate(answers, lang, TODAY, translate=demo.t)
    assert first.messages == second.messages
    assert first.state.export() == second.state.export()
    for message in first.messages:
        assert message.text and message.text_de
    assert set(first.state.export()) <= first.state.visible


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_in_any_field_type_is_handled(text: str) -> None:
    from kiosk.definition.model import FormField
    from kiosk.engine.field_types import build_checker

    for type_ in [
        "text",
        "long_text",
        "person_name",
        "place",
        "phone",
        "email",
        "iban",
        "postcode",
        "integer",
        "decimal",
        "money",
        "date",
        "signature",
    ]:
        checker = build_checker(FormField(id="f", type=type_, label="L"), None)  # type: ignore[arg-type]
        value, problem = checker.check(text, TODAY)
        assert (value is None) != (problem is None) or (
            value is None and problem is None and not text
        )
