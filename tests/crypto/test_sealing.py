"""A sealed application names its key by thumbprint, so an office can rotate keys."""

from __future__ import annotations

import json

import pytest
from jwcrypto import jwe, jwk

from kiosk.crypto.sealing import (
    ALG,
    ENC,
    generate_office_key,
    key_thumbprint,
    seal,
    sealed_kid,
    unseal,
)

OLD = generate_office_key(2048)
NEW = generate_office_key(2048)
PAYLOAD = {"reference": "MD-7K3Q-9XPF-H", "answers": {"family_name": "Ahmadi"}}


def test_the_kid_is_the_rfc_7638_thumbprint_of_the_office_key() -> None:
    token = seal(PAYLOAD, OLD[1])
    assert sealed_kid(token) == key_thumbprint(OLD[1]) == key_thumbprint(OLD[0])
    assert len(key_thumbprint(OLD[1])) == 43  # SHA-256, base64url without padding
    assert key_thumbprint(OLD[1]) != key_thumbprint(NEW[1])


@pytest.mark.parametrize(
    ("sealed_to", "keys", "opens"),
    [
        (OLD, [OLD[0]], True),
        (OLD, [NEW[0], OLD[0]], True),  # after a rotation: old applications still open
        (NEW, [NEW[0], OLD[0]], True),
        (OLD, [NEW[0]], False),
    ],
)
def test_an_office_with_old_and_new_keys_opens_both(
    sealed_to: tuple[bytes, bytes], keys: list[bytes], opens: bool
) -> None:
    token = seal(PAYLOAD, sealed_to[1])
    if opens:
        assert unseal(token, keys) == PAYLOAD
    else:
        with pytest.raises(ValueError, match="cannot open"):
            unseal(token, keys)


def test_applications_sealed_before_thumbprints_still_open() -> None:
    legacy = jwe.JWE(
        json.dumps(PAYLOAD).encode(),
        protected=json.dumps({"alg": ALG, "enc": ENC, "kid": "jobcenter"}),
    )
    legacy.add_recipient(jwk.JWK.from_pem(OLD[1]))
    token = str(legacy.serialize(compact=True))
    assert sealed_kid(token) == "jobcenter"
    assert unseal(token, [NEW[0], OLD[0]]) == PAYLOAD


@pytest.mark.parametrize("token", ["", "x", "!!!.a.b.c.d", "e30.a.b.c.d", "W10.a.b.c.d"])
def test_no_kid_is_read_from_garbage(token: str) -> None:
    assert sealed_kid(token) is None
