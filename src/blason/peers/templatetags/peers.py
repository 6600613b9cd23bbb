"""Template helpers of peer recognition: ``{% load peers %}``.

* ``{{ user|person }}``: the name a person chose, never their e-mail address;
* ``{% co_designers badge %}``: the co-designers section of a badge's public page;
* ``{% badge_workshops badge access %}``: on the members' page of a badge, its workshop (or a
  button to open one) and its co-designers.
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.translation import gettext as _

from blason.core.access import IssuerAccess
from blason.issuing.models import BadgeClass, BadgeStatus
from blason.peers import selectors
from blason.peers.access import has_workshops, is_facilitator_role
from blason.peers.credentials import CREATOR_FRAGMENT

register = template.Library()


@register.filter
def person(user: Any) -> str:
    name = (getattr(user, "display_name", "") or "").strip()
    return name or _("A member")


@register.inclusion_tag("peers/_co_designers.html")
def co_designers(badge: BadgeClass) -> dict[str, Any]:
    return {"view": selectors.co_design_of(badge), "badge": badge, "anchor": CREATOR_FRAGMENT}


@register.inclusion_tag("peers/_badge_panel.html")
def badge_workshops(badge: BadgeClass, access: IssuerAccess) -> dict[str, Any]:
    if not has_workshops(access.issuer):
        return {"show": False}
    running = selectors.running_workshops_for(badge).first()
    return {
        "show": True,
        "badge": badge,
        "issuer": access.issuer,
        "running": running,
        "can_open": badge.status == BadgeStatus.DRAFT
        and running is None
        and is_facilitator_role(access.role),
        "view": selectors.co_design_of(badge) if running is None else None,
    }


@register.inclusion_tag("peers/_ask_button.html")
def ask_for_badge(badge: BadgeClass) -> dict[str, Any]:
    """On a badge's public page: "Ask for this badge" when its rule takes requests."""
    return {"badge": badge, "rule": selectors.open_rule_of(badge)}


@register.inclusion_tag("peers/_endorsements.html")
def peer_endorsements(award: Any) -> dict[str, Any]:
    """On an award's public page: the peers who vouch for it, read from the endorsements
    signed into the credential (nothing for awards without endorsements)."""
    try:
        credential = json.loads(award.credential)
    except (TypeError, ValueError):
        return {"endorsers": []}
    found = credential.get("endorsement") if isinstance(credential, dict) else None
    endorsers = []
    for endorsement in found if isinstance(found, list) else []:
        issuer = endorsement.get("issuer") if isinstance(endorsement, dict) else None
        if isinstance(issuer, dict) and isinstance(issuer.get("name"), str):
            link = issuer.get("id")
            safe = isinstance(link, str) and link.startswith(("https://", "http://"))
            endorsers.append({"name": issuer["name"], "id": link if safe else ""})
    return {"endorsers": endorsers}


@register.inclusion_tag("peers/_waiting_count.html")
def waiting_requests(user: Any) -> dict[str, Any]:
    """On a person's home: how many badge requests wait for their answer (nothing if none)."""
    if not getattr(user, "is_authenticated", False):
        return {"count": 0}
    found = selectors.requests_to_validate(user)
    waiting = [r for r in found if not getattr(r, "answered", False)]
    return {"count": len(waiting)}
