"""A compiled catalog kept in the home folder, rebuilt only when a source file changes.

Building from YAML and PO files takes a quarter of a second for the demo and
seconds for a large catalog; loading the compiled JSON takes milliseconds, which
is what a terminal (and a crash-test loop) wants at every start.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kiosk.catalog.build import BuildResult, build_catalog
from kiosk.catalog.compiled import FORMAT_VERSION, CompiledCatalog


def _fingerprint(root: Path, translations: Path) -> str:
    digest = hashlib.sha256(f"format {FORMAT_VERSION}".encode())
    for base in (root, translations):
        if not base.exists():
            continue
        for path in sorted(p for p in base.rglob("*") if p.suffix in {".yaml", ".yml", ".po"}):
            stat = path.stat()
            digest.update(f"{path.relative_to(base)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def load_catalog_cached(root: Path, translations: Path | None, cache_dir: Path) -> BuildResult:
    """The build result; from the cache when the sources did not change."""
    root = root.resolve()
    translations = (translations or root.parent / "translations").resolve()
    cached = cache_dir / f"catalog-{_fingerprint(root, translations)}.json"
    if cached.exists():
        try:
            return BuildResult(CompiledCatalog.from_json(cached.read_bytes()), [])
        except ValueError:
            cached.unlink(missing_ok=True)
    result = build_catalog(root, translations)
    if result.catalog is not None and not result.errors:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.glob("catalog-*.json"):
            old.unlink(missing_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_bytes(result.catalog.to_json())
        tmp.replace(cached)
    return result
