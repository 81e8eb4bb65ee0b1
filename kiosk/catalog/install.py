"""The terminal's installed catalog bundles: staged, current and previous, in HOME/catalog.

A bundle arrives on the sync thread, is verified there and *staged*; the
terminal installs it only between visitor sessions, so nobody sees the form
change under their fingers. Installing is two renames (current -> previous,
staged -> current); :meth:`CatalogInstaller.load` completes or undoes a
half-done install after a power cut, and falls back to the previous bundle
when the current one no longer verifies. Nothing here trusts the disk: every
bundle is verified against the pinned admin keys each time it is loaded.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.catalog.bundle import BundleRefusedError, VerifiedBundle, read_manifest, verify_bundle
from kiosk.crypto.signing import KeyFileError, key_id, load_public_key

log = logging.getLogger("kiosk.catalog")

FOLDER = "catalog"
TRUST_FILE = Path("keys") / "catalog-trust.json"
CURRENT, PREVIOUS, STAGED = "current.bundle", "previous.bundle", "staged.bundle"
HIGHEST = "highest-version"  # only ever goes up: no rollback after a lost or damaged file
_THREADS = threading.Lock()


class TrustError(ValueError):
    """The pinned keys are missing or damaged: no bundle can be verified."""


@dataclass(frozen=True)
class CatalogTrust:
    """What a terminal accepts: bundles for one deployment, signed by one of these keys."""

    deployment: str
    keys: Mapping[str, Ed25519PublicKey]

    @property
    def key_ids(self) -> list[str]:
        return sorted(self.keys)


def trust_path(home: Path) -> Path:
    return home / TRUST_FILE


def save_trust(home: Path, deployment: str, public_keys: list[bytes]) -> CatalogTrust:
    """Pin the admin keys (PEM) and the deployment; done at enrolment, by whoever installs
    the terminal, never by the server: a server that could name the keys could sign too."""
    if not public_keys:
        raise TrustError("at least one admin public key is needed")
    keys = {}
    for pem in public_keys:
        key = load_public_key(pem)
        keys[key_id(key)] = pem.decode()
    path = trust_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"deployment": deployment, "keys": keys}, indent=2, sort_keys=True)
    _write_atomic(path, body.encode())
    trust = load_trust(home)
    assert trust is not None  # just written
    return trust


def load_trust(home: Path) -> CatalogTrust | None:
    """The pinned trust, None when this terminal has none (development, demo)."""
    path = trust_path(home)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise TrustError(f"{path} cannot be read ({exc}); enrol the terminal again") from None
    try:
        deployment = str(data["deployment"])
        keys = {str(kid): load_public_key(str(pem).encode()) for kid, pem in data["keys"].items()}
    except (KeyError, TypeError, AttributeError, KeyFileError) as exc:
        raise TrustError(f"{path} is damaged ({exc}); enrol the terminal again") from None
    for kid, key in keys.items():
        if key_id(key) != kid:
            raise TrustError(f"{path}: key {kid} does not match its id; enrol again")
    if not keys:
        raise TrustError(f"{path} pins no admin key; enrol the terminal again")
    return CatalogTrust(deployment, keys)


def _write_atomic(path: Path, data: bytes) -> None:
    """Temporary name, fsync, rename, fsync of the folder: all or nothing after a power cut."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _Verified:
    """The bundle this process verified last, by the SHA-256 of its bytes.

    The sync thread verifies a bundle when it stages it; installing it moments
    later on the terminal's thread then only has to see that the file still has
    exactly those bytes, instead of loading a catalog of tens of megabytes twice.
    """

    _lock = threading.Lock()
    _entry: tuple[str, tuple[str, ...], VerifiedBundle] | None = None

    @classmethod
    def keep(cls, digest: str, trust: CatalogTrust, bundle: VerifiedBundle) -> None:
        with cls._lock:
            cls._entry = (digest, _trust_id(trust), bundle)

    @classmethod
    def take(cls, digest: str, trust: CatalogTrust) -> VerifiedBundle | None:
        with cls._lock:
            entry, cls._entry = cls._entry, None
        if entry is None or entry[:2] != (digest, _trust_id(trust)):
            return None
        return entry[2]


def _trust_id(trust: CatalogTrust) -> tuple[str, ...]:
    return (trust.deployment, *trust.key_ids)


class CatalogInstaller:
    """Stages, installs and loads bundles in one folder, for one pinned trust."""

    def __init__(self, home: Path, trust: CatalogTrust) -> None:
        self.folder = home / FOLDER
        self.folder.mkdir(parents=True, exist_ok=True)
        self.trust = trust

    def _path(self, name: str) -> Path:
        return self.folder / name

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One stage or install at a time, across threads (the kiosk's sync and its core)
        and processes (`kiosk sync --once` beside a running kiosk): an install must move
        exactly the bytes it verified."""
        with _THREADS, (self.folder / ".lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _version_of(self, name: str) -> int:
        """The manifest version of a stored bundle (0 if absent or unreadable)."""
        try:
            return read_manifest(self._path(name).read_bytes()).version
        except (OSError, BundleRefusedError):
            return 0

    @property
    def installed_version(self) -> int:
        return self._version_of(CURRENT)

    def newest_known(self) -> int:
        """The version a new bundle must beat: installed, waiting, or ever installed here."""
        return max(self._version_of(CURRENT), self._version_of(STAGED), self._highest())

    def _highest(self) -> int:
        try:
            return int(self._path(HIGHEST).read_text(encoding="ascii").strip() or 0)
        except (OSError, ValueError):
            return 0

    def verify(self, data: bytes, *, newer_than: int | None = None) -> VerifiedBundle:
        return verify_bundle(
            data, self.trust.keys, deployment=self.trust.deployment, newer_than=newer_than
        )

    # ------------------------------------------------------------ sync thread
    def stage(self, data: bytes) -> VerifiedBundle:
        """Verify a downloaded bundle and keep it until the terminal is free to install it.

        Raises :class:`BundleRefusedError` (logged with its reason) and leaves
        everything installed as it was.
        """
        with self._exclusive():
            return self._stage(data)

    def _stage(self, data: bytes) -> VerifiedBundle:
        try:
            verified = self.verify(data, newer_than=self.newest_known())
        except BundleRefusedError as exc:
            log.warning("catalog bundle refused (%s): %s", exc.reason, exc)
            raise
        _write_atomic(self._path(STAGED), verified.data)
        _Verified.keep(hashlib.sha256(verified.data).hexdigest(), self.trust, verified)
        log.info("catalog bundle version %d staged", verified.manifest.version)
        return verified

    def has_staged(self) -> bool:
        return self._path(STAGED).exists()

    # ------------------------------------------------------------ terminal, between visitors
    def install_staged(self) -> VerifiedBundle | None:
        """Make the staged bundle current (the current one becomes previous).

        Verified once more from disk first; a staged file that no longer verifies
        is removed and the current catalog stays.
        """
        with self._exclusive():
            return self._install_staged()

    def _install_staged(self) -> VerifiedBundle | None:
        staged = self._path(STAGED)
        try:
            data = staged.read_bytes()
        except FileNotFoundError:
            return None
        installed = self.installed_version
        verified = _Verified.take(hashlib.sha256(data).hexdigest(), self.trust)
        if verified is None or verified.manifest.version <= installed:
            try:
                verified = self.verify(data, newer_than=installed)
            except BundleRefusedError as exc:
                log.warning("staged catalog bundle dropped (%s): %s", exc.reason, exc)
                staged.unlink(missing_ok=True)
                return None
        current = self._path(CURRENT)
        if current.exists():
            current.replace(self._path(PREVIOUS))
        staged.replace(current)
        _fsync_dir(self.folder)
        if verified.manifest.version > self._highest():
            _write_atomic(self._path(HIGHEST), str(verified.manifest.version).encode())
        log.info("catalog bundle version %d installed", verified.manifest.version)
        return verified

    def load(self) -> VerifiedBundle | None:
        """The bundle to run at start: current, else a half-installed staged one, else previous."""
        if not self._path(CURRENT).exists() and self.has_staged():
            self.install_staged()  # a power cut between the two renames
        for name in (CURRENT, PREVIOUS):
            path = self._path(name)
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                continue
            try:
                return self.verify(data)
            except BundleRefusedError as exc:
                log.warning("installed catalog bundle %s refused (%s): %s", name, exc.reason, exc)
        return None

    def previous_version(self) -> int:
        return self._version_of(PREVIOUS)


def open_installed(home: Path) -> tuple[CatalogInstaller | None, VerifiedBundle | None]:
    """The installer (None without pinned keys) and the installed bundle to run, if any.

    Without pinned keys a terminal runs the catalog from its source folder and
    installs nothing (development and the demo); with them, signed bundles win.
    """
    trust = load_trust(home)
    if trust is None:
        return None, None
    installer = CatalogInstaller(home, trust)
    return installer, installer.load()
