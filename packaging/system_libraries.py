"""System libraries the terminal has anyway, left out of the bundle.

A terminal is set up with one ``apt-get install`` line (``make run`` prints it;
:data:`kiosk.platform_check.QT_RUNTIME_PACKAGES`): Qt's X11, OpenGL, font and audio
libraries, and through their dependencies GLib, PulseAudio's codecs, systemd's client
library and more. The bundle used to carry its own copies of all of them (17 MB). It
now leaves out every library that a package of that line, or one of its dependencies,
installs on the terminal, so the terminal's own copy is loaded, as the Qt platform
plugins load the rest of the system's graphics stack anyway. Kept in the bundle all
the same: the C++ runtime, zlib and OpenSSL, whose versions the Python and Qt builds
were made against.

Debian's ``apt-cache`` gives the packages of the line and their dependencies,
``dpkg -S`` the package of each library. Where either is missing (a build host that is
not Debian), nothing is left out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable

#: Packages whose libraries stay in the bundle even though every terminal has them.
KEPT_PACKAGES = frozenset({"libc6", "libstdc++6", "libgcc-s1", "zlib1g", "libssl3"})


def installed_with(packages: Iterable[str]) -> set[str]:
    """*packages* and everything they depend on (recommends and suggests not counted);
    empty when apt-cache is not there."""
    if shutil.which("apt-cache") is None:
        return set()
    command = [
        "apt-cache",
        "depends",
        "--recurse",
        "--no-recommends",
        "--no-suggests",
        "--no-conflicts",
        "--no-breaks",
        "--no-replaces",
        "--no-enhances",
        *packages,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return {line.strip() for line in done.stdout.splitlines() if line and not line[0].isspace()}


def owners(paths: Iterable[str]) -> dict[str, str]:
    """The Debian package of each file in *paths* that one owns (``/lib`` and
    ``/usr/lib`` are the same place on a merged-usr system)."""
    if shutil.which("dpkg") is None:
        return {}
    asked: dict[str, str] = {}
    for path in paths:
        real = os.path.realpath(path)
        asked[real] = path
        other = real[4:] if real.startswith("/usr/") else "/usr" + real
        asked[other] = path
    done = subprocess.run(["dpkg", "-S", *asked], capture_output=True, text=True, check=False)
    found: dict[str, str] = {}
    for line in done.stdout.splitlines():
        package, _, where = line.partition(": ")
        if where.strip() in asked and "," not in package:
            found[asked[where.strip()]] = package.split(":")[0]
    return found


def on_every_terminal(sources: list[str], apt_line: Iterable[str]) -> set[str]:
    """Which of the library files *sources* a terminal set up with *apt_line* has from
    its own packages (see the module's text)."""
    packages = installed_with(apt_line) - KEPT_PACKAGES
    if not packages:
        return set()
    return {path for path, package in owners(sources).items() if package in packages}
