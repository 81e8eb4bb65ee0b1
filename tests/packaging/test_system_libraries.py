"""Which system libraries the bundle leaves to the terminal: those the packages of the
apt-get line (and their dependencies) install, never the C++ runtime, zlib or OpenSSL.
Asked of this machine's real apt and dpkg, as ``make bundle`` asks them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kiosk.platform_check import QT_RUNTIME_PACKAGES

ROOT = Path(__file__).resolve().parents[2]


def _module() -> ModuleType:
    # packaging/ holds build scripts, not a package (PyPA's ``packaging`` owns the name)
    spec = importlib.util.spec_from_file_location(
        "system_libraries", ROOT / "packaging/system_libraries.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


system_libraries = _module()


def _library(name: str) -> str:
    """Where this machine keeps the library *name*."""
    for folder in ("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib"):
        path = Path(folder) / name
        if path.exists():
            return str(path)
    raise AssertionError(f"{name} is not installed here (.ci/run installs it)")


def test_the_apt_line_and_its_dependencies_are_on_every_terminal() -> None:
    packages = system_libraries.installed_with(["libpulse0"])
    assert {"libpulse0", "libsndfile1"} <= packages  # libsndfile comes with libpulse


def test_what_the_bundle_leaves_to_the_terminal() -> None:
    x11, cpp, ssl = _library("libX11.so.6"), _library("libstdc++.so.6"), _library("libssl.so.3")
    ours = str(Path(sys.executable).resolve())  # owned by no package
    left = system_libraries.on_every_terminal([x11, cpp, ssl, ours], QT_RUNTIME_PACKAGES)
    assert left == {x11}


def test_a_host_without_dpkg_leaves_nothing_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system_libraries.shutil, "which", lambda tool: None)
    x11 = _library("libX11.so.6")
    assert system_libraries.on_every_terminal([x11], QT_RUNTIME_PACKAGES) == set()
