"""Reading claim links: their address, the places taken and left, whether a link is open now,
and what to tell a visitor about it."""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum

from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blason.core import keyset
from blason.core.site import absolute_url
from blason.issuing.awarding.selectors import phone_prefix
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


def places_taken(link: ClaimLink, *, up_to: int | None = None) -> int:
    """Claims that hold a place: waiting or awarded (a refused claim frees its place); at
    most ``up_to`` of them counted when it is given."""
    holding = Claim.objects.filter(link=link).exclude(status=ClaimStatus.REFUSED)
    if up_to is not None:
        return holding.values("pk")[:up_to].count()
    return holding.count()


def taken_for_state(link: ClaimLink) -> int:
    """``places_taken`` as far as ``link_state`` reads it: nothing to count without a
    maximum, at most the maximum with one (a link with a million claims costs its claim page
    no count over a million rows)."""
    if link.max_claims is None:
        return 0
    return places_taken(link, up_to=link.max_claims)


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


# Counts shown in the awarders' pages stop here: "10000+" (``blason.core.keyset``); in the
# list of a space's links, sooner (each of its 25 links is counted).
COUNT_THRESHOLD = keyset.COUNT_THRESHOLD
LIST_COUNT_THRESHOLD = 1_000
# At most ``limit`` claims of one status of the link, read from the index
# ``issuing_claim_status_listed`` alone (its order, written out, keeps the planner from
# scanning the table for a link it cannot tell apart from the others).
_BOUNDED_COUNT = (
    "(SELECT COUNT(*) FROM (SELECT 1 FROM issuing_claim AS counted"
    ' WHERE counted.link_id = "issuing_claimlink"."id" AND counted.status = %s'
    " ORDER BY counted.link_id, counted.status, counted.created_at DESC, counted.id DESC"
    " LIMIT %s) AS bounded)"
)


def with_counts(links: QuerySet[ClaimLink], *, up_to: int | None = None) -> QuerySet[ClaimLink]:
    """Links with ``waiting`` and ``awarded`` claims counted in the same query, each up to
    ``up_to + 1`` (default ``COUNT_THRESHOLD``): never every claim of a link with a million.
    ``describe`` adds ``taken`` (places held: waiting or awarded) and reads what is past the
    threshold."""
    limit = (COUNT_THRESHOLD if up_to is None else up_to) + 1
    return links.annotate(
        # A constant statement; the status and the limit are parameters.
        waiting=RawSQL(_BOUNDED_COUNT, (ClaimStatus.PENDING.value, limit)),  # noqa: S611
        awarded=RawSQL(_BOUNDED_COUNT, (ClaimStatus.ISSUED.value, limit)),  # noqa: S611
    )


def describe(link: ClaimLink, *, up_to: int | None = None) -> ClaimLink:
    """Attach what the pages show (state, places left, window) to an annotated link. A count
    past the threshold (``up_to``, as given to ``with_counts``) is shown as the threshold
    with ``taken_more``/``waiting_more`` ("10000+"); the places left of a link whose maximum
    is past it are counted up to that maximum (the only case that counts more)."""
    threshold = COUNT_THRESHOLD if up_to is None else up_to
    waiting, awarded = getattr(link, "waiting", 0), getattr(link, "awarded", 0)
    taken = waiting + awarded
    link.waiting_more = waiting > threshold  # type: ignore[attr-defined]
    link.taken_more = waiting > threshold or awarded > threshold or taken > threshold  # type: ignore[attr-defined]
    link.waiting = min(waiting, threshold)  # type: ignore[attr-defined]
    link.taken = min(taken, threshold)  # type: ignore[attr-defined]
    if link.taken_more and link.max_claims is not None and link.max_claims > threshold:  # type: ignore[attr-defined]
        taken = places_taken(link, up_to=link.max_claims)
    for name in ("taken", "waiting"):  # what the pages print: "10000+" past the threshold
        more = "+" if getattr(link, f"{name}_more") else ""
        setattr(link, f"{name}_text", f"{getattr(link, name, 0)}{more}")
    link.state = link_state(link, taken=taken)  # type: ignore[attr-defined]
    link.state_label = STATE_LABELS[link.state]  # type: ignore[attr-defined]
    link.left = places_left(link, taken)  # type: ignore[attr-defined]
    link.window = window_text(link)  # type: ignore[attr-defined]
    return link


# --- Links (awarders) -----------------------------------------------------------------------


# --- The claims of a link (awarders) ----------------------------------------------------------

_LAST = "\U0010ffff"  # sorts after every character: "starts with p" is p <= x < p + _LAST


def claim_rows(link: ClaimLink, *, search: str = "", status: str = "") -> QuerySet[Claim]:
    """The claims of ``link`` a list shows (with their award, without its credential), those
    of ``status`` when it is given, those whose person matches ``search`` (``search_claims``).
    Pages read them newest first by ``(created_at, id)``: the ``issuing_claim_listed`` index
    (``issuing_claim_status_listed`` with a status)."""
    rows = (
        Claim.objects.select_related("award", "decided_by").defer(
            "award__credential", "award__narrative"
        )  # a page never shows them
    )
    text = search.strip()
    vendor = connections[rows.db].vendor
    digits = sum(ch.isdigit() for ch in text)
    if (len(text) >= 3 and vendor == "sqlite") or "@" in text or digits >= 6:
        # As for the award list: SQLite, without statistics, would walk the link's claims in
        # the list's order testing each one; ``link_id + 0`` hides that index so that it
        # reads the few rows the search's indexes find, then sorts them. PostgreSQL makes
        # the same bet when the rows found sit deep in the list (numbers given in a row): an
        # e-mail address or six digits of a phone number find few, read from their index.
        rows = rows.alias(link_plain=F("link_id") + 0).filter(link_plain=link.pk)
    else:
        rows = rows.filter(link=link)
    if status:
        rows = rows.filter(status=status)
    return search_claims(rows, text)


def search_claims(queryset: QuerySet[Claim], text: str) -> QuerySet[Claim]:
    """The claims of ``queryset`` whose person matches ``text``, in a form an index serves
    (migration ``issuing.0011``). Digits and phone separators only: a phone number starting
    so ("06 12 34" finds +33612345678); with an "@": an e-mail address starting so; anything
    else: a name or an e-mail address containing it (PostgreSQL, trigram indexes) or
    starting with it (SQLite, in any ASCII case)."""
    text = text.strip()
    if not text:
        return queryset
    postgres = connections[queryset.db].vendor == "postgresql"
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 4 and all(ch.isdigit() or ch in "+ .-()/" for ch in text):
        return queryset.filter(_starts("phone", phone_prefix(text), postgres))
    by_email = _starts("email", text.lower(), postgres)
    if "@" in text:
        return queryset.filter(by_email)
    if postgres:
        return queryset.filter(Q(name__icontains=text) | Q(email__icontains=text))
    queryset = queryset.alias(name_nocase=Collate("name", "NOCASE"))
    return queryset.filter(by_email | Q(name_nocase__gte=text, name_nocase__lt=text + _LAST))


def _starts(column: str, prefix: str, postgres: bool) -> Q:
    """``column`` starts with ``prefix`` (``LIKE 'p%'`` on PostgreSQL, served by its
    ``varchar_pattern_ops`` index; a range on SQLite, whose indexes compare bytes)."""
    if postgres:
        return Q(**{f"{column}__startswith": prefix})
    return Q(**{f"{column}__gte": prefix, f"{column}__lt": prefix + _LAST})


def counted(links: list[ClaimLink]) -> list[ClaimLink]:
    """``links`` (one page) with ``taken`` and ``waiting`` (``with_counts``) and what
    ``describe`` adds, counted for these links only, in their order: one query."""
    if not links:
        return []
    ids = [link.pk for link in links]
    counted_links = with_counts(
        ClaimLink.objects.filter(pk__in=ids).only("id"), up_to=LIST_COUNT_THRESHOLD
    ).order_by()
    counts = {row.pk: row for row in counted_links}
    for link in links:
        row = counts.get(link.pk)
        link.waiting = getattr(row, "waiting", 0)  # type: ignore[attr-defined]
        link.awarded = getattr(row, "awarded", 0)  # type: ignore[attr-defined]
        describe(link, up_to=LIST_COUNT_THRESHOLD)
    return links
