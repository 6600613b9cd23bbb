"""Badges an issuer designs. (Awards, keys and documents arrive with the issuing capability.)"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from blason.core.models import Issuer


class BadgeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


def badge_image_path(instance: BadgeClass, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"badges/{instance.uuid}.{extension}"


class BadgeClass(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="badges")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    criteria = models.TextField(_("criteria"), help_text=_("What a person did to earn it."))
    image = models.FileField(_("image"), upload_to=badge_image_path, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=BadgeStatus.choices, default=BadgeStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
