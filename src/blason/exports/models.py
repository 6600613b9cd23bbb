"""What an import of another Blason's export keeps (docs/exports-format.md): the archive of the
credentials that Blason signed, byte for byte, read-only in the space that imported them.

They stay valid because they name the original issuer's addresses (its profile, keys and
status list): the keys never travel, so this site cannot sign, re-sign or revoke them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from blason.core.models import Issuer


class Archive(models.Model):
    """One import: where it came from and what it brought."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="+")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveSmallIntegerField()
    site = models.URLField(max_length=500)  # the Blason the export came from
    source_issuer = models.CharField(max_length=1000)  # the original issuer's profile address
    source_name = models.CharField(max_length=200)
    exported_at = models.DateTimeField()
    sha256 = models.CharField(max_length=64)
    badges = models.PositiveIntegerField(default=0)
    awards = models.PositiveIntegerField(default=0)
    endorsements = models.PositiveIntegerField(default=0)
    # The pathways and claim links made again from the file: {"pathways": {id in the file:
    # uuid here}, "claimLinks": {…}} (imports before they were remade kept the file's entries).
    kept = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import of {self.source_name} into {self.issuer_id}"


class ArchivedKind(models.TextChoices):
    AWARD = "award", _("Award")
    ENDORSEMENT = "endorsement", _("Endorsement")


class ArchivedCredential(models.Model):
    """A credential another Blason signed, kept exactly as signed (``credential``)."""

    archive = models.ForeignKey(Archive, on_delete=models.CASCADE, related_name="credentials")
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=ArchivedKind.choices)
    # The badge of this space made from the export's badge it was awarded for (awards).
    badge = models.ForeignKey(
        "issuing.BadgeClass", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    original_id = models.CharField(max_length=1000)  # its id in the export (the award's uuid)
    credential = models.TextField()
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)  # as the export said
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_email = models.EmailField(blank=True)
    recipient_phone = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "original_id"], name="exports_archived_once"
            )
        ]
        indexes = [models.Index(fields=["issuer", "-issued_at"], name="exports_archived_recent")]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_id}"
