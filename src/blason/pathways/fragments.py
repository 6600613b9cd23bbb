"""What pathways adds to other apps' pages, through ``blason.core.fragments``: the person's
pathways in their backpack and on their public page, and a badge's pathways on its page."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def backpack_list(context: Any, **values: Any) -> str:
    from blason.pathways import offers, selectors

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    followed = selectors.person_pathways(user.pk)
    discover = selectors.to_discover(user.pk)
    if not (followed or discover):
        return ""
    where = offers.context_for(request)
    return render_to_string(
        "pathways/_person.html",
        {
            "followed": followed,
            "with_offers": offers.offers_by_pathway(followed, where.chosen),
            "where": where,
            "any_occupations": any(view.pathway.occupations for view in followed),
            "discover": discover,
        },
        request=request,
    )


def public_profile(context: Any, **values: Any) -> str:
    """On the person's public page: the pathways they follow, counted over the badges they
    made public only (and only those where one of them counts)."""
    from blason.pathways import selectors

    profile = context.get("profile")
    if profile is None:
        return ""
    views = selectors.person_pathways(profile.user_id, public_only=True)
    followed = [v for v in views if any(e.met for e in v.entries)]
    if not followed:
        return ""
    return render_to_string(
        "pathways/_public_person.html", {"followed": followed}, request=context.get("request")
    )


def badge_public(context: Any, **values: Any) -> str:
    from blason.issuing.awarding.credentials import badge_url
    from blason.pathways import selectors

    badge = values.get("badge") or context.get("badge")
    if badge is None:
        return ""
    pathways = selectors.pathways_with_badge(badge, badge_url(badge))
    if not pathways:
        return ""
    return render_to_string(
        "pathways/_badge_pathways.html", {"pathways": pathways}, request=context.get("request")
    )
