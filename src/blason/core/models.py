"""Tenancy (issuers and their members) and the audit log.

An *issuer* is the tenant: an organisation, a community (collectif) or an individual. Every
object that belongs to an issuer is reached through a membership check (see ``access.py``).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blason.core.territory import (
    validate_commune,
    validate_departement,
    validate_region,
    validate_rna,
    validate_siret,
)


class IssuerKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    COMMUNITY = "community", _("Community")
    INDIVIDUAL = "individual", _("Individual")
    # A network of issuers on a territory (``blason.networks``): it signs its own documents
    # (the list of the issuers it recognises, endorsements) with its own keys.
    NETWORK = "network", _("Network of issuers")


class Role(models.TextChoices):
    """Roles on an issuer, from the most to the least powerful."""

    OWNER = "owner", _("Owner")
    EDITOR = "editor", _("Editor")
    AWARDER = "awarder", _("Awarder")
    REVIEWER = "reviewer", _("Reviewer")
    VIEWER = "viewer", _("Viewer")


class Issuer(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=IssuerKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by an operator (staff): the space may e-mail up to MAIL_QUOTA_TRUSTED_SPACE_PER_DAY
    # people a day instead of MAIL_QUOTA_NEW_SPACE_PER_DAY (see blason.core.quotas).
    mail_trusted = models.BooleanField(_("trusted to send e-mail"), default=False)
    # Where the issuer is (OB 3.0 ``Profile.address``), as INSEE codes of the official
    # geographic code: commune (5 characters), département (2 or 3) and région (2 digits).
    commune_code = models.CharField(
        _("commune (INSEE code)"), max_length=5, blank=True, validators=[validate_commune]
    )
    departement_code = models.CharField(
        _("département"), max_length=3, blank=True, validators=[validate_departement]
    )
    region_code = models.CharField(
        _("région"), max_length=2, blank=True, validators=[validate_region]
    )
    # Official identifiers (OB 3.0 ``Profile.otherIdentifier``, types ``ext:SIRET``,
    # ``ext:RNA``): the SIRET of an establishment, the RNA number of an association.
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    rna = models.CharField(_("RNA number"), max_length=10, blank=True, validators=[validate_rna])

    class Meta:
        verbose_name = _("issuer")
        verbose_name_plural = _("issuers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "user"], name="core_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.issuer} ({self.role})"


class AuditEntry(models.Model):
    """Who did what, when. Written by services, never edited."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=100, db_index=True)  # dotted: "issuing.award.issued"
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept when the actor's account is deleted, so the log still reads.
    actor_label = models.CharField(max_length=200, blank=True)
    issuer = models.ForeignKey(
        Issuer, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_entries"
    )
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["issuer", "-created_at"], name="core_audit_issuer_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


def _invitation_expiry() -> datetime:
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """An e-mailed invitation to join an issuer with a role; accepted once, within 14 days."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.issuer} ({self.role})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("No longer needed")
    REFUSED = "refused", _("Not sent: too many messages")


class OutboxMessage(models.Model):
    """One message to deliver (an e-mail or, ``kind`` "sms", an SMS), written in the same
    transaction as what it tells.

    Delivered at least once by the workers (``blason.core.outbox``): retried until the mail
    server accepts it, marked sent right after. ``key`` names the message once and for all
    (its Message-ID is derived from it), so a message recorded twice is sent once. The text is
    rendered when the message is recorded, or at delivery by a registered ``renderer`` (bulk
    awards: ``render_args`` then names what to render).
    """

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, default="email")
    to = models.CharField(max_length=320)
    from_email = models.CharField(max_length=320, blank=True)
    subject = models.TextField(blank=True)
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    renderer = models.CharField(max_length=80, blank=True)
    render_args = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=200, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # SMS: who is counted for the rate limit ("issuer:<uuid>"), and whether it may be sent
    # in the quiet hours (a code a person is waiting for).
    scope = models.CharField(max_length=80, blank=True)
    urgent = models.BooleanField(default=False)
    # What the message belongs to, for pages that count them ("batch:<uuid>": a bulk award).
    topic = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="core_outbox_due"),
            models.Index(fields=["kind", "to", "created_at"], name="core_outbox_kind_to"),
            models.Index(fields=["kind", "scope", "created_at"], name="core_outbox_kind_scope"),
            models.Index(fields=["topic", "state"], name="core_outbox_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.to} ({self.state})"


class PendingTask(models.Model):
    """A task to hand to the queue, written in the same transaction as the work it stands for.

    Handed over after the commit (and removed); if the queue cannot be reached then (Redis
    down), a worker hands it over later (``blason.core.tasks.relay_pending``).
    """

    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.task}({self.kwargs})"


class WorkerHeartbeat(models.Model):
    """A running ``blason worker``: it updates ``beat_at`` every few seconds and deletes its
    row when it stops. A row whose beat is older than ``WORKER_DEAD_SECONDS`` is a dead worker:
    the others take its work back (``blason.core.worker``)."""

    worker_id = models.CharField(max_length=200, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    backend = models.CharField(max_length=20, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.beat_at:%H:%M:%S})"


class MailScope(models.TextChoices):
    SPACE = "space", _("Space")
    ACCOUNT = "account", _("Account")


class MailCount(models.Model):
    """How many people a space or an account had e-mailed on a day (UTC): the quotas."""

    scope = models.CharField(max_length=10, choices=MailScope.choices)
    ref = models.BigIntegerField()  # the issuer's or the user's primary key
    day = models.DateField()
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "ref", "day"], name="core_mailcount_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.ref} {self.day}: {self.sent}"


class AbuseReport(models.Model):
    """A message reported by its recipient (the link at the bottom of every e-mail)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    issuer = models.ForeignKey(
        Issuer, null=True, blank=True, on_delete=models.SET_NULL, related_name="abuse_reports"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="abuse_reports",
    )
    kind = models.CharField(max_length=100, blank=True)  # the message's template
    recipient = models.EmailField(blank=True)
    message = models.TextField(blank=True)
    reporter_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"report {self.uuid}"
