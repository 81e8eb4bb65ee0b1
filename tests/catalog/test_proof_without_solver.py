"""Where no solver is installed (the terminal bundle), validate says why it cannot prove
the forms, as an error with a reason, never a traceback; the catalog still loads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WITHOUT_Z3 = "import sys; sys.modules['z3'] = None; from cli.main import main; "


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_Z3 + code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_validate_without_the_solver_is_refused_with_the_reason() -> None:
    done = run("sys.exit(main(['catalog', 'validate', 'forms_catalog']))")
    assert done.returncode == 1, done.stderr
    assert (
        "(proof): the proof that every form can be finished needs z3" in done.stdout + done.stderr
    )
    assert "Traceback" not in done.stderr


def test_the_catalog_loads_for_visitors_without_the_solver() -> None:
    done = run(
        "from kiosk.catalog.build import load_catalog; "
        "c = load_catalog(__import__('pathlib').Path('forms_catalog')); print(len(c.catalog.forms))"
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) >= 13
