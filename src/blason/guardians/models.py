"""A child's account and the parent or guardian who answers for it.

A person under the age of digital consent (``settings.DIGITAL_CONSENT_AGE``, 15 in France:
article 45 of the loi Informatique et Libertés, GDPR article 8) gets an account only once a
parent or guardian agrees. Until then the account is *held*: it exists, it cannot be used
(``User.is_active`` is false, so no way of signing in opens it), and it is deleted when the
parent refuses or does not answer within ``settings.GUARDIAN_CONSENT_DAYS``.

What is kept about the child's age: not the year of birth, only ``consent_until``, the last day
the child may still be under the age. The row itself — with the parent's address or number —
is deleted on that day (``services.purge``): from then on nothing says the account was a
child's.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def identity(user: Any) -> str:
    """What a person signs in with (an e-mail address or a phone number), as a parent is
    shown it."""
    return str(getattr(user, "email", "") or getattr(user, "phone", "") or "")


class GuardianshipState(models.TextChoices):
    HELD = "held", _("waiting for a parent's agreement")
    CONFIRMED = "confirmed", _("agreed by a parent")


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("text message")


class Guardianship(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardianship"
    )
    state = models.CharField(
        max_length=10, choices=GuardianshipState.choices, default=GuardianshipState.HELD
    )
    # The parent's e-mail address or phone number (E.164), as the child typed it; empty until
    # the child gives it.
    contact = models.CharField(max_length=254, blank=True)
    channel = models.CharField(max_length=5, choices=Channel.choices, blank=True)
    # The last day the child may be under the age of digital consent (the year of birth is
    # not kept): the parent's access ends, and this row goes, after it.
    consent_until = models.DateField()
    # A held account not confirmed by then is deleted.
    held_until = models.DateTimeField(null=True, blank=True)
    # Counters signed into the links (``links``): a link carries the value it was made with,
    # and using it moves the counter on, so each link works once.
    consent_version = models.PositiveIntegerField(default=0)
    access_version = models.PositiveIntegerField(default=0)
    message_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        indexes = [
            models.Index(fields=["state", "held_until"], name="guardians_held_idx"),
            models.Index(fields=["consent_until"], name="guardians_until_idx"),
            models.Index(fields=["contact"], name="guardians_contact_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.child} ({self.state})"

    @property
    def is_held(self) -> bool:
        return self.state == GuardianshipState.HELD
