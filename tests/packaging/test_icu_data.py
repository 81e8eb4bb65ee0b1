"""ICU's data library as the terminal bundle carries it: what it keeps, and that Qt
still collates, maps case and knows time zones with it exactly as with the full one.

The library is really built (ICU's own tools and the C compiler, as ``make bundle``
does) and loaded into a real Qt process in place of the full one.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _icu_data() -> ModuleType:
    # packaging/ is a folder of build scripts, not a package (PyPA's ``packaging`` owns
    # the name), so the module is loaded from its file as the bundle's spec does
    spec = importlib.util.spec_from_file_location("icu_data", ROOT / "packaging/icu_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


icu_data = _icu_data()


@pytest.mark.parametrize(
    ("item", "kept", "why"),
    [
        ("uts46.nrm", True, "normalisation"),
        ("nfkc.nrm", True, "normalisation"),
        ("unames.icu", True, "character names"),
        ("coll/ucadata.icu", True, "the collation table every language starts from"),
        ("coll/root.res", True, "root collation"),
        ("coll/res_index.res", True, "index of the tree"),
        ("coll/ar.res", True, "Arabic collation: a terminal language"),
        ("coll/sr_Latn.res", True, "a script of a terminal language"),
        ("coll/ja.res", False, "Japanese: no terminal serves it"),
        ("ar.res", True, "base locale data of a terminal language"),
        ("fa_AF.res", True, "Dari's data"),
        ("ckb.res", True, "Sorani"),
        ("ar_SA.res", False, "a region variant no terminal serves"),
        ("ja.res", False, "a language no terminal serves"),
        ("root.res", True, "the fallback of every locale"),
        ("pool.res", True, "the shared key pool"),
        ("res_index.res", True, "index of the locales"),
        ("supplementalData.res", True, "supplemental data, not a locale"),
        ("zoneinfo64.res", True, "time zone rules"),
        ("plurals.res", True, "plural rules"),
        ("likelySubtags.res", True, "likely subtags"),
        ("zone/ar.res", False, "time zone names: Babel names things"),
        ("lang/de.res", False, "language names"),
        ("curr/pool.res", False, "a left-out tree's pool"),
        ("unit/root.res", False, "unit names"),
        ("rbnf/ar.res", False, "spelled-out numbers"),
        ("translit/root.res", False, "transliteration"),
        ("brkitr/root.res", False, "break iteration: Qt breaks text itself"),
        ("brkitr/thaidict.dict", False, "a word dictionary"),
        ("brkitr/word.brk", False, "break rules"),
        ("ibm-1252_P100-2000.cnv", False, "a legacy converter: the kiosk speaks UTF-8"),
        ("cnvalias.icu", True, "converter aliases (UTF-8's names)"),
        ("README", False, "not an ICU item"),
    ],
)
def test_what_the_terminal_keeps(item: str, kept: bool, why: str) -> None:
    assert icu_data.kept(item) is kept, why


#: What the kiosk and Qt ask of ICU, run in a real Qt process.
PROBE = r"""
import json, sys
from PySide6.QtCore import QCollator, QDateTime, QLocale, QTimeZone, Qt
def order(lang, words):
    c = QCollator(QLocale(lang))
    import functools
    return sorted(words, key=functools.cmp_to_key(c.compare))
berlin = QTimeZone(b"Europe/Berlin")
kyiv = QTimeZone(b"Europe/Kyiv")
winter = QDateTime.fromString("2026-01-15T12:00:00Z", Qt.DateFormat.ISODate)
summer = QDateTime.fromString("2026-07-15T12:00:00Z", Qt.DateFormat.ISODate)
print(json.dumps({
    "cs": order("cs", ["i", "ch", "h", "c"]),
    "de": order("de", ["Zebra", "Äpfel", "Apfel", "Ofen", "Öl"]),
    "ar": order("ar", ["ياسمين", "أحمد", "بكر", "ثامر"]),
    "uk": order("uk", ["Ґанна", "Галина", "Євген", "Єва", "Іван", "Їжак"]),
    "tr": [QLocale("tr").toUpper("istanbul"), QLocale("tr").toLower("IĞDIR")],
    "zones": [berlin.offsetFromUtc(winter), berlin.offsetFromUtc(summer),
              kyiv.offsetFromUtc(summer)],
    "loaded": sorted({line.split()[-1] for line in open("/proc/self/maps")
                      if "libicudata" in line}),
}, ensure_ascii=False))
"""


def _probe(library_dir: Path | None) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if library_dir is not None:
        env["LD_LIBRARY_PATH"] = str(library_dir)  # searched before the wheel's RUNPATH
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_cut_down_library_answers_as_the_full_one(tmp_path: Path) -> None:
    import PySide6

    full = next((Path(PySide6.__file__).parent / "Qt/lib").glob("libicudata.so.*"))
    small = icu_data.trimmed_library(full, tmp_path / "work")

    assert small.name == full.name
    assert small.stat().st_size < 8_000_000 < full.stat().st_size
    symbols = subprocess.run(["nm", "-D", str(small)], capture_output=True, text=True).stdout
    assert f" R icudt{full.name.rsplit('.', 1)[-1]}_dat" in symbols

    answers, full_answers = _probe(small.parent), _probe(None)
    assert answers.pop("loaded") == [str(small)]
    assert full_answers.pop("loaded") == [str(full)]
    assert answers == full_answers
    assert answers["cs"] == ["c", "h", "ch", "i"]  # Czech's own order: "ch" after "h"
    assert answers["de"] == ["Apfel", "Äpfel", "Ofen", "Öl", "Zebra"]
    assert answers["tr"] == ["İSTANBUL", "ığdır"]
    assert answers["zones"] == [3600, 7200, 10800]


def test_missing_tools_are_named_with_their_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(icu_data.shutil, "which", lambda tool: None if tool == "icupkg" else "/x")
    with pytest.raises(icu_data.IcuDataError, match=r"icupkg \(Debian package icu-devtools\)"):
        icu_data.trimmed_library(Path("/nonexistent/libicudata.so.73"), Path("/nonexistent"))
