"""The terminal's installed catalog bundles: staged, current and previous, in HOME/catalog.

A bundle arrives on the sync thread, is verified there and *staged*; the
terminal installs it only between visitor sessions, so nobody sees the form
change under their fingers. Installing is two renames (current -> previous,
staged -> current); :meth:`CatalogInstaller.load` completes or undoes a
half-done install after a power cut, and falls back to the previous bundle
when the current one no longer verifies. Nothing here trusts the disk: every
bundle is verified against the pinned admin keys each time it is loaded.

A terminal that pins admin keys fails closed: :func:`open_for_visitors` lets it
serve a verified bundle or nothing (its out-of-service screen), never the unsigned
catalog it was installed with; only the explicit demo mode and a terminal that
never pinned keys (development) run the source catalog.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.catalog.bundle import BundleRefusedError, VerifiedBundle, read_manifest, verify_bundle
from kiosk.catalog.bundle_files import (
    CURRENT,
    FOLDER,
    HIGHEST,
    PREVIOUS,
    STAGED,
    bundle_files,
)
from kiosk.catalog.compiled import CompiledCatalog
from kiosk.crypto.signing import KeyFileError, key_id, load_public_key
from kiosk.definition.model import Catalog, CatalogHeader
from kiosk.private_files import sync_folder, write_private

log = logging.getLogger("kiosk.catalog")

TRUST_FILE = Path("keys") / "catalog-trust.json"
#: The id of the empty catalog a terminal out of service holds (staff and the fleet see it).
OUT_OF_SERVICE = "out_of_service"
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
    write_private(path, body.encode())
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
        #: why the bundles on disk were refused at the last :meth:`load`, for staff
        self.refusals: list[str] = []

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
        write_private(self._path(STAGED), verified.data)
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
        sync_folder(self.folder)
        if verified.manifest.version > self._highest():
            write_private(self._path(HIGHEST), str(verified.manifest.version).encode())
        log.info("catalog bundle version %d installed", verified.manifest.version)
        return verified

    def load(self) -> VerifiedBundle | None:
        """The bundle to run at start: current, else a half-installed staged one, else previous."""
        if not self._path(CURRENT).exists() and self.has_staged():
            self.install_staged()  # a power cut between the two renames
        self.refusals = []
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
                self.refusals.append(f"{name} refused ({exc.reason}): {exc}")
        return None

    def previous_version(self) -> int:
        return self._version_of(PREVIOUS)


def open_installed(home: Path) -> tuple[CatalogInstaller | None, VerifiedBundle | None]:
    """The installer (None without pinned keys) and the installed bundle to run, if any.

    What a terminal may serve when there is no bundle is :func:`open_for_visitors`'s
    decision, not this one's.
    """
    trust = load_trust(home)
    if trust is None:
        return None, None
    installer = CatalogInstaller(home, trust)
    return installer, installer.load()


@dataclass(frozen=True)
class Serving:
    """What a terminal may offer visitors, decided once at start.

    ``closed`` says why visitors must wait (for staff and the log; it never holds a
    visitor's data): the terminal then shows its out-of-service screen and installs the
    first verified bundle the sync stages. ``installer`` is None without usable pinned keys.
    """

    installer: CatalogInstaller | None
    bundle: VerifiedBundle | None
    closed: str | None = None


def open_for_visitors(home: Path, *, demo: bool) -> Serving:
    """Fail closed: with admin keys pinned, or pinned keys damaged or lost, only a verified
    bundle serves.

    The source catalog beside the program is unsigned; anyone who can write to the
    disk can change it, so a terminal that pins keys must never fall back to it. Only
    the explicit demo mode does (and a terminal that never pinned keys, in development).
    """
    try:
        trust = load_trust(home)
    except TrustError as exc:
        if demo:
            log.warning("demo mode, catalog updates are off: %s", exc)
            return Serving(None, None)
        return Serving(None, None, f"the pinned admin keys cannot be used: {exc}")
    if trust is None:
        left = bundle_files(home)
        if left and not demo:
            return Serving(
                None,
                None,
                f"{trust_path(home)} is gone, but catalog bundles were installed here "
                f"({', '.join(left)}): the pinned keys were lost; enrol the terminal again "
                "with its admin keys",
            )
        return Serving(None, None)
    installer = CatalogInstaller(home, trust)
    bundle = installer.load()
    if bundle is not None or demo:
        return Serving(installer, bundle)
    if installer.refusals:
        reason = "no installed catalog bundle verifies: " + "; ".join(installer.refusals)
    else:
        reason = "admin keys are pinned, but no verified catalog bundle is installed yet"
    return Serving(installer, None, f"{reason}; waiting for one from the central server")


def reopen_installer(home: Path) -> CatalogInstaller | None:
    """The installer once pinned keys read again (re-enrolled), None while they do not:
    a terminal out of service for damaged keys then takes the next bundle by itself."""
    try:
        trust = load_trust(home)
    except TrustError:
        return None
    return CatalogInstaller(home, trust) if trust is not None else None


def out_of_service_catalog(languages: list[str]) -> CompiledCatalog:
    """The catalog a terminal holds while out of service: no office, no form, nothing a
    visitor could start, only the languages its out-of-service screen speaks."""
    header = CatalogHeader(
        id=OUT_OF_SERVICE, title="Außer Betrieb", version=1, languages=languages or ["de"]
    )
    empty = Catalog(header=header, offices=[], topics=[], info_sheets=[], codelists=[], forms=[])
    return CompiledCatalog.create(empty, {})
