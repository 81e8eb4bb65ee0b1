"""Never half a language on a terminal either: a catalog may bring a language whose screen
texts the kiosk version running it lacks (an older kiosk, a newer catalog), and then the
buttons, the keyboard's hints and the receipt's words would be German. Such a language is
kept from visitors by the terminal itself, counted against its own ``ui.pot``, and staff
see it kept back."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.catalog.compiled import CompiledCatalog
from kiosk.catalog.translations import screen_gaps
from kiosk.paths import translations_dir
from kiosk.session.terminal import Terminal
from kiosk.store import Store
from tests.conftest import FAST

POT = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Weiter"
msgstr ""

msgid "Zurück"
msgstr ""

msgid "{n} Sekunde"
msgid_plural "{n} Sekunden"
msgstr[0] ""
msgstr[1] ""
"""

HEADER = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

'''


def po(*entries: str) -> str:
    return HEADER + "\n".join(entries)


WHOLE = po(
    'msgid "Weiter"\nmsgstr "Next"\n',
    'msgid "Zurück"\nmsgstr "Back"\n',
    'msgid "{n} Sekunde"\nmsgid_plural "{n} Sekunden"\nmsgstr[0] "{n} second"\n'
    'msgstr[1] "{n} seconds"\n',
)


def translations_with(root: Path, files: dict[str, str]) -> Path:
    (root / "ui.pot").write_text(POT, encoding="utf-8")
    for lang, text in files.items():
        folder = root / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "ui.po").write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (WHOLE, None),  # every text: offered
        (po('msgid "Weiter"\nmsgstr "Next"\n'), 33.3),  # one of three
        # a fuzzy text is one no translator has confirmed: missing
        (WHOLE.replace('msgid "Zurück"', '#, fuzzy\nmsgid "Zurück"'), 66.7),
        (WHOLE.replace('msgstr "Back"', 'msgstr ""'), 66.7),  # an empty one is missing
        (None, 0.0),  # no screen texts at all
    ],
)
def test_a_language_counts_as_whole_only_with_every_screen_text(
    tmp_path: Path, text: str | None, expected: float | None
) -> None:
    root = translations_with(tmp_path, {"xx": text} if text is not None else {})
    gaps = screen_gaps(["de", "xx"], root)
    assert gaps == ({} if expected is None else {"xx": expected})


def test_without_a_template_no_gap_is_known(tmp_path: Path) -> None:
    assert screen_gaps(["xx"], tmp_path) == {}


def test_every_language_of_the_demo_catalog_has_its_screen_texts(demo: CompiledCatalog) -> None:
    """What the repository ships: every listed language whole on the screens too."""
    assert (translations_dir() / "ui.pot").is_file()
    assert screen_gaps(demo.catalog.header.languages) == {}


def with_language(demo: CompiledCatalog, lang: str) -> CompiledCatalog:
    """The demo catalog bringing one more language, its catalog texts complete (those of
    English), as a newer catalog would to a terminal that has no screen texts for it."""
    header = demo.catalog.header.model_copy(
        update={"languages": [*demo.catalog.header.languages, lang]}
    )
    catalog = demo.catalog.model_copy(update={"header": header})
    translations = {**demo.translations, lang: demo.translations["en"]}
    return CompiledCatalog.create(catalog, translations)


def test_a_catalog_language_this_kiosk_cannot_show_is_kept_from_visitors(
    demo: CompiledCatalog, home: Path
) -> None:
    newer = with_language(demo, "ur")
    assert "ur" in newer.languages  # the catalog itself is whole in it
    store = Store(home / "kiosk.sqlite3")
    try:
        terminal = Terminal(store, newer, home, config=FAST)
        offered = terminal.catalog
        assert "ur" not in offered.languages
        assert offered.languages == demo.languages  # every other language stays
        assert offered.kept_back == {"ur": 0.0}  # what the staff status shows
        # the same catalog, by content: drafts and snapshots still find it by its hash
        assert offered.content_hash == newer.content_hash
        assert offered.to_json() == newer.to_json()
    finally:
        store.close()


def test_what_a_catalog_and_the_screens_keep_back_is_shown_at_the_lower_share(
    demo: CompiledCatalog,
) -> None:
    withheld = CompiledCatalog.create(demo.catalog, demo.translations, {"fr": 40.0, "sq": 10.0})
    both = withheld.for_screens({"sq": 50.0, "ur": 0.0})
    assert both.kept_back == {"fr": 40.0, "sq": 10.0, "ur": 0.0}
    assert not {"fr", "sq"} & set(both.languages)
    assert withheld.for_screens({}) is withheld  # nothing missing: the catalog itself
