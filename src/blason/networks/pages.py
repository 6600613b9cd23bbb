"""What networks add to a badge's public page (``issuing.hooks.BADGE_PAGE_PARTS``): the network
that designed a shared badge, and the endorsements the badge has been given."""

from __future__ import annotations

from django.template.loader import render_to_string

from blason.issuing.models import BadgeClass
from blason.networks.models import Endorsement, EndorsementState, SharedBadgeCopy


def badge_part(badge: BadgeClass) -> str:
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
