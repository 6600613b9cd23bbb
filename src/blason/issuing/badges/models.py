"""The badges an issuer designs (``BadgeClass``)."""

from __future__ import annotations

import uuid

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
