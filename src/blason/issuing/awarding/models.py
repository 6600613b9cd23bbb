"""The badges an issuer awards: one at a time (``Award``, with its ``Evidence``), from a
spreadsheet (``AwardBatch`` and its ``BatchRows``), and the signed status lists recording
revocations (``StatusListCache``)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from blason.core.models import Issuer
from blason.core.storage import private_storage
from blason.issuing.badges.models import BadgeClass


class RecipientKind(models.TextChoices):
    EMAIL = "email", _("E-mail address")
    PHONE = "phone", _("Phone number")
    NAME = "name", _("Name only (a claim code is printed)")


class SignedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column (migrations see a ``TextField``) that Django's PostgreSQL bulk insert
    sends as one parameter per row rather than in one array per column (``UNNEST``): psycopg
    quotes array items in Python, one regular expression each, and a credential is a few kB of
    JSON full of quotes: a third of a bulk award's time went there."""

    def get_placeholder(self, value: Any, compiler: Any, connection: Any) -> str:
        return "%s"

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


class Award(models.Model):
    """A badge awarded to a person. ``credential`` is the OB 3.0 credential exactly as signed:
    it is served byte for byte and never re-serialised.

    The recipient is known by an e-mail address, a phone number or only a name; in every case
    ``claim_code`` lets them collect the badge into a backpack (typed on a phone, or in the
    e-mailed link), and the documents carry only a salted hash of the identifier.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No index of their own for badge, issuer and batch: composite indexes of Meta begin with
    # each (every index is written by each of a bulk award's 100,000 awards: migration 0012).
    badge = models.ForeignKey(
        BadgeClass, on_delete=models.PROTECT, related_name="awards", db_index=False
    )
    issuer = models.ForeignKey(
        Issuer, on_delete=models.PROTECT, related_name="awards", db_index=False
    )
    recipient_kind = models.CharField(
        _("recipient known by"),
        max_length=10,
        choices=RecipientKind.choices,
        default=RecipientKind.EMAIL,
    )
    recipient_email = models.EmailField(_("recipient's e-mail address"), blank=True)
    recipient_phone = models.CharField(_("recipient's phone number"), max_length=32, blank=True)
    recipient_name = models.CharField(_("recipient's name"), max_length=200, blank=True)
    recipient_language = models.CharField(max_length=10, blank=True)
    # The salt of the identity hash in the credential, reused by the OB 2.0 assertion.
    recipient_salt = models.CharField(max_length=64, blank=True)
    narrative = models.TextField(_("why it is awarded"), blank=True)
    credential = SignedTextField()
    status_list = models.PositiveSmallIntegerField(default=1)
    status_index = models.PositiveIntegerField()
    issued_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(_("reason"), max_length=300, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Short code ("7KQ2-M9XD") the recipient types to collect the badge; unique site-wide.
    claim_code = models.CharField(max_length=16, unique=True, null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claimed_awards",
        db_index=False,  # indexed for claimed awards only: see Meta
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(
        "AwardBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="awards",
        db_index=False,
    )
    # Makes awarding idempotent: the same spreadsheet row, claim or request never awards twice.
    idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "status_list", "status_index"], name="issuing_award_index"
            ),
            models.UniqueConstraint(
                fields=["badge", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="issuing_award_idempotent",
            ),
        ]
        indexes = [
            # The list's order with its tie-breaker: every page of keyset pagination is one
            # index range (blason.core.keyset); the same for one badge and for revoked awards.
            models.Index(fields=["issuer", "-issued_at", "-id"], name="issuing_award_listed"),
            models.Index(fields=["badge", "-issued_at", "-id"], name="issuing_award_badge_listed"),
            models.Index(
                fields=["batch", "recipient_name", "id"], name="issuing_award_batch_names"
            ),
            models.Index(
                fields=["issuer", "-issued_at", "-id"],
                condition=models.Q(revoked_at__isnull=False),
                name="issuing_award_revoked_listed",
            ),
            # Every lookup by the person who claimed names one, and a bulk award's awards are
            # all unclaimed: no index entry for them.
            models.Index(
                fields=["claimed_by"],
                condition=models.Q(claimed_by__isnull=False),
                name="issuing_award_claimed",
            ),
            # Not on PostgreSQL, where migration 0013 drops them: the ``varchar_pattern_ops``
            # indexes of 0010 serve equality there too. SQLite's "starts with" needs these.
            models.Index(fields=["recipient_email"], name="issuing_award_email"),
            models.Index(fields=["recipient_phone"], name="issuing_award_phone"),
        ]

    def __str__(self) -> str:
        return f"{self.badge} → {self.recipient_display}"

    @property
    def recipient_display(self) -> str:
        return self.recipient_name or self.recipient_email or self.recipient_phone


def evidence_path(instance: Evidence, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.uuid}.{extension}"


class Evidence(models.Model):
    """What shows the person earned the badge: a link, a text, a file (or several), signed into
    the credential as OB 3.0 ``Evidence``. Files are served at a public, unguessable address."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="evidence")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("title"), max_length=200, blank=True)
    narrative = models.TextField(_("description"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=evidence_path, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["award", "position"]

    def __str__(self) -> str:
        return self.name or self.url or self.file_name or str(self.uuid)


class BatchStatus(models.TextChoices):
    READING = "reading", _("Reading the file")
    REFUSED = "refused", _("File not readable")
    CHECKED = "checked", _("Checked, waiting for confirmation")
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Awarding")
    DONE = "done", _("Done")
    FAILED = "failed", _("Stopped by an error")
    CANCELLED = "cancelled", _("Cancelled")


def batch_source_path(instance: AwardBatch, filename: str) -> str:
    return f"batches/{instance.uuid}"


class AwardBatch(models.Model):
    """Awarding from a spreadsheet: uploaded, read and checked row by row by a background task
    (nothing issued while any row is wrong), then confirmed and awarded by a background task
    that reports its progress.

    The uploaded file waits in private storage (``source_file``) until it is read; the cleaned
    rows are kept apart, in ``BatchRows`` (``batch.rows`` reads them); ``source_sha256``
    recognises a file submitted again for the same badge.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="award_batches")
    badge = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    source_name = models.CharField(max_length=255)
    source_sha256 = models.CharField(max_length=64)
    # The file as sent, while READING only: deleted once read (its cells are then in mapping).
    source_file = models.FileField(upload_to=batch_source_path, storage=private_storage, blank=True)
    mapping = models.JSONField(default=dict)
    narrative = models.TextField(blank=True)
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        max_length=20, choices=BatchStatus.choices, default=BatchStatus.CHECKED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker (``WorkerHeartbeat.worker_id``) reading it while READING, awarding it while
    # RUNNING: when that worker stops beating, another one takes the batch back.
    runner = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("award batch")
        verbose_name_plural = _("award batches")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["badge", "source_sha256"], name="issuing_batch_source")]

    def __str__(self) -> str:
        return f"{self.badge}: {self.source_name}"

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The cleaned rows of the file (``BatchRows.rows``); none before it is read."""
        try:
            rows: list[dict[str, Any]] = self.content.rows
        except BatchRows.DoesNotExist:
            return []
        return rows


class BatchRows(models.Model):
    """The cleaned rows of an ``AwardBatch`` ({"line", "email", "phone", "name", "language",
    "narrative", "evidence"}, and "problems" and "holder" while checked).

    Kept out of the batch's own row, which the awarding task updates after every chunk: SQLite
    rewrites a whole row on update, and a 100,000-line file is megabytes of JSON.
    """

    batch = models.OneToOneField(
        AwardBatch, on_delete=models.CASCADE, primary_key=True, related_name="content"
    )
    rows = models.JSONField(default=list)

    class Meta:
        verbose_name = _("award batch rows")
        verbose_name_plural = _("award batch rows")

    def __str__(self) -> str:
        return str(self.batch)


class StatusListCache(models.Model):
    """An issuer's signed Bitstring Status List credential (list 1, 2, … of 131,072 entries
    each) and the revision of the list it was built from.

    Every revocation on the list adds one to ``revision`` in the revocation's own transaction;
    a read serves ``credential`` only when ``built_revision`` equals ``revision``, and otherwise
    builds the list again from the committed awards (see ``awards.status_list_credential``).
    """

    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="status_lists")
    number = models.PositiveSmallIntegerField(default=1)
    revision = models.PositiveBigIntegerField(default=0)
    built_revision = models.PositiveBigIntegerField(null=True, blank=True)
    credential = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "number"], name="issuing_status_list_number")
        ]

    def __str__(self) -> str:
        return f"status list {self.number} of {self.issuer}"
