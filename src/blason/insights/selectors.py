"""The reads of the dashboards: a few queries on the facts, whatever the number of awards.

``Scope`` says what a dashboard is about: one issuer (its members' view), a network (its own
space and its active members, for the network's members) or the whole site (operators).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Sum

from blason.core.models import Issuer
from blason.insights import periods, privacy
from blason.insights.models import (
    SITE,
    BadgeMonth,
    PeriodTotal,
    Refresh,
    issuer_scope,
    network_scope,
)
from blason.issuing.models import BadgeClass
from blason.networks import selectors as network_selectors
from blason.networks.models import Network

TOP = 10  # badges in the ranking
STACKS = 7  # series in the monthly chart; the others are summed as one


@dataclass(frozen=True)
class Scope:
    key: str  # "site", "issuer:12"
    issuer_ids: tuple[int, ...] | None  # None: every issuer
    stack_by: str  # "badge" or "issuer"
    masked: bool  # award counts under 5 hidden too (figures about other issuers' people)

    @classmethod
    def of_issuer(cls, issuer: Issuer) -> Scope:
        return cls(issuer_scope(issuer.pk), (issuer.pk,), "badge", masked=False)

    @classmethod
    def site(cls) -> Scope:
        return cls(SITE, None, "issuer", masked=True)

    @classmethod
    def of_network(cls, network: Network) -> Scope:
        """A network: its own space and its active members, stacked by member."""
        members = network_selectors.active_members_of(network).values_list("issuer_id", flat=True)
        ids = tuple(sorted({network.issuer_id, *members}))
        return cls(network_scope(network.pk), ids, "issuer", masked=True)

    @classmethod
    def of_space(cls, issuer: Issuer) -> Scope:
        """What a space's dashboard and report show: a network's space, the network's figures;
        any other space, its own."""
        network = network_selectors.network_of(issuer)
        return cls.of_network(network) if network is not None else cls.of_issuer(issuer)

    @property
    def is_network(self) -> bool:
        return self.key.startswith("network:")


@dataclass
class Figures:
    awarded: int = 0
    earners: int = 0
    claimed: int = 0
    shared: int = 0
    completed: int = 0

    @property
    def claim_rate(self) -> int | None:
        return privacy.rate(self.claimed, self.awarded)

    @property
    def share_rate(self) -> int | None:
        return privacy.rate(self.shared, self.awarded)


@dataclass
class Series:
    months: list[date]
    series: list[tuple[str, list[int]]]

    @property
    def rows(self) -> list[tuple[date, list[int], int]]:
        """Per month: the value of each series and their total (the table of the chart)."""
        return [
            (month, list(values), sum(values))
            for month, values in zip(
                self.months,
                zip(*(values for _title, values in self.series), strict=True),
                strict=True,
            )
        ]


@dataclass
class Dashboard:
    scope: Scope
    period: periods.Period
    choices: list[periods.Period]
    badges: list[BadgeClass]
    badge: BadgeClass | None
    figures: Figures
    monthly: Series
    top: list[tuple[BadgeClass, int, int]] = field(default_factory=list)
    refreshed_at: datetime | None = None


def refreshed_at() -> datetime | None:
    return Refresh.objects.filter(pk=1).values_list("finished_at", flat=True).first()


def period_choices(scope: Scope) -> list[periods.Period]:
    """Since the start, the last 12 months, then each year with awards, latest first."""
    codes = (
        PeriodTotal.objects.filter(scope=scope.key, badge__isnull=True, period__startswith="y")
        .values_list("period", flat=True)
        .distinct()
    )
    years = sorted((code for code in codes if periods.parse(code)), reverse=True)
    return [*periods.fixed(), *(periods.year(int(code[1:])) for code in years)]


def scope_badges(scope: Scope) -> list[BadgeClass]:
    """The badges a dashboard can be filtered by (an issuer's; none for the site)."""
    if scope.issuer_ids is None:
        return []
    return list(
        BadgeClass.objects.filter(issuer_id__in=scope.issuer_ids)
        .only("uuid", "name", "translations", "language")
        .order_by("name")
    )


def figures(scope: Scope, period: periods.Period, badge: BadgeClass | None) -> Figures:
    key = scope.key
    if badge is not None and scope.is_network:
        key = issuer_scope(badge.issuer_id)  # a badge's figures are its issuer's
    row = (
        PeriodTotal.objects.filter(scope=key, period=period.code, badge=badge)
        .values("awarded", "earners", "claimed", "shared", "completed")
        .first()
    )
    return Figures(**row) if row else Figures()


def _months(period: periods.Period, first: date | None, last: date | None) -> list[date]:
    start = period.start or first
    end = periods.add_months(periods.this_month(), 1) if period.end is None else period.end
    if start is None or last is None:
        return []
    end = min(end, periods.add_months(last, 1)) if period.code.startswith("y") else end
    months, month = [], start
    while month < end:
        months.append(month)
        month = periods.add_months(month, 1)
    return months


def monthly(scope: Scope, period: periods.Period, badge: BadgeClass | None) -> Series:
    """Awards per month of the period, stacked by badge (or issuer): the largest ``STACKS - 1``
    series by name, the others summed as one."""
    rows = BadgeMonth.objects.all()
    if scope.issuer_ids is not None:
        rows = rows.filter(issuer_id__in=scope.issuer_ids)
    if badge is not None:
        rows = rows.filter(badge=badge)
    if period.start:
        rows = rows.filter(month__gte=period.start)
    if period.end:
        rows = rows.filter(month__lt=period.end)
    key = "badge__name" if scope.stack_by == "badge" else "issuer__name"
    counts: dict[str, dict[date, int]] = defaultdict(dict)
    first = last = None
    for row in rows.values("month", key).annotate(total=Sum("awarded")).order_by():
        counts[row[key]][row["month"]] = row["total"]
        first = row["month"] if first is None else min(first, row["month"])
        last = row["month"] if last is None else max(last, row["month"])
    months = _months(period, first, last)
    ranked = sorted(counts, key=lambda name: (-sum(counts[name].values()), name))
    shown, rest = ranked[: STACKS - 1], ranked[STACKS - 1 :]
    if len(rest) == 1:
        shown, rest = ranked, []
    series = [(name, [counts[name].get(month, 0) for month in months]) for name in shown]
    if rest:
        from django.utils.translation import gettext as _

        others = [sum(counts[name].get(month, 0) for name in rest) for month in months]
        series.append((_("Others"), others))
    return Series(months, series)


def top_badges(scope: Scope, period: periods.Period) -> list[tuple[BadgeClass, int, int]]:
    """The badges awarded most in the period: (badge, awards, distinct earners)."""
    rows = PeriodTotal.objects.filter(period=period.code, badge__isnull=False)
    if scope.issuer_ids is None:
        rows = rows.filter(scope__startswith="issuer:")
    else:
        rows = rows.filter(scope__in=[issuer_scope(pk) for pk in scope.issuer_ids])
    rows = rows.select_related("badge__issuer").order_by("-awarded", "badge__name")[:TOP]
    return [(row.badge, row.awarded, row.earners) for row in rows if row.badge]


def dashboard(
    scope: Scope,
    period: periods.Period,
    badge: BadgeClass | None,
    *,
    choices: list[periods.Period] | None = None,
    badges: list[BadgeClass] | None = None,
) -> Dashboard:
    """Everything a dashboard shows (``choices`` and ``badges`` when already read)."""
    return Dashboard(
        scope=scope,
        period=period,
        choices=period_choices(scope) if choices is None else choices,
        badges=scope_badges(scope) if badges is None else badges,
        badge=badge,
        figures=figures(scope, period, badge),
        monthly=monthly(scope, period, badge),
        top=top_badges(scope, period),
        refreshed_at=refreshed_at(),
    )


def masked(scope: Scope, value: int) -> str:
    """An award count as the scope shows it ("< 5" where figures of other issuers' people)."""
    return privacy.people(value) if scope.masked else str(value)


def csv_rows(board: Dashboard, chart: str) -> tuple[list[str], Sequence[Sequence[Any]]]:
    """The table of a chart as header and rows (for its CSV download)."""
    from django.utils.translation import gettext as _

    if chart == "top":
        header = [_("Badge"), _("Issuer"), _("Awards"), _("Distinct earners")]
        return header, [
            [b.name, b.issuer.name, masked(board.scope, n), privacy.people(e)]
            for b, n, e in board.top
        ]
    header = [_("Month"), *(title for title, _values in board.monthly.series), _("Total")]
    return header, [
        [
            month.strftime("%Y-%m"),
            *(masked(board.scope, v) for v in values),
            masked(board.scope, total),
        ]
        for month, values, total in board.monthly.rows
    ]


def people_shown(count: int) -> str:
    """A count of people as every page and file of this site shows it (the privacy rules)."""
    return privacy.people(count)
