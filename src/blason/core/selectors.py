"""Reads: tenant-scoped querysets with their joins done (pages run a bounded number of queries)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from blason.core.models import AuditEntry, Invitation, Issuer, IssuerKind, Membership, Role


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


def open_invitations_of(issuer: Issuer) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        issuer=issuer, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")


def may_accept_invitation(invitation: Invitation, user: Any) -> bool:
    """An invitation binds to the address it was sent to: only an account that has *verified*
    that address may accept it (whoever else holds the link, forwarded or leaked)."""
    from allauth.account.models import EmailAddress

    return bool(
        user.is_authenticated
        and EmailAddress.objects.filter(
            user=user, email__iexact=invitation.email, verified=True
        ).exists()
    )


def personal_issuer_of(user: Any) -> Issuer | None:
    """The person's own issuer profile, if they have one (``services.personal_issuer_for``
    creates it)."""
    return Issuer.objects.filter(
        kind=IssuerKind.INDIVIDUAL, memberships__user=user, memberships__role=Role.OWNER
    ).first()
