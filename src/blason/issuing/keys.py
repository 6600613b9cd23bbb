"""Issuers' signing keys: creation, rotation and use. Private keys exist in clear only in memory."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.utils import timezone

from blason.core import audit, keystore
from blason.core.models import Issuer
from blason.issuing.models import KeyAlgorithm, SigningKey

if TYPE_CHECKING:
    from obcore.keys import Algorithm, KeyPair


def _new_key(issuer: Issuer, algorithm: str) -> SigningKey:
    from obcore.keys import generate_key

    pair = generate_key(cast("Algorithm", algorithm))
    # Multikeys are published under "<issuer>#<publicKeyMultibase>", the form every verifier
    # finds (1EdTech's validator looks keys up that way); RSA keys get a short name.
    multikey = pair.to_multikey() if algorithm != KeyAlgorithm.RSA else ""
    return SigningKey.objects.create(
        issuer=issuer,
        algorithm=algorithm,
        fragment=multikey or f"key-{secrets.token_hex(4)}",
        public_jwk=pair.to_public_jwk(),
        public_multikey=multikey,
        private_key_sealed=keystore.seal(pair.private_pem()),
    )


@transaction.atomic
def signing_key_for(issuer: Issuer, algorithm: str = KeyAlgorithm.ED25519) -> SigningKey:
    """The issuer's active key for ``algorithm``, created on first use."""
    Issuer.objects.select_for_update().filter(pk=issuer.pk).first()  # one creator at a time
    key = SigningKey.objects.filter(
        issuer=issuer, algorithm=algorithm, retired_at__isnull=True
    ).first()
    return key or _new_key(issuer, algorithm)


@transaction.atomic
def signing_key_rotate(*, issuer: Issuer, algorithm: str, actor: Any) -> SigningKey:
    """Retire the active key (it stays published) and create a new one."""
    Issuer.objects.select_for_update().filter(pk=issuer.pk).first()
    SigningKey.objects.filter(issuer=issuer, algorithm=algorithm, retired_at__isnull=True).update(
        retired_at=timezone.now()
    )
    key = _new_key(issuer, algorithm)
    audit.record(
        action="issuing.key.rotated",
        actor=actor,
        issuer=issuer,
        target=key,
        data={"algorithm": algorithm, "fragment": key.fragment},
    )
    return key


def public_keys(issuer: Issuer) -> list[SigningKey]:
    """Every key of the issuer, active and retired: badges signed by old keys stay valid."""
    return list(SigningKey.objects.filter(issuer=issuer).order_by("created_at"))


def private_key(key: SigningKey) -> KeyPair:
    """Unseal the key for signing. Raises ``keystore.KeyStoreError`` with a clear message."""
    from obcore.keys import key_from_pem

    return key_from_pem(keystore.unseal(bytes(key.private_key_sealed)))


def reseal_all() -> int:
    """Re-encrypt every stored private key with the first KEK. Returns how many."""
    count = 0
    for key in SigningKey.objects.only("pk", "private_key_sealed").iterator():
        sealed = keystore.reseal(bytes(key.private_key_sealed))
        SigningKey.objects.filter(pk=key.pk).update(private_key_sealed=sealed)
        count += 1
    return count
