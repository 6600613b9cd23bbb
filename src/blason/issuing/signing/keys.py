"""Issuers' signing keys: creation, rotation and use. Private keys exist in clear only in memory.

Every issuer has its keys from the moment it exists: ``issuer_keys_create`` runs inside the
transaction that creates it (registered in ``core.hooks.ISSUER_CREATED`` by the app's
``ready()``), and migration ``0009_issuer_keys`` gave them to the issuers made before. Signing
reads the active key with ``active_key``, which never writes: a page or a download never
creates a key, and a missing one is reported (:class:`KeyMissing`), not made on the way.
Rotation (``signing_key_rotate``) retires the active key and makes a new one;
``missing_keys_create`` (``blason create_missing_keys``) makes the keys of an issuer created
some other way. Each key made leaves an audit entry (``issuing.key.created``,
``issuing.key.rotated``).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.core import audit, keystore
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer
from blason.issuing.signing.models import KeyAlgorithm, SigningKey

if TYPE_CHECKING:
    from obcore.keys import Algorithm, KeyPair

# The keys every issuer has: Ed25519 signs its credentials, endorsements and status lists
# (Data Integrity, eddsa-rdfc-2022); RSA signs the RS256 forms (VC-JWT, OB 2.0 signed
# assertions). Nothing signs with P-256, so no issuer gets one unless it is made by rotation.
ISSUER_ALGORITHMS: tuple[str, ...] = (KeyAlgorithm.ED25519, KeyAlgorithm.RSA)


class KeyMissing(ActionRefused):
    """The issuer has no active key for the algorithm (which should not happen: keys are made
    with the issuer). ``str(exc)`` says so to the person, in their language."""

    def __init__(self, issuer: Issuer, algorithm: str) -> None:
        super().__init__(
            _(
                "One of this space's signing keys is missing, so nothing can be signed in its "
                "name right now. Please tell the site's team."
            )
        )
        self.issuer = issuer
        self.algorithm = algorithm


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


def active_key(issuer: Issuer, algorithm: str = KeyAlgorithm.ED25519) -> SigningKey:
    """The issuer's active key for ``algorithm``. Reads only; raises :class:`KeyMissing`."""
    key = SigningKey.objects.filter(
        issuer=issuer, algorithm=algorithm, retired_at__isnull=True
    ).first()
    if key is None:
        raise KeyMissing(issuer, algorithm)
    return key


@transaction.atomic
def issuer_keys_create(*, issuer: Issuer, actor: Any = None) -> list[SigningKey]:
    """Make the keys of ``ISSUER_ALGORITHMS`` that the issuer has no active key for, one audit
    entry each; returns them. Run when the issuer is created (``core.hooks.ISSUER_CREATED``)."""
    Issuer.objects.select_for_update().filter(pk=issuer.pk).first()  # one creator at a time
    active = set(
        SigningKey.objects.filter(issuer=issuer, retired_at__isnull=True).values_list(
            "algorithm", flat=True
        )
    )
    made = []
    for algorithm in ISSUER_ALGORITHMS:
        if algorithm in active:
            continue
        key = _new_key(issuer, algorithm)
        audit.record(
            action="issuing.key.created",
            actor=actor,
            issuer=issuer,
            target=key,
            data={"algorithm": algorithm, "fragment": key.fragment},
        )
        made.append(key)
    return made


def missing_keys_create() -> list[SigningKey]:
    """Make the keys that issuers lack (``blason create_missing_keys``), one transaction per
    issuer; returns them. Keys are made with each issuer: this is for one created otherwise."""
    lacking = Q()
    for algorithm in ISSUER_ALGORITHMS:
        active = SigningKey.objects.filter(
            issuer=OuterRef("pk"), algorithm=algorithm, retired_at__isnull=True
        )
        lacking |= Q(~Exists(active))
    made: list[SigningKey] = []
    for issuer in Issuer.objects.filter(lacking).order_by("pk"):
        made += issuer_keys_create(issuer=issuer, actor=None)
    return made


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
