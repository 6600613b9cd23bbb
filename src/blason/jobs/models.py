"""ROME 4.0 occupations (fiches métier), loaded from ``data/rome.csv`` (see ``rome``), and
where each person looks for job offers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Occupation(models.Model):
    code = models.CharField(_("ROME code"), max_length=5, primary_key=True)
    label = models.CharField(_("occupation"), max_length=200)
    domain_code = models.CharField(max_length=3)
    domain_label = models.CharField(max_length=200, blank=True)
    grand_domain_code = models.CharField(max_length=1)
    grand_domain_label = models.CharField(max_length=200)
    # The code and label folded (lower case, no accents: ``text.fold``) for searching.
    search_text = models.CharField(max_length=300, editable=False)

    class Meta:
        verbose_name = _("occupation (ROME)")
        verbose_name_plural = _("occupations (ROME)")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.label} ({self.code})"

    @property
    def choice_label(self) -> str:
        """What a person reads and picks in a list: "Chargé / Chargée d'accueil (M1601)"."""
        return f"{self.label} ({self.code})"


class OffersPlace(models.Model):
    """Where a person looks for job offers, remembered for their next visit (people who are
    not signed in have it in their session only). Only a place and a distance: a commune,
    a département or a région, never an address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offers_place"
    )
    place_key = models.CharField(_("place"), max_length=40)  # "commune:59350", "departement:59"
    distance_km = models.PositiveSmallIntegerField(_("distance (km)"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("place to look for job offers")
        verbose_name_plural = _("places to look for job offers")

    def __str__(self) -> str:
        return self.place_key
