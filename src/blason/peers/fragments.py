"""What peer recognition adds to the pages of other apps (``blason.core.fragments``; the slots
are registered in ``PeersConfig.ready()``).

* the co-designers of a badge, on its public page;
* on the members' page of a badge, its workshop (or a button to open one) and its co-designers;
* "Ask for this badge" when the badge's rule takes requests;
* the peers who vouch for an award, on its public page;
* how many badge requests wait for a person's answer, on their home.
"""

from __future__ import annotations

import json
from typing import Any

from django.template import Context
from django.utils.safestring import SafeString

from blason.core.access import IssuerAccess
from blason.core.fragments import render
from blason.issuing.models import BadgeClass, BadgeStatus
from blason.peers import selectors
from blason.peers.access import has_workshops, is_facilitator_role
from blason.peers.credentials import CREATOR_FRAGMENT


def co_designers(context: Context, *, badge: BadgeClass, **_: Any) -> SafeString:
    values = {"view": selectors.co_design_of(badge), "badge": badge, "anchor": CREATOR_FRAGMENT}
    return render(context, "peers/_co_designers.html", values)


def badge_workshops(
    context: Context, *, badge: BadgeClass, access: IssuerAccess, **_: Any
) -> SafeString:
    if not has_workshops(access.issuer):
        return render(context, "peers/_badge_panel.html", {"show": False})
    running = selectors.running_workshops_for(badge).first()
    values = {
        "show": True,
        "badge": badge,
        "issuer": access.issuer,
        "running": running,
        "can_open": badge.status == BadgeStatus.DRAFT
        and running is None
        and is_facilitator_role(access.role),
        "view": selectors.co_design_of(badge) if running is None else None,
    }
    return render(context, "peers/_badge_panel.html", values)


def ask_for_badge(context: Context, *, badge: BadgeClass, **_: Any) -> SafeString:
    """On a badge's page: "Ask for this badge" when its rule takes requests."""
    values = {"badge": badge, "rule": selectors.open_rule_of(badge)}
    return render(context, "peers/_ask_button.html", values)


def peer_endorsements(context: Context, *, award: Any, **_: Any) -> SafeString:
    """On an award's public page: the peers who vouch for it, read from the endorsements
    signed into the credential (nothing for awards without endorsements)."""
    endorsers = []
    try:
        credential = json.loads(award.credential)
    except (TypeError, ValueError):
        credential = None
    found = credential.get("endorsement") if isinstance(credential, dict) else None
    for endorsement in found if isinstance(found, list) else []:
        issuer = endorsement.get("issuer") if isinstance(endorsement, dict) else None
        if isinstance(issuer, dict) and isinstance(issuer.get("name"), str):
            link = issuer.get("id")
            safe = isinstance(link, str) and link.startswith(("https://", "http://"))
            endorsers.append({"name": issuer["name"], "id": link if safe else ""})
    return render(context, "peers/_endorsements.html", {"endorsers": endorsers})


def waiting_requests(context: Context, *, user: Any, **_: Any) -> SafeString:
    """On a person's home: how many badge requests wait for their answer (nothing if none)."""
    count = 0
    if getattr(user, "is_authenticated", False):
        found = selectors.requests_to_validate(user)
        count = len([r for r in found if not getattr(r, "answered", False)])
    return render(context, "peers/_waiting_count.html", {"count": count})
