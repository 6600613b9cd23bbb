"""Reading claim links: their address, the places taken and left, whether a link is open now,
and what to tell a visitor about it."""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blason.core.site import absolute_url
from blason.issuing.badges.models import BadgeStatus
from blason.issuing.claims.models import Claim, ClaimLink, ClaimStatus

logger = logging.getLogger(__name__)

# Lower-case letters and digits without 0/o, 1/i/l and u: nothing to confuse when the address
# is typed from the poster. 10 characters: about 49 bits, far beyond guessing.

# How posters draw a claim link's QR code (also the posters of other apps, alike):
# quartile error correction, as a poster may be creased, taped over or photographed at an angle.
QR_ERROR = "q"
INK = "#1c2330"


class LinkState(StrEnum):
    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    FULL = "full"
    INACTIVE = "inactive"
    UNAVAILABLE = "unavailable"  # the badge is no longer published


STATE_LABELS = {
    LinkState.OPEN: gettext_lazy("Open"),
    LinkState.NOT_YET_OPEN: gettext_lazy("Not open yet"),
    LinkState.CLOSED: gettext_lazy("Time is over"),
    LinkState.FULL: gettext_lazy("Full"),
    LinkState.INACTIVE: gettext_lazy("Closed"),
    LinkState.UNAVAILABLE: gettext_lazy("Badge no longer published"),
}


def normalise_token(text: str) -> str:
    """The token of a typed address, read leniently (case)."""
    return text.strip().lower()


def link_url(link: ClaimLink) -> str:
    """The short public address printed on the poster and encoded in its QR code."""
    return absolute_url("issuing:claim_page", link.token)


def status_url(claim: Claim) -> str:
    """The unguessable page where a person follows their claim (bookmarked, e-mailed)."""
    return absolute_url("issuing:claim_status", claim.link.token, claim.uuid)


def places_taken(link: ClaimLink) -> int:
    """Claims that hold a place: waiting or awarded (a refused claim frees its place)."""
    return Claim.objects.filter(link=link).exclude(status=ClaimStatus.REFUSED).count()


def places_left(link: ClaimLink, taken: int) -> int | None:
    """None when there is no maximum."""
    if link.max_claims is None:
        return None
    return max(link.max_claims - taken, 0)


def link_state(link: ClaimLink, *, taken: int, now: datetime | None = None) -> LinkState:
    """Whether the link takes claims now. ``taken`` is ``places_taken(link)`` (or the same
    count annotated on a list)."""
    now = now or timezone.now()
    if not link.active:
        return LinkState.INACTIVE
    if link.badge.status != BadgeStatus.PUBLISHED:
        return LinkState.UNAVAILABLE
    if link.opens_at is not None and now < link.opens_at:
        return LinkState.NOT_YET_OPEN
    if link.closes_at is not None and now >= link.closes_at:
        return LinkState.CLOSED
    if link.max_claims is not None and taken >= link.max_claims:
        return LinkState.FULL
    return LinkState.OPEN


def state_message(link: ClaimLink, state: LinkState) -> str:
    """One plain sentence for a visitor, in the active language."""
    if state == LinkState.NOT_YET_OPEN and link.opens_at is not None:
        when = date_format(timezone.localtime(link.opens_at), "DATETIME_FORMAT")
        return _("You can claim this badge from %(date)s.") % {"date": when}
    if state == LinkState.CLOSED and link.closes_at is not None:
        when = date_format(timezone.localtime(link.closes_at), "DATETIME_FORMAT")
        return _("This badge could be claimed until %(date)s. It is too late now.") % {"date": when}
    if state == LinkState.FULL:
        return _("All the places have been taken: this badge cannot be claimed any more.")
    if state == LinkState.INACTIVE:
        return _("The organisers have closed this link: this badge cannot be claimed here.")
    return _("This badge cannot be awarded any more.")


def window_text(link: ClaimLink) -> str:
    """When the badge can be claimed, in the active language: "14 March 2025, from 09:00 to
    17:00", "From 14 March 2025 09:00 to 16 March 2025 18:00", "Until …", or ""."""
    opens = timezone.localtime(link.opens_at) if link.opens_at else None
    closes = timezone.localtime(link.closes_at) if link.closes_at else None
    if opens and closes and opens.date() == closes.date():
        return _("%(day)s, from %(start)s to %(end)s") % {
            "day": date_format(opens, "DATE_FORMAT"),
            "start": time_format(opens, "TIME_FORMAT"),
            "end": time_format(closes, "TIME_FORMAT"),
        }
    if opens and closes:
        return _("From %(start)s to %(end)s") % {
            "start": date_format(opens, "DATETIME_FORMAT"),
            "end": date_format(closes, "DATETIME_FORMAT"),
        }
    if closes:
        return _("Until %(end)s") % {"end": date_format(closes, "DATETIME_FORMAT")}
    if opens:
        return _("From %(start)s") % {"start": date_format(opens, "DATETIME_FORMAT")}
    return ""


# --- Reads ---------------------------------------------------------------------------------


def with_counts(links: QuerySet[ClaimLink]) -> QuerySet[ClaimLink]:
    """Links with ``taken`` (places held: waiting or awarded) and ``waiting`` counted in the
    same query."""
    return links.annotate(
        taken=Count("claims", filter=~Q(claims__status=ClaimStatus.REFUSED)),
        waiting=Count("claims", filter=Q(claims__status=ClaimStatus.PENDING)),
    )


def describe(link: ClaimLink) -> ClaimLink:
    """Attach what the pages show (state, places left, window) to an annotated link."""
    taken = getattr(link, "taken", 0)
    link.state = link_state(link, taken=taken)  # type: ignore[attr-defined]
    link.state_label = STATE_LABELS[link.state]  # type: ignore[attr-defined]
    link.left = places_left(link, taken)  # type: ignore[attr-defined]
    link.window = window_text(link)  # type: ignore[attr-defined]
    return link


# --- Links (awarders) -----------------------------------------------------------------------
