"""How a badge designed in a workshop says so in the credentials it goes into.

Open Badges 3.0 gives an Achievement one ``creator``, a Profile: "the person or organization
that created the achievement definition". For a co-designed badge the creator is the group
that designed it: a Profile whose ``id`` is the co-designers section of the badge's public page
(``…/badges/<uuid>#co-designers``), named after the community, whose ``description`` says how
many members designed it, when the group validated it and the names of those who chose to be
named, and whose ``parentOrg`` is the community's own Profile (the issuer). Every property is
defined by the OB 3.0 context, so the credential signs and verifies in JSON-LD safe mode
(obcore, Digital Bazaar) and passes the OB 3.0 JSON Schema. See docs/peer-recognition.md.
"""

from __future__ import annotations

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from blason.issuing.models import BadgeClass
from blason.issuing.signing import selectors as signing
from blason.peers import selectors
from obcore import ob3

CREATOR_FRAGMENT = "co-designers"
_CACHE = "_peers_creator"


def creator_id(badge: BadgeClass) -> str:
    from blason.issuing.awarding.selectors import badge_url

    return f"{badge_url(badge)}#{CREATOR_FRAGMENT}"


def _names(names: list[str]) -> str:
    return ", ".join(names)


def co_design_text(view: selectors.CoDesignView, issuer_name: str) -> str:
    """One or two sentences in the active language: how many designed it, when the group
    validated it, and who (those who chose to be named)."""
    date = formats.date_format(
        timezone.localtime(view.co_design.validated_at).date(), "DATE_FORMAT"
    )
    text = ngettext(
        "Designed together in a workshop by %(count)d member of %(community)s, and validated "
        "by the group on %(date)s.",
        "Designed together in a workshop by %(count)d members of %(community)s, and validated "
        "by the group on %(date)s.",
        view.total,
    ) % {"count": view.total, "community": issuer_name, "date": date}
    if view.names and view.others:
        text += " " + ngettext(
            "Co-designers: %(names)s and %(count)d other member.",
            "Co-designers: %(names)s and %(count)d other members.",
            view.others,
        ) % {"names": _names(view.names), "count": view.others}
    elif view.names:
        text += " " + _("Co-designers: %(names)s.") % {"names": _names(view.names)}
    return text


def co_design_creator(badge: BadgeClass) -> ob3.Profile | None:
    """The ``creator`` of a co-designed badge's Achievement (``None`` for other badges).

    Remembered on the badge instance, so awarding many people the same badge asks the
    database once."""
    if _CACHE in badge.__dict__:
        cached: ob3.Profile | None = badge.__dict__[_CACHE]
        return cached
    view = selectors.co_design_of(badge)
    profile = None
    if view is not None:
        issuer = badge.issuer
        with translation.override(badge.language or None):
            profile = ob3.Profile(
                id=creator_id(badge),
                name=_("Co-design group of %(community)s") % {"community": issuer.name},
                description=co_design_text(view, issuer.name),
                extra={
                    "parentOrg": ob3.Profile(
                        id=signing.issuer_url(issuer), name=issuer.name
                    ).to_json()
                },
            )
    badge.__dict__[_CACHE] = profile
    return profile
