"""The whole loop on one machine, for `make run`: a central server beside the kiosk.

A newcomer to the project starts the kiosk and sees applications travel: the
terminal is enrolled with its local server, every office gets a token, and
the command that fetches an office's applications is printed. Nothing here is
for production, where server and terminals are separate machines; it lives in
the launcher, the one place that may put a server and a terminal together.
"""

from __future__ import annotations

import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy.engine import Engine

from kiosk.catalog.install import load_trust, save_trust
from kiosk.crypto.signing import generate_key_pair, load_public_key, public_key_pem, public_path_for
from kiosk.private_files import write_private
from sync.client.credential import EnrolmentError, enrol, load_credential
from sync.server import accounts
from sync.server.db import open_engine
from sync.server.embedded import EmbeddedServer
from sync.server.signing_keys import trust_key

DEFAULT_PORT = 8765


@dataclass
class LocalLoop:
    server: EmbeddedServer
    office_tokens: dict[str, str]
    tokens_dir: Path
    admin_key: Path | None = None
    admin_token_file: Path | None = None

    def stop(self) -> None:
        self.server.stop()


def _enrolled_here(home: Path, engine: Engine, url: str) -> bool:
    try:
        credential = load_credential(home)
    except EnrolmentError:
        return False
    if credential is None or credential.server != url:
        return False
    try:
        return accounts.authenticate(engine, credential.token).role == "device"
    except accounts.AuthError:  # the server's database was reset
        return False


def _demo_publishing(home: Path, engine: Engine, deployment: str) -> tuple[Path, Path]:
    """A demo admin: a signing key the local server trusts and this terminal pins, and an
    admin token, so the demo can publish a catalog and watch the terminal install it."""
    folder = home / "server"
    key = folder / "admin-demo.key"
    if not key.exists():
        generate_key_pair(key)
    public = load_public_key(public_path_for(key))
    trust_key(engine, public, now=time.time())
    if load_trust(home) is None:
        save_trust(home, deployment, [public_key_pem(public)])
    token_file = folder / "admin.token"
    if not token_file.exists():
        write_private(
            token_file, (accounts.issue_token(engine, "admin", "demo-admin") + "\n").encode()
        )
    return key, token_file


def start_local_loop(
    home: Path, offices: list[str], *, port: int = DEFAULT_PORT, deployment: str | None = None
) -> LocalLoop:
    folder = home / "server"
    engine = open_engine(str(folder / "server.sqlite3"))
    try:
        server = EmbeddedServer(engine, port=port)
    except OSError:  # the usual port is taken (another kiosk?): any free one will do
        server = EmbeddedServer(engine, port=0)
    server.start()

    if not _enrolled_here(home, engine, server.url):
        token = accounts.issue_enrolment(engine, f"{socket.gethostname()}-demo")
        enrol(home, server.url, token)

    tokens_dir = folder / "office-tokens"
    tokens: dict[str, str] = {}
    for office in offices:
        path = tokens_dir / f"{office}.token"
        if path.exists():
            tokens[office] = path.read_text(encoding="utf-8").strip()
        else:
            tokens[office] = accounts.issue_token(engine, "office", office)
            write_private(path, (tokens[office] + "\n").encode())
    loop = LocalLoop(server=server, office_tokens=tokens, tokens_dir=tokens_dir)
    if deployment:
        loop.admin_key, loop.admin_token_file = _demo_publishing(home, engine, deployment)
    return loop


def explain(loop: LocalLoop, home: Path) -> None:
    """Tell the person at the console how to play the office."""
    office = sorted(loop.office_tokens)[0]
    print(
        f"local central server: {loop.server.url} (data in {home / 'server'})\n"
        f"play an office and fetch its applications, e.g.:\n"
        f"  .venv/bin/kiosk office fetch --server {loop.server.url} --office {office} "
        f'--token "$(cat {loop.tokens_dir / (office + ".token")})" '
        f"--key {home / 'office_keys' / (office + '.key.pem')} --out ./inbox-{office}",
        file=sys.stderr,
    )
    if loop.admin_key is not None and loop.admin_token_file is not None:
        bundle = home / "catalog-demo.bundle"
        print(
            "publish a new catalog version (raise `version:` in catalog.yaml first); the kiosk "
            "installs it once no visitor is busy:\n"
            f"  .venv/bin/kiosk catalog build --office-keys {home / 'office_keys'} "
            f"--out {bundle} && "
            f".venv/bin/kiosk catalog sign {bundle} --key {loop.admin_key} && "
            f".venv/bin/kiosk catalog publish {bundle} --server {loop.server.url} "
            f'--token "$(cat {loop.admin_token_file})"',
            file=sys.stderr,
        )


def catalog_id(root: Path) -> str:
    """The catalog's id (its deployment) straight from catalog.yaml."""
    data = yaml.safe_load((root / "catalog.yaml").read_text(encoding="utf-8")) or {}
    return str(data.get("id", ""))


def catalog_offices(root: Path) -> list[str]:
    """Ids of the offices that receive applications, straight from the catalog source:
    cheap, no build needed."""
    data = yaml.safe_load((root / "offices.yaml").read_text(encoding="utf-8")) or {}
    return [
        str(o["id"])
        for o in data.get("offices", [])
        if isinstance(o, dict) and "id" in o and o.get("receives_applications", True) is not False
    ]


class LocalServer:
    """The demo server as the background sync's companion: started in the sync's thread
    (so the first screen does not wait for a web server), stopped after the sync."""

    def __init__(self, home: Path, catalog_root: Path, *, port: int = DEFAULT_PORT) -> None:
        self.home = home
        self.catalog_root = catalog_root
        self.port = port
        self.local: LocalLoop | None = None

    def start(self) -> None:
        try:
            self.local = start_local_loop(
                self.home,
                catalog_offices(self.catalog_root),
                port=self.port,
                deployment=catalog_id(self.catalog_root),
            )
            explain(self.local, self.home)
        except (OSError, RuntimeError, ValueError, EnrolmentError) as exc:
            print(f"the local central server did not start: {exc}", file=sys.stderr)

    def stop(self) -> None:
        if self.local is not None:
            self.local.stop()
