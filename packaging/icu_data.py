"""ICU's data library cut down to what a terminal uses: 31 MB of the bundle become 6.

Qt links ICU, and ICU's data library carries everything CLDR knows: names of every
language, region, currency, unit and time zone in 800 locales, spelled-out numbers,
transliterators, 190 legacy character converters and the word dictionaries of Thai,
Khmer, Lao, Burmese and Chinese. Qt asks ICU for little of it: collation (``QCollator``,
QML's ``localeCompare``), case mapping, normalisation and time zone rules. It draws
text with its own Unicode tables and HarfBuzz, and the kiosk formats numbers, dates and
names with Babel, reads and writes UTF-8 only.

So the bundle carries a data library with the same entry point and file name that holds
ICU's core tables (properties, normalisation, casing, character names, StringPrep,
confusables), the supplemental data (likely subtags, plural rules, time zone rules and
metadata), and the base locale data and collation of the languages a terminal serves
(``kiosk/locales.py``). What is left out: the name, unit and currency trees, rule-based
number formats, transliteration, break iteration and its dictionaries, the converters.

Made with ICU's own tools (``icupkg`` to list and remove items, ``genccode`` to turn the
package into an object file; Debian's ``icu-devtools``) and the C compiler to link it.
``icupkg`` refuses to remove an item another kept item depends on; such items are
kept, with a bounded number of rounds.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from kiosk.locales import carried

#: The tools and the Debian packages that carry them.
TOOLS = {
    "nm": "binutils",
    "readelf": "binutils",
    "icupkg": "icu-devtools",
    "genccode": "icu-devtools",
    "gcc": "gcc",
}
#: ICU's core tables: properties, normalisation, casing, names, StringPrep, confusables.
CORE_KINDS = frozenset({".icu", ".nrm", ".spp", ".cfu"})
#: Trees whose locale data Qt asks for (the top level is the locales themselves).
KEPT_TREES = frozenset({"", "coll"})
#: Items of every tree that are not a locale but its index, pool or fallback.
TREE_FILES = frozenset({"root", "pool", "res_index"})
_LOCALE_ID = re.compile(r"[a-z]{2,3}(?:_[A-Za-z0-9]+)*")
_DEPENDS = re.compile(r"depends on missing item (\S+)")
_SYMBOL = re.compile(r"^([0-9a-f]+) ([0-9a-f]+) R (icudt(\d+)_dat)$", re.MULTILINE)
_MAX_ROUNDS = 8


class IcuDataError(RuntimeError):
    """The data library could not be cut down; the message says why, for the builder."""


def kept(item: str) -> bool:
    """Whether the terminal's data library keeps *item* (``coll/ar.res``, ``uts46.nrm``)."""
    tree, _, name = item.rpartition("/")
    stem, dot, kind = name.rpartition(".")
    if not dot:
        return False
    if f".{kind}" in CORE_KINDS:
        return tree == "" or tree == "coll"
    if kind != "res" or tree not in KEPT_TREES:
        return False
    if stem in TREE_FILES or carried(stem):
        return True
    # at the top level, what is not a locale is supplemental data (plurals, zones, ...)
    return tree == "" and not _LOCALE_ID.fullmatch(stem)


def missing_tools() -> list[str]:
    return [f"{tool} (Debian package {package})" for tool, package in TOOLS.items()
            if shutil.which(tool) is None]


def trimmed_library(original: Path, workdir: Path) -> Path:
    """A copy of the data library *original* (``libicudata.so.NN``) holding only what
    :func:`kept` keeps, built in *workdir*; the same file name, soname and entry point."""
    absent = missing_tools()
    if absent:
        raise IcuDataError("cutting down ICU's data needs " + ", ".join(absent))
    workdir.mkdir(parents=True, exist_ok=True)
    version, package = _extract_package(original, workdir)
    items = _run("icupkg", "-l", str(package)).split()
    keep = {item for item in items if kept(item)}
    small_dir = workdir / "small"
    small_dir.mkdir(exist_ok=True)
    small = small_dir / package.name
    for _ in range(_MAX_ROUNDS):
        remove = workdir / "remove.txt"
        remove.write_text("".join(f"{item}\n" for item in items if item not in keep))
        small.unlink(missing_ok=True)
        done = subprocess.run(
            ["icupkg", "-r", str(remove), str(package), str(small)],
            capture_output=True, text=True, check=False,
        )
        if done.returncode == 0:
            break
        needed = set(_DEPENDS.findall(done.stdout + done.stderr)) - keep
        if not needed:
            raise IcuDataError(f"icupkg refused: {(done.stderr or done.stdout).strip()[:400]}")
        keep |= needed
    else:
        raise IcuDataError("icupkg kept finding dependencies of kept items")
    out = workdir / "lib"
    out.mkdir(exist_ok=True)
    _run("genccode", "-q", "-o", "-m", str(original), "-e", f"icudt{version}", "-d", str(out),
         str(small))
    objects = sorted(out.glob("*.o"))
    library = out / original.name
    _run("gcc", "-shared", "-nostdlib", f"-Wl,-soname,{original.name}", "-o", str(library),
         *map(str, objects))
    return library


def _extract_package(library: Path, workdir: Path) -> tuple[str, Path]:
    """ICU's common data package as a file (``icudtNNl.dat``), read out of *library*."""
    found = _SYMBOL.search(_run("nm", "-D", "-S", str(library)))
    if found is None:
        raise IcuDataError(f"{library.name} exports no icudtNN_dat")
    address, size, version = int(found[1], 16), int(found[2], 16), found[4]
    offset = _file_offset(library, address)
    with library.open("rb") as fh:
        fh.seek(offset)
        data = fh.read(size)
    if len(data) != size or data[2:4] != b"\xda\x27":
        raise IcuDataError(f"{library.name}: no ICU data at the entry point")
    endian = "l" if sys.byteorder == "little" else "b"
    package = workdir / f"icudt{version}{endian}.dat"
    package.write_bytes(data)
    return version, package


def _file_offset(library: Path, address: int) -> int:
    """Where in the file the byte loaded at *address* lies (from the section table)."""
    for line in _run("readelf", "-S", "-W", str(library)).splitlines():
        fields = line.replace("[ ", "[").split()
        if len(fields) >= 6 and fields[0].startswith("[") and fields[2] == "PROGBITS":
            start, file_offset, length = (int(fields[i], 16) for i in (3, 4, 5))
            if start <= address < start + length:
                return address - start + file_offset
    raise IcuDataError(f"{library.name}: the entry point lies in no section")


def _run(*command: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise IcuDataError(f"{command[0]} failed: {(done.stderr or done.stdout).strip()[:400]}")
    return done.stdout
