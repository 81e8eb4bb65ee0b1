"""A compiled catalog kept in the home folder, rebuilt only when a source file changes.

Building from YAML and PO files takes a quarter of a second for the demo and
seconds for a large catalog; loading the compiled JSON takes milliseconds, which
is what a terminal (and a crash-test loop) wants at every start.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.catalog.build import BuildResult

#: Bumped when the compiled format changes, so old caches are not read.
CACHE_VERSION = 1
BOOT_FILE = "boot.json"


def _fingerprint(root: Path, translations: Path) -> str:
    import hashlib  # not at import: the first paint reads the boot file and needs no hash

    digest = hashlib.sha256(f"cache {CACHE_VERSION}".encode())
    for base in (root, translations):
        if not base.exists():
            continue
        for path in sorted(p for p in base.rglob("*") if p.suffix in {".yaml", ".yml", ".po"}):
            stat = path.stat()
            digest.update(f"{path.relative_to(base)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def _resolve(root: Path, translations: Path | None) -> tuple[Path, Path]:
    root = root.resolve()
    return root, (translations or root.parent / "translations").resolve()


def read_boot(cache_dir: Path, *, fingerprint: str | None = None) -> dict[str, Any] | None:
    """What the first screen needs (languages and their own names), without loading the
    catalog. The first paint takes it as it is (the kiosk window, built from the real
    catalog moments later, replaces that screen); with *fingerprint*, a boot file of
    other sources counts as missing."""
    try:
        boot = json.loads((cache_dir / BOOT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(boot, dict) or not isinstance(boot.get("languages"), list):
        return None
    if fingerprint is not None and boot.get("fingerprint") != fingerprint:
        return None
    return boot


def _native_names(languages: list[str]) -> dict[str, str]:
    from kiosk.locales import native_name

    return {lang: native_name(lang) for lang in languages}


def boot_from_source(root: Path) -> dict[str, Any] | None:
    """The boot data from the catalog's header alone (``catalog.yaml``), for the very first
    start of a terminal, before any cache exists; None if the header cannot be read."""
    import yaml

    try:
        text = (root / "catalog.yaml").read_text(encoding="utf-8")
        if len(text) > 64_000:
            return None
        header = yaml.safe_load(text)
        languages = header.get("languages") if isinstance(header, dict) else None
        if not isinstance(languages, list) or not 0 < len(languages) <= 100:
            return None
        languages = [str(lang) for lang in languages if isinstance(lang, str) and lang.isascii()]
        return {"languages": languages, "names": _native_names(languages)}
    except Exception:  # a first paint is a courtesy: without it the kiosk starts as before
        return None


def _write_boot(cache_dir: Path, fingerprint: str, languages: list[str]) -> None:
    names = _native_names(languages)
    data = {"fingerprint": fingerprint, "languages": languages, "names": names}
    tmp = cache_dir / (BOOT_FILE + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(cache_dir / BOOT_FILE)


def load_catalog_cached(root: Path, translations: Path | None, cache_dir: Path) -> BuildResult:
    """The build result; from the cache when the sources did not change."""
    from kiosk.catalog.build import BuildResult, build_catalog
    from kiosk.catalog.compiled import CompiledCatalog

    root, translations = _resolve(root, translations)
    fingerprint = _fingerprint(root, translations)
    cached = cache_dir / f"catalog-{fingerprint}.json"
    if cached.exists():
        try:
            catalog = CompiledCatalog.from_json(cached.read_bytes())
        except ValueError:
            cached.unlink(missing_ok=True)
        else:
            if read_boot(cache_dir, fingerprint=fingerprint) is None:
                _write_boot(cache_dir, fingerprint, catalog.languages)
            return BuildResult(catalog, [])
    result = build_catalog(root, translations)
    if result.catalog is not None and not result.errors:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.glob("catalog-*.json"):
            old.unlink(missing_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_bytes(result.catalog.to_json())
        tmp.replace(cached)
        _write_boot(cache_dir, fingerprint, result.catalog.languages)
    return result
