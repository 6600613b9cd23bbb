"""Badges an issuer designs. (Awards, keys and documents arrive with the issuing capability.)"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from blason.core.models import Issuer


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


class Award(models.Model):
    """A badge awarded to a person. ``credential`` is the OB 3.0 credential exactly as signed:
    it is served byte for byte and never re-serialised."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="awards")
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="awards")
    recipient_email = models.EmailField(_("recipient's e-mail address"))
    recipient_name = models.CharField(_("recipient's name"), max_length=200, blank=True)
    narrative = models.TextField(_("why it is awarded"), blank=True)
    credential = models.TextField()
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

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "status_index"], name="issuing_award_index")
        ]

    def __str__(self) -> str:
        return f"{self.badge} → {self.recipient_name or self.recipient_email}"


class StatusListCache(models.Model):
    """The issuer's signed Bitstring Status List credential, re-signed when an award is revoked."""

    issuer = models.OneToOneField(Issuer, on_delete=models.CASCADE, related_name="status_list")
    credential = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"status list of {self.issuer}"
