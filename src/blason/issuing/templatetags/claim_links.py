"""The "Claim links and posters" section of a badge's members' page: ``{% load claim_links %}``
then ``{% claim_links_section badge %}`` (one query, whatever the number of links)."""

from __future__ import annotations

from typing import Any

from django import template

from blason.issuing import claims
from blason.issuing.models import BadgeClass, ClaimLink

register = template.Library()

SHOWN = 5


@register.inclusion_tag("issuing/_claim_links_section.html", takes_context=True)
def claim_links_section(context: template.Context, badge: BadgeClass) -> dict[str, Any]:
    links = list(
        claims.with_counts(ClaimLink.objects.filter(badge=badge)).order_by("-created_at")[
            : SHOWN + 1
        ]
    )
    for link in links:
        link.badge = badge  # already loaded: no query per link
    return {
        "issuer": context.get("issuer") or badge.issuer,
        "badge": badge,
        "links": [claims.describe(link) for link in links[:SHOWN]],
        "more": len(links) > SHOWN,
    }
