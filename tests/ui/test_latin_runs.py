"""German runs inside right-to-left text are isolated, so they keep their order."""

from __future__ import annotations

import pytest

from ui.latin_runs import FSI, PDI, isolate_latin_runs


def iso(run: str) -> str:
    return f"{FSI}{run}{PDI}"


# (text, what it becomes)
CASES = [
    ("تعليق الترحيل (Duldung)", f"تعليق الترحيل ({iso('Duldung')})"),
    ("مكتوب «§ 24 AufenthG».", f"مكتوب «{iso('§ 24 AufenthG')}»."),
    (
        "مكتب الهجرة (Amt für Migration)",
        f"مكتب الهجرة ({iso('Amt für Migration')})",
    ),
    ("رقم 3,000 يورو", f"رقم {iso('3,000')} يورو"),
    ("sozialamt@example.dortmund.de", iso("sozialamt@example.dortmund.de")),
    ("لا شيء", "لا شيء"),
    ("", ""),
    (f"already {iso('placed')}", f"already {iso('placed')}"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_latin_runs_are_isolated(text: str, expected: str) -> None:
    assert isolate_latin_runs(text) == expected


def test_a_long_text_is_scanned_in_one_pass() -> None:
    text = ("Aufenthaltsgestattung " * 5000) + "؟"
    assert isolate_latin_runs(text).count(FSI) == 1
