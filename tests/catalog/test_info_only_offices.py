"""Places a visitor is sent to but cannot apply to from the kiosk (the Bürgerdienste, the
Familienkasse): no form may be addressed to them, and nothing asks for their sealing
key; info sheets that stand on their own name topics that exist."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cli.local_server import catalog_offices
from kiosk.catalog.build import BuildResult
from kiosk.catalog.bundle import BundleRefusedError, check_office_keys
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.session.terminal import ensure_demo_office_keys
from tests.catalog.office_keys import office_key_pair
from tests.conftest import FORM_YAML, OFFICES_YAML, write_catalog

WITH_INFO_ONLY = (
    OFFICES_YAML
    + """\
  - id: kasse
    name: Familienkasse
    description: Kindergeld, kein Amt der Stadt.
    icon: money
    receives_applications: false
    city_office: false
    contact:
      address: 44117 Dortmund
      opening_hours: Telefon Montag bis Freitag
      demo: true
"""
)
SHEET = """\
id: kindergeld
office: kasse
title: Kindergeld
topics: [money]
sections:
  - {id: what, heading: Was ist das?, body: Geld für Kinder.}
"""


def built(make_catalog: Callable[..., BuildResult], files: dict[str, str]) -> BuildResult:
    return make_catalog({"offices.yaml": WITH_INFO_ONLY, "info/kindergeld.yaml": SHEET, **files})


def test_an_info_only_office_with_its_sheet_builds(
    make_catalog: Callable[..., BuildResult],
) -> None:
    result = built(make_catalog, {})
    assert result.ok, [str(i) for i in result.errors]
    assert result.catalog is not None
    office = result.catalog.catalog.office("kasse")
    assert not office.receives_applications and not office.city_office and office.contact.demo
    assert result.catalog.catalog.info_sheet("kindergeld").topics == ["money"]


def test_a_form_addressed_to_it_is_refused_with_its_line(
    make_catalog: Callable[..., BuildResult],
) -> None:
    form = FORM_YAML.replace("office: amt", "office: kasse")
    result = built(make_catalog, {"kasse/test_form.yaml": form})
    messages = [str(i) for i in result.errors]
    assert any(
        m.startswith("forms_catalog/kasse/test_form.yaml:3: office:")
        and "receives no applications" in m
        for m in messages
    ), messages


def test_a_sheet_naming_an_unknown_topic_is_refused(
    make_catalog: Callable[..., BuildResult],
) -> None:
    result = built(make_catalog, {"info/kindergeld.yaml": SHEET.replace("[money]", "[mony]")})
    messages = [str(i) for i in result.errors]
    assert any(
        m.startswith("forms_catalog/info/kindergeld.yaml:4: topics[0]:")
        and "unknown topic 'mony'" in m
        for m in messages
    ), messages


def keyed(catalog: CompiledCatalog, offices: set[str]) -> CompiledCatalog:
    model = catalog.catalog
    changed = [
        o.model_copy(update={"public_key": office_key_pair(o.id)[1].decode()})
        if o.id in offices
        else o
        for o in model.offices
    ]
    return CompiledCatalog.create(model.model_copy(update={"offices": changed}), {})


def test_only_offices_that_receive_applications_need_a_key(
    make_catalog: Callable[..., BuildResult], tmp_path: Path
) -> None:
    result = built(make_catalog, {})
    assert result.catalog is not None
    check_office_keys(keyed(result.catalog, {"amt"}))  # the Familienkasse needs none
    with pytest.raises(BundleRefusedError, match="amt") as caught:
        check_office_keys(keyed(result.catalog, {"kasse"}))
    assert caught.value.reason == "missing_office_key" and "kasse" not in str(caught.value)
    home = tmp_path / "home"
    assert ensure_demo_office_keys(home, result.catalog) == ["amt"]
    assert catalog_offices(
        write_catalog(tmp_path / "source", {"offices.yaml": WITH_INFO_ONLY})
    ) == ["amt"]
