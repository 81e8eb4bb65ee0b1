"""Counted texts of the kiosk in every catalog language: `validate` finds a missing form.

Arabic has six plural forms; a translation that leaves the one for 3 to 10 empty shows
those visitors nothing, and one that drops ``{attempts}`` hides the number.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.catalog.build import BuildResult, build_catalog
from kiosk.catalog.plural_check import plural_form_issues
from tests.conftest import CATALOG_YAML, write_catalog

AR_HEADER = (
    'msgid ""\nmsgstr ""\n"Language: ar\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n'
    '"Plural-Forms: nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : '
    'n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);\\n"\n\n'
)
#: the line of the msgid of the one entry the tests write after the header
MSGID_LINE = AR_HEADER.count("\n") + 1


def entry(*forms: str) -> str:
    lines = [
        'msgid "Sie haben noch {attempts} Versuch."',
        'msgid_plural "Sie haben noch {attempts} Versuche."',
    ]
    lines += [f'msgstr[{n}] "{form}"' for n, form in enumerate(forms)]
    return "\n".join(lines) + "\n"


WHOLE = (
    "لا محاولات {attempts}",
    "محاولة {attempts}",
    "محاولتان {attempts}",
    "{attempts} محاولات",
    "{attempts} محاولة",
    "{attempts} محاولة",
)

#: (the Arabic entry's forms) -> what validate says about it (None: nothing)
CASES = [
    (WHOLE, None),
    (("",) * 6, None),  # not translated yet: the German is shown, in its two forms
    (WHOLE[:3] + ("",) + WHOLE[4:], "msgstr[3] of a counted text is empty"),
    (WHOLE[:5] + ("محاولة",), "msgstr[5] of a counted text must keep the placeholders {attempts}"),
]


@pytest.mark.parametrize(("forms", "message"), CASES)
def test_a_counted_text_needs_every_form_of_the_language(
    tmp_path: Path, forms: tuple[str, ...], message: str | None
) -> None:
    catalog = CATALOG_YAML.replace("languages: [de, en]", "languages: [de, ar]")
    root = write_catalog(tmp_path, {"catalog.yaml": catalog})
    po = tmp_path / "translations" / "ar" / "LC_MESSAGES" / "ui.po"
    po.parent.mkdir(parents=True)
    po.write_text(AR_HEADER + entry(*forms), encoding="utf-8")
    result = build_catalog(root)
    assert result.catalog is not None
    found = plural_form_issues(result, severity="error")
    if message is None:
        assert found == []
        return
    (issue,) = found
    assert issue.file == "translations/ar/LC_MESSAGES/ui.po" and issue.line == MSGID_LINE
    assert issue.message.startswith(message) and issue.is_error
    (warning,) = plural_form_issues(result, severity="warning")
    assert not warning.is_error  # plain validate: a warning; --strict-translations: an error


def test_the_shipped_counted_texts_have_every_form(demo_result: BuildResult) -> None:
    assert plural_form_issues(demo_result, severity="error") == []
