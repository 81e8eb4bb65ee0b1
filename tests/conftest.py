"""Shared fixtures: the demo catalog, and small catalogs written to tmp_path."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.catalog.build import BuildResult, build_catalog
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.crypto.keywrap import ScryptParams
from kiosk.crypto.sealing import write_key_pair
from kiosk.paths import default_catalog_dir, translations_dir
from kiosk.session.config import SessionConfig

TODAY = dt.date(2026, 11, 21)


def pytest_configure(config: pytest.Config) -> None:
    """A sound server before anything loads Qt Multimedia (see tests/sound_server.py)."""
    from tests import sound_server

    sound_server.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    from tests import sound_server

    sound_server.stop()

CATALOG_YAML = """\
id: test_catalog
title: Testkatalog
version: 1
languages: [de, en]
"""
OFFICES_YAML = """\
offices:
  - id: amt
    name: Testamt
    description: Ein Amt zum Testen.
    icon: house
    contact:
      address: Teststraße 1, 44135 Dortmund
      opening_hours: Montag 8 bis 12 Uhr
"""
TOPICS_YAML = """\
topics:
  - id: money
    title: Geld
    description: Ich brauche Geld.
    icon: money
"""
#: A small valid form; tests replace parts of it, so its line numbers matter.
FORM_YAML = """\
id: test_form
version: 1
office: amt
title: Testantrag
description: Ein Test.
topics: [money]
next_steps: Wir melden uns.
pages:
  - id: person
    title: Person
    fields:
      - id: name
        type: person_name
        label: Name
        required: true
      - id: age
        type: integer
        label: Alter
      - id: status
        type: choice
        label: Status
        options:
          - {value: a, label: A}
          - {value: b, label: B}
"""


def write_catalog(root: Path, files: dict[str, str] | None = None) -> Path:
    """A valid small catalog in ``root/forms_catalog``; *files* adds or replaces files."""
    catalog = root / "forms_catalog"
    content = {
        "catalog.yaml": CATALOG_YAML,
        "offices.yaml": OFFICES_YAML,
        "topics.yaml": TOPICS_YAML,
        "amt/test_form.yaml": FORM_YAML,
    }
    content.update(files or {})
    for name, text in content.items():
        path = catalog / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return catalog


@pytest.fixture
def make_catalog(tmp_path: Path) -> Callable[..., BuildResult]:
    def make(files: dict[str, str] | None = None) -> BuildResult:
        return build_catalog(write_catalog(tmp_path, files))

    return make


@pytest.fixture(scope="session")
def demo_result() -> BuildResult:
    return build_catalog(default_catalog_dir(), translations_dir())


@pytest.fixture(scope="session")
def demo(demo_result: BuildResult) -> CompiledCatalog:
    assert demo_result.catalog is not None, [str(i) for i in demo_result.errors]
    return demo_result.catalog


FAST = SessionConfig(scrypt=ScryptParams(n=2**10))
OFFICES = ["auslaenderbehoerde", "jobcenter", "jugendamt", "wohnungsamt", "sozialamt", "schulamt"]


@pytest.fixture(scope="session")
def office_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("office_keys")
    for office in OFFICES:
        write_key_pair(folder, office, bits=2048)
    return folder


@pytest.fixture
def home(tmp_path: Path, office_keys: Path) -> Path:
    (tmp_path / "office_keys").symlink_to(office_keys, target_is_directory=True)
    return tmp_path
