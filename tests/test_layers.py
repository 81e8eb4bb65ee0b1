"""What the import contracts (``lint-imports``, see pyproject.toml) cannot say: the launchers
reach the UI only lazily, inside the command, so the rest of the CLI runs without Qt."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


LAUNCHERS = {Path("kiosk/cli/run_cmd.py"), Path("kiosk/cli/catalog_cmd.py")}


def test_only_the_launcher_reaches_the_ui_and_only_lazily() -> None:
    """`kiosk run` (and `kiosk catalog preview`) hand over to ui/, importing it inside the
    command so the rest of the CLI (catalog tools, server, sync) runs without Qt widgets."""
    for package in ("kiosk", "sync"):
        for path in modules(package):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:
                if isinstance(node, ast.ImportFrom | ast.Import):
                    names = (
                        [node.module or ""]
                        if isinstance(node, ast.ImportFrom)
                        else [a.name for a in node.names]
                    )
                    assert not any(n == "ui" or n.startswith(("ui.", "PySide6")) for n in names), (
                        path
                    )
            lazy = {m for m in imports(path) if m == "ui" or m.startswith("ui.")}
            if lazy:
                assert path.relative_to(ROOT) in LAUNCHERS, path
