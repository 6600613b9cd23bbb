"""Pathways (parcours): a tree of steps over badges that leads somewhere, and each person's way
along it.

A ``Pathway`` belongs to an issuer and has one root ``Step``; a step's ``Requirement`` rows are
badges (one of this site's, or any issuer's, known by its Open Badges achievement id, so that
badges imported into a backpack count) or sub-steps. A step is reached when all its
requirements are met, or ``required`` of them ("n of m"); the pathway is completed when its
root step is. The order is shown, never enforced.

``Progress`` is what the engine (``engine.progress_recompute``) last found for one person in one
pathway; ``Milestone`` records each milestone or completion badge issued to a person, once per
(step, person), and whether a revocation since calls it into question.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from blason.core.models import Issuer


class PathwayStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Rule(models.TextChoices):
    ALL = "all", _("All of them")
    N_OF = "n_of", _("A number of them")


def pathway_image_path(instance: Pathway, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"pathways/{instance.uuid}.{extension}"


class Pathway(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="pathways")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    image = models.FileField(_("image"), upload_to=pathway_image_path, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PathwayStatus.choices, default=PathwayStatus.DRAFT
    )
    # Public: listed on the issuer's page and open to anyone; otherwise shown only to the
    # people who hold one of its badges and to the space's members.
    public = models.BooleanField(_("public"), default=True)
    completion_badge = models.ForeignKey(
        "issuing.BadgeClass",
        verbose_name=_("completion badge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # ROME 4.0 codes of the occupations it leads to (``blason.issuing.alignments``'s pattern).
    occupations = models.JSONField(_("occupations"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pathway")
        verbose_name_plural = _("pathways")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="steps")
    # None for the root step (one per pathway); a sub-step is also a requirement of its parent.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    rule = models.CharField(_("rule"), max_length=10, choices=Rule.choices, default=Rule.N_OF)
    required = models.PositiveSmallIntegerField(_("how many are needed"), null=True, blank=True)
    milestone_badge = models.ForeignKey(
        "issuing.BadgeClass",
        verbose_name=_("milestone badge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    how_to_url = models.URLField(_("how to get it (link)"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["pathway", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway"],
                condition=models.Q(parent__isnull=True),
                name="pathways_one_root_step",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def needed(self, count: int) -> int:
        """How many of its ``count`` requirements must be met."""
        if self.rule == Rule.ALL or self.required is None:
            return count
        return max(0, min(self.required, count))


class Requirement(models.Model):
    """One thing a step asks for: a badge (``badge`` for one of this site's, otherwise its
    ``achievement_id``) or a sub-step (``child``)."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="requirements")
    position = models.PositiveSmallIntegerField(default=0)
    badge = models.ForeignKey(
        "issuing.BadgeClass", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The OB 3.0 Achievement id, or the OB 2.0 BadgeClass id, of the badge; for a badge of this
    # site, its OB 3.0 id (``ob2_id``: its OB 2.0 one).
    achievement_id = models.CharField(max_length=1000, blank=True, db_index=True)
    ob2_id = models.CharField(max_length=1000, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=300, blank=True)
    child = models.OneToOneField(
        Step, null=True, blank=True, on_delete=models.CASCADE, related_name="as_requirement"
    )
    how_to_url = models.URLField(_("how to get it (link)"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["step", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(child__isnull=False, badge__isnull=True, achievement_id="")
                    | (models.Q(child__isnull=True) & ~models.Q(achievement_id=""))
                ),
                name="pathways_requirement_badge_or_step",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.achievement_id

    @property
    def is_step(self) -> bool:
        return self.child_id is not None


class Progress(models.Model):
    """Where one person stands in one pathway, as last computed: ``done`` of the root step's
    ``needed`` requirements met, ``held`` of its ``badges`` held."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="progress")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pathway_progress"
    )
    done = models.PositiveSmallIntegerField(default=0)
    needed = models.PositiveSmallIntegerField(default=0)
    held = models.PositiveSmallIntegerField(default=0)
    badges = models.PositiveSmallIntegerField(default=0)
    # The steps reached, by uuid (for the issuer's funnel).
    steps_done = models.JSONField(default=list, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    followed = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("progress in a pathway")
        verbose_name_plural = _("progress in pathways")
        ordering = ["pathway", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "user"], name="pathways_progress_once")
        ]
        indexes = [models.Index(fields=["user", "pathway"], name="pathways_progress_user")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.pathway_id}: {self.done}/{self.needed}"


class Decision(models.TextChoices):
    NONE = "", _("Not decided")
    KEPT = "kept", _("Kept")
    REVOKED = "revoked", _("Revoked")


class Milestone(models.Model):
    """A milestone badge (or, for the root step, the completion badge) issued to a person:
    once per (step, person), whatever happens at the same moment elsewhere. When a badge the
    step relied on is revoked, the milestone is flagged for the issuer to decide; it is never
    revoked by itself."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="milestones")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pathway_milestones"
    )
    award = models.ForeignKey(
        "issuing.Award", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    achieved_at = models.DateTimeField(auto_now_add=True)
    flagged_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("milestone reached")
        verbose_name_plural = _("milestones reached")
        ordering = ["step", "id"]
        constraints = [
            models.UniqueConstraint(fields=["step", "user"], name="pathways_milestone_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.step}"
