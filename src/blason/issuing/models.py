"""Badges an issuer designs, the keys it signs with, and the badges it awards.

How awards reach people: one at a time (``Award``), from a spreadsheet (``AwardBatch``) or by a
claim link for events (``ClaimLink`` and the ``Claim`` each visitor makes).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from blason.core.models import Issuer
from blason.core.storage import private_storage


class BadgeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class AchievementType(models.TextChoices):
    """The OB 3.0 AchievementType vocabulary (the most useful first)."""

    BADGE = "Badge", _("Badge")
    ACHIEVEMENT = "Achievement", _("Achievement")
    COMPETENCY = "Competency", _("Competency")
    AWARD = "Award", _("Award")
    CERTIFICATE_OF_COMPLETION = "CertificateOfCompletion", _("Certificate of completion")
    COURSE = "Course", _("Course")
    COMMUNITY_SERVICE = "CommunityService", _("Community service")
    CO_CURRICULAR = "CoCurricular", _("Co-curricular activity")
    MEMBERSHIP = "Membership", _("Membership")
    MICRO_CREDENTIAL = "MicroCredential", _("Micro-credential")
    ASSESSMENT = "Assessment", _("Assessment")
    CERTIFICATE = "Certificate", _("Certificate")
    CERTIFICATION = "Certification", _("Certification")
    LEARNING_PROGRAM = "LearningProgram", _("Learning programme")
    FIELDWORK = "Fieldwork", _("Fieldwork")


class Validity(models.TextChoices):
    FOREVER = "forever", _("Does not expire")
    DURATION = "duration", _("Expires a number of days after it is awarded")
    DATE = "date", _("Expires on a date")


def badge_image_path(instance: BadgeClass, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"badges/{instance.uuid}.{extension}"


class BadgeClass(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="badges")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    criteria = models.TextField(_("criteria"), help_text=_("What a person did to earn it."))
    criteria_items = models.JSONField(_("criteria list"), default=list, blank=True)
    image = models.FileField(_("image"), upload_to=badge_image_path, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    achievement_type = models.CharField(
        _("kind of achievement"),
        max_length=40,
        choices=AchievementType.choices,
        default=AchievementType.BADGE,
    )
    validity = models.CharField(
        _("validity"), max_length=10, choices=Validity.choices, default=Validity.FOREVER
    )
    validity_days = models.PositiveIntegerField(_("days of validity"), null=True, blank=True)
    valid_until = models.DateField(_("expiry date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=BadgeStatus.choices, default=BadgeStatus.DRAFT
    )
    # [{"name", "url", "framework", "code", "description", "type"}]: OB 3.0 Alignment / OB 2.0
    # AlignmentObject (ESCO skills, ROME, RNCP and RS codes, or any framework).
    alignments = models.JSONField(_("alignments"), default=list, blank=True)
    # The language name/description/criteria are written in; ``translations`` holds the same
    # texts in the other languages: {"en": {"name", "description", "criteria", "criteria_items"}}.
    language = models.CharField(_("language"), max_length=10, default="fr")
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
    badge = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="awards")
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="awards")
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
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(
        "AwardBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="awards"
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
            models.Index(fields=["issuer", "-issued_at"], name="issuing_award_recent"),
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
