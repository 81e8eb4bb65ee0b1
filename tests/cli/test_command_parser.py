"""`kiosk` parses each command from its own module: `kiosk run` loads no other command's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parents[2]


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        build_parser().parse_args(["--help"])
    assert ended.value.code == 0
    shown = capsys.readouterr().out
    assert [name for name in COMMANDS if name not in shown] == []


def test_one_command_parses_as_it_does_among_all() -> None:
    argv = ["run", "--smoke", "--windowed", "--home", "/tmp/x"]
    alone = vars(build_parser("run").parse_args(argv))
    among_all = vars(build_parser().parse_args(argv))
    assert alone == among_all


def test_an_unknown_command_is_refused_naming_the_known_ones() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "frobnicate"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 2
    assert "invalid choice: 'frobnicate'" in done.stderr and "catalog" in done.stderr


def test_run_loads_no_other_command() -> None:
    code = (
        "import sys; from cli.main import build_parser; build_parser('run'); "
        "print(' '.join(m for m in sys.modules if m.startswith('cli.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.split()
    assert sorted(loaded) == ["cli.common", "cli.main", "cli.run_cmd", "cli.settings_cmd"]
