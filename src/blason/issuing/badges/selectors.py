from __future__ import annotations

from django.db.models import QuerySet

from blason.core.models import Issuer
from blason.issuing.badges.models import BadgeClass


def badges_of(issuer: Issuer) -> QuerySet[BadgeClass]:
    return BadgeClass.objects.filter(issuer=issuer).order_by("status", "name")
