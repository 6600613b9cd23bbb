"""Where the facts come from: one small function per source, each a single grouped query.

``refresh.facts_rebuild`` calls them; a new source is one more function here. Revoked awards
count nowhere; pathways completed come from ``blason.pathways``' selectors, the issuers of a
network from ``blason.networks``' models.

A person is counted once per group by a key made of, in order: the recipient's e-mail address
(lower case), their phone number, the account that collected an award known only by a name,
else the award itself (an award known only by a name is one person). The same person known by
two addresses counts twice: distinct earners are an estimate from above.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Lower, TruncMonth, TruncYear

from blason.backpack.models import Item
from blason.issuing.models import Award
from blason.networks.models import MemberState, Network, NetworkMember
from blason.pathways import selectors as pathway_selectors

# The kinds of groups a period figure is counted over.
BY_BADGE = ("issuer_id", "badge_id")
BY_ISSUER = ("issuer_id",)
BY_SITE: tuple[str, ...] = ()


def person_key() -> Case:
    """The SQL expression naming the person an award is for (see the module's docstring)."""
    return Case(
        When(~Q(recipient_email=""), then=Concat(Value("e:"), Lower("recipient_email"))),
        When(~Q(recipient_phone=""), then=Concat(Value("p:"), "recipient_phone")),
        When(
            claimed_by__isnull=False,
            then=Concat(Value("u:"), Cast("claimed_by_id", CharField())),
        ),
        default=Concat(Value("a:"), Cast("id", CharField())),
        output_field=CharField(),
    )


def live_awards() -> QuerySet[Award]:
    """Awards that count: not revoked, with whether their earner shows them publicly."""
    public = Item.objects.filter(award=OuterRef("pk"), public=True)
    return Award.objects.filter(revoked_at__isnull=True).annotate(is_shared=Exists(public))


def _counts(person: bool = True) -> dict[str, Any]:
    counts: dict[str, Any] = {
        "awarded": Count("id"),
        "claimed": Count("id", filter=Q(claimed_at__isnull=False)),
        "shared": Count("id", filter=Q(is_shared=True)),
    }
    if person:
        counts["earners"] = Count(person_key(), distinct=True)
    return counts


def monthly() -> Iterable[dict[str, Any]]:
    """Awarded, claimed and shared per issuer, badge and month of issue."""
    rows = (
        live_awards()
        .annotate(month=TruncMonth("issued_at"))
        .order_by()
        .values("issuer_id", "badge_id", "month")
        .annotate(**_counts(person=False))
    )
    return rows.iterator(chunk_size=2000)  # type: ignore[return-value]


def period(
    group: tuple[str, ...], since: datetime | None = None, until: datetime | None = None
) -> Iterable[dict[str, Any]]:
    """The figures of each group (by badge, by issuer, the whole site) between two instants."""
    awards = live_awards()
    if since is not None:
        awards = awards.filter(issued_at__gte=since)
    if until is not None:
        awards = awards.filter(issued_at__lt=until)
    if not group:
        return [awards.order_by().aggregate(**_counts())]
    rows: Iterable[dict[str, Any]] = (
        awards.order_by().values(*group).annotate(**_counts()).iterator(chunk_size=2000)
    )
    return rows


def yearly(group: tuple[str, ...]) -> Iterable[dict[str, Any]]:
    """The figures of each group per calendar year of issue (one query for every year)."""
    rows = (
        live_awards()
        .annotate(year=TruncYear("issued_at"))
        .order_by()
        .values(*group, "year")
        .annotate(**_counts())
    )
    found: Iterable[dict[str, Any]] = rows.iterator(chunk_size=2000)
    return found


def pathways_completed(
    since: datetime | None = None, until: datetime | None = None
) -> dict[int, int]:
    """Pathways completed per issuer of the pathway between two instants (``blason.pathways``:
    a person completing a pathway counts once, when they completed it)."""
    rows = pathway_selectors.completions_by_issuer(since=since, until=until)
    return {issuer_id: count for issuer_id, _year, count in rows}


def pathways_completed_yearly() -> dict[tuple[int, int], int]:
    """Pathways completed per issuer and calendar year of completion."""
    rows = pathway_selectors.completions_by_issuer(by_year=True)
    return {(issuer_id, int(year)): count for issuer_id, year, count in rows if year}


def networks() -> dict[int, tuple[int, ...]]:
    """The issuers of each network (``blason.networks``): the network's own space and its
    active members, as they are now (a network's figures count their awards of every date)."""
    found: dict[int, set[int]] = {
        pk: {issuer_id} for pk, issuer_id in Network.objects.values_list("pk", "issuer_id")
    }
    members = NetworkMember.objects.filter(state=MemberState.ACTIVE)
    for network_id, issuer_id in members.values_list("network_id", "issuer_id"):
        found.setdefault(network_id, set()).add(issuer_id)
    return {pk: tuple(sorted(ids)) for pk, ids in found.items()}


def network_period(
    issuer_ids: tuple[int, ...], since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    """The figures of a network's issuers together between two instants (one query)."""
    awards = live_awards().filter(issuer_id__in=issuer_ids)
    if since is not None:
        awards = awards.filter(issued_at__gte=since)
    if until is not None:
        awards = awards.filter(issued_at__lt=until)
    return awards.order_by().aggregate(**_counts())


def network_yearly(issuer_ids: tuple[int, ...]) -> Iterable[dict[str, Any]]:
    """The figures of a network's issuers together per calendar year (one query)."""
    rows = (
        live_awards()
        .filter(issuer_id__in=issuer_ids)
        .annotate(year=TruncYear("issued_at"))
        .order_by()
        .values("year")
        .annotate(**_counts())
    )
    found: list[dict[str, Any]] = list(rows)  # type: ignore[arg-type]
    return found
