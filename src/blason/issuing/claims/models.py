"""Claim links for events (``ClaimLink``) and the ``Claim`` each visitor makes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from blason.core.models import Issuer
from blason.issuing.awarding.models import Award
from blason.issuing.badges.models import BadgeClass


class ClaimLink(models.Model):
    """A link (and QR code on a printable poster) through which people at an event claim a
    badge themselves, within a time window and up to a number of claims, optionally approved
    by an awarder before anything is issued."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="claim_links")
    badge = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="claim_links")
    token = models.CharField(max_length=64, unique=True)
    title = models.CharField(_("event"), max_length=200, blank=True)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    max_claims = models.PositiveIntegerField(_("maximum number of claims"), null=True, blank=True)
    requires_approval = models.BooleanField(_("an awarder approves each claim"), default=False)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("claim link")
        verbose_name_plural = _("claim links")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["issuer", "-created_at", "-id"], name="issuing_claimlink_listed"),
        ]

    def __str__(self) -> str:
        return self.title or str(self.badge)


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    ISSUED = "issued", _("Awarded")
    REFUSED = "refused", _("Refused")


class Claim(models.Model):
    """One person's claim through a claim link."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    link = models.ForeignKey(ClaimLink, on_delete=models.CASCADE, related_name="claims")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=32, blank=True)
    language = models.CharField(max_length=10, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    award = models.OneToOneField(
        Award, null=True, blank=True, on_delete=models.SET_NULL, related_name="claim"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at"]
        indexes = [
            # The list's order with its tie-breaker: every page of keyset pagination is one
            # index range (blason.core.keyset), with or without a status.
            models.Index(fields=["link", "-created_at", "-id"], name="issuing_claim_listed"),
            models.Index(
                fields=["link", "status", "-created_at", "-id"],
                name="issuing_claim_status_listed",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "email"],
                condition=~models.Q(email=""),
                name="issuing_claim_once_per_email",
            ),
            models.UniqueConstraint(
                fields=["link", "phone"],
                condition=~models.Q(phone=""),
                name="issuing_claim_once_per_phone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.link})"
