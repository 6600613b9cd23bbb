"""Learner records: what a person takes away from their backpack.

* ``SiteSigner``: the issuer profile that signs, in the site's name, the records (CLR 2.0) a
  person exports. One row, made by ``services.site_signer_ensure`` after each ``migrate``
  (never by a page).
* ``VaeDossier``: a VAE evidence file (validation des acquis de l'expérience): a target
  certification (an RNCP code, its title, its blocs de compétences when known, the occupations
  it leads to), and the person's badges in the order they chose, each with what they did
  (``VaeEntry``) and an optional evidence file.
* ``CounsellorLink``: a read-only link to one dossier for a counsellor (Mission Locale, VAE
  adviser), signed, expiring and revocable.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SiteSigner(models.Model):
    """The site's own issuer profile, which signs exported records."""

    issuer = models.OneToOneField(
        "core.Issuer", on_delete=models.PROTECT, related_name="site_signer"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("site signer")
        verbose_name_plural = _("site signers")

    def __str__(self) -> str:
        return str(self.issuer)


class VaeDossier(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vae_dossiers"
    )
    rncp_code = models.CharField(_("RNCP code"), max_length=12)
    title = models.CharField(_("title of the certification"), max_length=300)
    # [{"code": "RNCP34826BC01", "name": "..."}], as the person typed them.
    blocs = models.JSONField(_("blocs de compétences"), default=list, blank=True)
    # ROME codes of the occupations the certification leads to: ["M1601", ...].
    occupations = models.JSONField(_("occupations"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("VAE evidence file")
        verbose_name_plural = _("VAE evidence files")
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.rncp_code} {self.title}"


class VaeEntry(models.Model):
    """One badge of a dossier, in its place, with what the person did."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(VaeDossier, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey("backpack.Item", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    narrative = models.TextField(_("what I did"), blank=True)
    bloc = models.CharField(_("bloc de compétences"), max_length=40, blank=True)
    # An evidence file of the person's (a photo, a document): private, kept in the database.
    file = models.BinaryField(null=True, blank=True, editable=False)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("badge of a VAE file")
        verbose_name_plural = _("badges of a VAE file")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "item"], name="records_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} / {self.item_id}"


class CounsellorLink(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(VaeDossier, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(_("for whom"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("open until"))
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("counsellor link")
        verbose_name_plural = _("counsellor links")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.label

    @property
    def is_open(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
