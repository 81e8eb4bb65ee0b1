"""`kiosk server serve` as a process of its own, for tests that kill, restart or read its log."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from sync import protocol as p
from tests.pgcluster import free_port


class ServerProcess:
    """`kiosk server serve` as its own process, so it can be killed like a real one."""

    def __init__(self, db: Path, log: Path) -> None:
        self.db = db
        self.port = free_port()
        self.log = log.open("ab")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cli.main",
                "server",
                "serve",
                "--db",
                str(self.db),
                "--port",
                str(self.port),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}{p.API}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(30)

    def restart(self) -> None:
        self.kill()
        self.start()

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(30)
        self.log.close()


def admin(server: ServerProcess, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "server", *args, "--db", str(server.db)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
