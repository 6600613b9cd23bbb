"""What networks add to the public pages of badges and issuers, in the slots
``badge_public.after_text`` and ``issuer_public.before_badges`` of ``blason.core.fragments``:
the network that designed a shared badge and the endorsements a badge has been given; the
networks an issuer is a member of (whose signed lists name it) and the endorsements it has
been given; for a network, where its members and its list are."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from blason.core.models import Issuer, IssuerKind
from blason.issuing.models import BadgeClass
from blason.networks.models import (
    Endorsement,
    EndorsementState,
    MemberState,
    NetworkMember,
    SharedBadgeCopy,
)


def badge_part(context: Any, *, badge: BadgeClass) -> str:
    copy = (
        SharedBadgeCopy.objects.select_related("shared__network__issuer")
        .filter(badge=badge)
        .first()
    )
    given = list(
        Endorsement.objects.filter(subject_badge=badge, state=EndorsementState.ACCEPTED)
        .select_related("endorser")
        .order_by("answered_at")
    )
    if copy is None and not given:
        return ""
    return render_to_string(
        "networks/_badge_part.html",
        {"network": copy.shared.network if copy else None, "endorsements": given},
    )


def issuer_part(context: Any, *, issuer: Issuer) -> str:
    is_network = issuer.kind == IssuerKind.NETWORK
    memberships = list(
        NetworkMember.objects.filter(issuer=issuer, state=MemberState.ACTIVE)
        .select_related("network__issuer")
        .order_by("network__issuer__name")
    )
    given = list(
        Endorsement.objects.filter(subject_issuer=issuer, state=EndorsementState.ACCEPTED)
        .select_related("endorser")
        .order_by("answered_at")
    )
    if not (is_network or memberships or given):
        return ""
    return render_to_string(
        "networks/_issuer_part.html",
        {
            "issuer": issuer,
            "is_network": is_network,
            "memberships": memberships,
            "endorsements": given,
        },
    )
