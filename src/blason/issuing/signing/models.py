"""The keys an issuer signs with (``SigningKey``)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from blason.core.models import Issuer


class KeyAlgorithm(models.TextChoices):
    ED25519 = "Ed25519", "Ed25519"  # Data Integrity (eddsa-rdfc-2022)
    RSA = "RSA", "RSA"  # OB 2.0 signed assertions and VC-JWT (RS256)
    P256 = "P-256", "P-256"  # VC-JWT (ES256)


class SigningKey(models.Model):
    """An issuer's signing key. The private half is sealed with the KEK (``core.keystore``).

    Keys are never deleted: a rotated key is *retired* (no longer signs) but its public half
    stays published so that every badge it signed still verifies.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="signing_keys")
    algorithm = models.CharField(max_length=10, choices=KeyAlgorithm.choices)
    # Fragment of the verification method id, e.g. "key-3f9c1a2b": <issuer id>#<fragment>.
    fragment = models.CharField(max_length=80)
    public_jwk = models.JSONField()
    public_multikey = models.CharField(max_length=200, blank=True)
    private_key_sealed = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["issuer", "algorithm", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "fragment"], name="issuing_key_fragment"),
            models.UniqueConstraint(
                fields=["issuer", "algorithm"],
                condition=models.Q(retired_at__isnull=True),
                name="issuing_one_active_key_per_algorithm",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.algorithm} #{self.fragment}"
