"""Fetching the published catalog bundle on sync, and staging it for the terminal.

The download is checked here (signature, deployment, version) and only then
kept as *staged*; the terminal installs it between visitor sessions. A refused
bundle is remembered by its ETag, so a bad publication is not downloaded again
every few seconds, and its reason is kept for the staff panel and `kiosk status`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kiosk.catalog.bundle import BundleRefusedError
from kiosk.catalog.install import CatalogInstaller, TrustError, load_trust
from kiosk.store import Store
from sync.client.transport import DeviceTransport

log = logging.getLogger("kiosk.sync")

ETAG = "catalog.etag"
REFUSED = "catalog.refused"  # the last refusal: reason and message, for staff
STAGED_VERSION = "catalog.staged_version"


@dataclass(frozen=True)
class PullResult:
    status: str  # "unchanged", "staged", "refused", "not_configured"
    version: int | None = None
    reason: str | None = None


def installer_for(home: Path) -> CatalogInstaller | None:
    """None when the terminal pins no admin keys: it then takes no bundles at all."""
    try:
        trust = load_trust(home)
    except TrustError as exc:
        log.warning("catalog updates are off: %s", exc)
        return None
    return CatalogInstaller(home, trust) if trust is not None else None


def forget_refusal(store: Store) -> None:
    """After new keys are pinned, the bundle refused under the old ones deserves a new look."""
    store.settings.set(ETAG, "")
    store.settings.set(REFUSED, "")


def pull_catalog(
    store: Store, transport: DeviceTransport, installer: CatalogInstaller
) -> PullResult:
    """One conditional GET; a new bundle is verified and staged or refused with its reason."""
    fetched = transport.fetch_catalog(store.settings.get(ETAG) or None)
    if fetched is None:
        return PullResult("unchanged")
    etag, body = fetched
    try:
        verified = installer.stage(body)
    except BundleRefusedError as exc:
        store.settings.set(REFUSED, f"{exc.reason}: {exc}"[:500])
        store.settings.set(ETAG, etag)
        return PullResult("refused", reason=exc.reason)
    except OSError as exc:  # disk full or read-only: try again on the next pass
        log.warning("catalog bundle not staged: %s", exc.strerror)
        return PullResult("refused", reason="disk")
    store.settings.set(ETAG, etag)
    store.settings.set(REFUSED, "")
    store.settings.set(STAGED_VERSION, str(verified.manifest.version))
    return PullResult("staged", version=verified.manifest.version)
