"""Issuers' signing keys are sealed at rest, rotate without losing old public keys, and the
key-encryption key itself can be rotated."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet

from blason.core import keystore
from blason.issuing import keys
from blason.issuing.models import SigningKey
from tests.factories import IssuerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("algorithm", ["Ed25519", "RSA", "P-256"])
def test_key_is_created_once_and_sealed(algorithm: str) -> None:
    issuer = IssuerFactory()
    key = keys.signing_key_for(issuer, algorithm)
    assert keys.signing_key_for(issuer, algorithm) == key
    sealed = bytes(SigningKey.objects.get(pk=key.pk).private_key_sealed)
    assert b"PRIVATE KEY" not in sealed
    pair = keys.private_key(key)
    signature = pair.sign(b"hello")
    assert pair.public_only().verify(signature, b"hello")
    assert pair.to_public_jwk() == key.public_jwk


def test_rotation_keeps_old_public_keys() -> None:
    issuer, owner = IssuerFactory(), UserFactory()
    old = keys.signing_key_for(issuer)
    new = keys.signing_key_rotate(issuer=issuer, algorithm="Ed25519", actor=owner)
    old.refresh_from_db()
    assert old.retired_at is not None
    assert new.retired_at is None
    assert keys.signing_key_for(issuer) == new
    assert SigningKey.objects.filter(issuer=issuer).count() == 2
    assert old.public_multikey != new.public_multikey


def test_kek_rotation(settings: Any) -> None:
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.KEY_ENCRYPTION_KEYS = [first]
    key = keys.signing_key_for(IssuerFactory())
    settings.KEY_ENCRYPTION_KEYS = [second, first]
    assert keys.reseal_all() == 1
    settings.KEY_ENCRYPTION_KEYS = [second]
    key.refresh_from_db()
    assert keys.private_key(key).algorithm == "Ed25519"
    settings.KEY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(keystore.KeyStoreError, match="cannot be decrypted"):
        keys.private_key(key)
