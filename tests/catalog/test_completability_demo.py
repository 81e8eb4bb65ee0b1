"""The demo catalog, proven: every form can be finished, and the proof agrees with the engine."""

from __future__ import annotations

from kiosk.catalog.build import build_catalog
from kiosk.catalog.proof_limits import ProofLimits
from kiosk.paths import default_catalog_dir, translations_dir


def test_every_demo_form_can_be_finished() -> None:
    # generous limits: this is about what is proven, not about how fast (a shared
    # machine may be slow); `kiosk catalog validate` uses the defaults
    limits = ProofLimits(seconds=300, seconds_per_form=60)
    result = build_catalog(default_catalog_dir(), translations_dir(), prove=limits)
    errors = [str(i) for i in result.errors]
    assert not errors, "\n".join(errors)
    forms = (
        {f"/{f.office}/{f.id}.yaml" for f in result.catalog.catalog.forms}
        if result.catalog
        else set()
    )
    assert len(forms) >= 12
    proof = [i for i in result.issues if any(i.file.endswith(f) for f in forms)]
    stopped = [
        str(i) for i in proof if "not fully proven" in i.message or "not proven" in i.message
    ]
    assert not stopped, "\n".join(stopped)
    disagreeing = [str(i) for i in proof if "engine refuses" in i.message]
    assert not disagreeing, "\n".join(disagreeing)
