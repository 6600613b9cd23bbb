"""The group's activity feed: what the community recognised, in plain words, newest first.

Read from the audit log (every service writes an entry with a dotted code), kept to the
moments a group celebrates: a badge the group designed and validated, a workshop opened, a
badge awarded (saying when peers validated it), someone joining. Names are the ones people
chose to show (a member's display name, the name on an award), never an e-mail address.
Revoked awards drop out of the feed. A page costs a fixed number of queries: the entries, then
the awards, badges, workshops, peer validations and members they name, each in one query.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from blason.core.models import AuditEntry, Issuer
from blason.issuing.models import Award, BadgeClass
from blason.peers.models import BadgeRequest, Decision, Workshop

T = TypeVar("T")

FEED_ACTIONS = (
    "issuing.award.issued",
    "issuing.award.issued_many",
    "peers.workshop.opened",
    "peers.workshop.validated",
    "peers.member.joined",
    "core.invitation.accepted",
)


@dataclass(frozen=True)
class Moment:
    """One line of the feed: when, a sentence, and where to see more."""

    at: datetime
    kind: str  # "award", "awards", "workshop", "designed", "joined": the icon and colour
    text: str
    url: str = ""


def entries(issuer: Issuer) -> Any:
    """The audit entries the feed reads, newest first (paginate this)."""
    return AuditEntry.objects.filter(issuer=issuer, action__in=FEED_ACTIONS).only(
        "created_at", "action", "actor", "target_id", "data"
    )


def _uuids(values: Iterable[object]) -> set[uuid.UUID]:
    found = set()
    for value in values:
        try:
            found.add(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def moments(issuer: Issuer, page_entries: Iterable[AuditEntry]) -> list[Moment]:
    """The sentences for one page of ``entries(issuer)``."""
    rows = list(page_entries)
    awards = {
        a.uuid: a
        for a in Award.objects.filter(
            uuid__in=_uuids(r.target_id for r in rows if r.action == "issuing.award.issued")
        ).select_related("badge")
    }
    vouched = dict(
        BadgeRequest.objects.filter(award__in=list(awards.values()))
        .annotate(approvals=Count("validations", filter=Q(validations__decision=Decision.APPROVE)))
        .values_list("award_id", "approvals")
    )
    badges = {
        b.uuid: b
        for b in BadgeClass.objects.filter(
            uuid__in=_uuids(r.data.get("badge") for r in rows if r.action != "issuing.award.issued")
        )
    }
    workshops = {
        w.uuid: w
        for w in Workshop.objects.filter(
            uuid__in=_uuids(r.target_id for r in rows if r.action == "peers.workshop.opened")
        )
    }
    joined = [
        r.actor_id for r in rows if r.actor_id and r.action.endswith((".joined", ".accepted"))
    ]
    names = dict(get_user_model().objects.filter(pk__in=joined).values_list("pk", "display_name"))
    found = []
    for row in rows:
        moment = _moment(issuer, row, awards, vouched, badges, workshops, names)
        if moment is not None:
            found.append(moment)
    return found


def _moment(
    issuer: Issuer,
    row: AuditEntry,
    awards: dict[uuid.UUID, Award],
    vouched: dict[int, int],
    badges: dict[uuid.UUID, BadgeClass],
    workshops: dict[uuid.UUID, Workshop],
    names: dict[int, str],
) -> Moment | None:
    at = row.created_at
    if row.action == "issuing.award.issued":
        award = _pick(awards, row.target_id)
        if award is None or award.revoked_at is not None:
            return None
        url = reverse("award_public", args=[award.uuid])
        who = award.recipient_name or _("Someone")
        peers = vouched.get(award.pk)
        if peers:
            text = ngettext(
                "%(name)s received the badge “%(badge)s”, validated by %(count)d peer.",
                "%(name)s received the badge “%(badge)s”, validated by %(count)d peers.",
                peers,
            ) % {"name": who, "badge": award.badge.name, "count": peers}
        else:
            text = _("%(name)s received the badge “%(badge)s”.") % {
                "name": who,
                "badge": award.badge.name,
            }
        return Moment(at, "award", text, url)
    badge = _pick(badges, row.data.get("badge"))
    if row.action == "issuing.award.issued_many":
        if badge is None:
            return None
        count = int(row.data.get("count") or 0)
        text = ngettext(
            "%(count)d person received the badge “%(badge)s”.",
            "%(count)d people received the badge “%(badge)s”.",
            count,
        ) % {"count": count, "badge": badge.name}
        return Moment(at, "awards", text)
    if row.action == "peers.workshop.validated":
        if badge is None:
            return None
        text = _("The group validated the badge “%(badge)s” it designed together.") % {
            "badge": badge.name
        }
        return Moment(at, "designed", text, reverse("badge_public", args=[badge.uuid]))
    if row.action == "peers.workshop.opened":
        workshop = _pick(workshops, row.target_id)
        if workshop is None or badge is None:
            return None
        text = _(
            "A workshop opened to design the badge “%(badge)s”: come and propose criteria."
        ) % {"badge": badge.name}
        url = reverse("peers:workshop", args=[issuer.slug, workshop.uuid])
        return Moment(at, "workshop", text, url)
    # Someone joined (by the group's link or an invitation).
    name = names.get(row.actor_id or 0) or _("A new member")
    return Moment(at, "joined", _("%(name)s joined the group.") % {"name": name})


def _pick(found: dict[uuid.UUID, T], value: object) -> T | None:
    """The object named by ``value`` (a UUID as text), if it was found."""
    key = _uuids([value])
    return found.get(key.pop()) if key else None
