"""Reads: tenant-scoped querysets with their joins done (pages run a bounded number of queries)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from blason.core.models import AuditEntry, Issuer, Membership


def memberships_of(user: Any) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("issuer")
        .annotate(badge_count=Count("issuer__badges", distinct=True))
        .order_by("issuer__name")
    )


def members_of(issuer: Issuer) -> QuerySet[Membership]:
    return Membership.objects.filter(issuer=issuer).select_related("user").order_by("user__email")


def audit_of(issuer: Issuer) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(issuer=issuer).select_related("actor")
