"""What the import contracts (``lint-imports``, see pyproject.toml) cannot say: which
imports are lazy. The launcher reaches the UI only inside the command, so the rest of
the CLI runs without Qt; a server that only takes applications never loads the form
engine."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UI_LAUNCHERS = {Path("cli/run_cmd.py"), Path("cli/catalog_cmd.py")}


def _top_level_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            names.append(node.module or "")
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return names


def _all_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _is_qt(name: str) -> bool:
    return name == "ui" or name.startswith(("ui.", "PySide6"))


@pytest.mark.parametrize("path", sorted((ROOT / "cli").rglob("*.py")), ids=lambda p: p.name)
def test_the_launcher_reaches_the_ui_only_lazily(path: Path) -> None:
    """`kiosk run` (and `kiosk catalog preview`) hand over to ui/, importing it inside the
    command, so catalog tools, server and sync run on a machine without Qt widgets."""
    assert not [n for n in _top_level_imports(path) if _is_qt(n)]
    if any(_is_qt(n) for n in _all_imports(path)):
        assert path.relative_to(ROOT) in UI_LAUNCHERS


@pytest.mark.parametrize(
    ("module", "never"),
    [
        ("sync.server.app", ("kiosk.engine", "kiosk.definition", "kiosk.session", "PySide6")),
        ("sync.client.worker", ("sync.server", "fastapi", "uvicorn", "PySide6")),
        ("cli.main", ("PySide6", "ui", "fastapi", "kiosk.engine")),
        # the first paint of `kiosk run`: pydantic alone takes longer to import than a
        # window takes to paint (kiosk.toml is checked after the paint); the log is set
        # up after it too (logging.handlers brings sockets and pickling)
        (
            "cli.run_cmd",
            (
                "pydantic",
                "kiosk.settings",
                "ui.keyboard",
                "kiosk.catalog.build",
                "logging.handlers",
            ),
        ),
        (
            "ui.app",
            (
                "pydantic",
                "kiosk.settings",
                "ui.keyboard",
                "ui.window",
                "kiosk.engine",
                "logging.handlers",
                "kiosk.logsetup",
                "ui.boot",
                "hashlib",
                "tomllib",
            ),
        ),
        ("ui.boot", ("pydantic", "kiosk.settings", "ui.keyboard", "ui.window", "kiosk.engine")),
    ],
)
def test_what_importing_a_part_loads(module: str, never: tuple[str, ...]) -> None:
    """The server starts without the form engine, the terminal's sync without a web
    server, and the command line without Qt or the engine (each command loads its own)."""
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    assert [m for m in loaded if any(m == n or m.startswith(n + ".") for n in never)] == []
