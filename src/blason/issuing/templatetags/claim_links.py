"""The "Claim links and posters" section of a badge's members' page: ``{% load claim_links %}``
then ``{% claim_links_section badge %}`` (one query, whatever the number of links)."""

from __future__ import annotations

from typing import Any

from django import template

from blason.issuing.badges.models import BadgeClass
from blason.issuing.claims import selectors as claim_selectors
from blason.issuing.claims.models import ClaimLink

register = template.Library()

SHOWN = 5


@register.inclusion_tag("issuing/_claim_links_section.html", takes_context=True)
def claim_links_section(context: template.Context, badge: BadgeClass) -> dict[str, Any]:
    up_to = claim_selectors.LIST_COUNT_THRESHOLD
    counted = claim_selectors.with_counts(ClaimLink.objects.filter(badge=badge), up_to=up_to)
    links = list(counted.order_by("-created_at", "-id")[: SHOWN + 1])
    for link in links:
        link.badge = badge  # already loaded: no query per link
    return {
        "issuer": context.get("issuer") or badge.issuer,
        "badge": badge,
        "links": [claim_selectors.describe(link, up_to=up_to) for link in links[:SHOWN]],
        "more": len(links) > SHOWN,
    }
