"""Pre-aggregated facts about awards, so that dashboards and the skills map read a few hundred
rows whatever the number of awards (``refresh.facts_rebuild`` writes them, see docs/insights.md).

A *scope* is what a figure is about: ``site`` (every issuer), ``issuer:<id>`` and
``network:<id>`` (a network's own space and its active members together). Additive counts
(awarded, claimed, shared) are kept per issuer, badge and month and summed on reading; counts
of distinct people are not additive, so they are kept per scope, badge and period (``all``,
``12m``, ``y2026``…), counted once by the refresh.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from blason.core.models import Issuer

SITE = "site"


def issuer_scope(issuer_id: int) -> str:
    return f"issuer:{issuer_id}"


def network_scope(network_id: int) -> str:
    return f"network:{network_id}"


class BadgeMonth(models.Model):
    """Awards of one badge in one month (by the month they were issued, in the site's zone)."""

    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="+")
    badge = models.ForeignKey("issuing.BadgeClass", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    awarded = models.PositiveIntegerField(default=0)
    claimed = models.PositiveIntegerField(default=0)
    shared = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "badge", "month"], name="insights_badgemonth_unique"
            )
        ]
        indexes = [models.Index(fields=["issuer", "month"], name="insights_badgemonth_issuer")]

    def __str__(self) -> str:
        return f"{self.badge_id} {self.month:%Y-%m}: {self.awarded}"


class PeriodTotal(models.Model):
    """The figures of a scope over a period, for one badge or (``badge`` null) all badges."""

    scope = models.CharField(max_length=40)
    badge = models.ForeignKey(
        "issuing.BadgeClass", null=True, on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(max_length=10)
    awarded = models.PositiveIntegerField(default=0)
    earners = models.PositiveIntegerField(default=0)
    claimed = models.PositiveIntegerField(default=0)
    shared = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)  # pathways completed (when they exist)

    class Meta:
        indexes = [models.Index(fields=["scope", "period"], name="insights_total_scope")]

    def __str__(self) -> str:
        return f"{self.scope} {self.period} {self.badge_id or '*'}: {self.awarded}"


class SkillCell(models.Model):
    """Distinct holders of a competence (an alignment of the badges they hold) in a territory.

    ``territory`` is a département code (2 or 3 characters), a commune's INSEE code (5), or ""
    for everywhere; ``code`` "" counts the people holding any aligned badge in the territory
    (the cells of the map), or with ``group`` set, any competence of that group."""

    scope = models.CharField(max_length=40)
    territory = models.CharField(max_length=5, blank=True)  # a département or a commune
    framework = models.CharField(max_length=20, blank=True)  # ROME, ESCO, RNCP, RS, other
    group = models.CharField(max_length=100, blank=True)  # ROME grand domaine, …
    code = models.CharField(max_length=500, blank=True)
    label = models.CharField(max_length=300, blank=True)
    holders = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["scope", "territory"], name="insights_skill_scope")]

    def __str__(self) -> str:
        return f"{self.scope} {self.territory or '*'} {self.code or '*'}: {self.holders}"


class Refresh(models.Model):
    """The one row saying how fresh the facts are (pk 1)."""

    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)
    awards = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"facts of {self.finished_at}"


class TerritoryOptOut(models.Model):
    """A person who asked to be left out of territory statistics (the skills map, open data)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("territory statistics opt-out")

    def __str__(self) -> str:
        return f"opt-out of {self.user_id}"


class AwardPlace(models.Model):
    """Where the activity an award recognises took place (optional): a département."""

    award = models.OneToOneField("issuing.Award", on_delete=models.CASCADE, related_name="+")
    territory = models.CharField(_("département"), max_length=3)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.award_id} in {self.territory}"
