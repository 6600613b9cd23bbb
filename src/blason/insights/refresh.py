"""Rebuilding the facts (``services.facts_refresh``) and the worker's check that they are due.

The rebuild replaces every fact in one transaction, holding the lock of the ``Refresh`` row so
that two runs never interleave: pages read either the old facts or the new ones, never half.
Its cost grows with the awards (a dozen grouped queries); pages read only the facts.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from blason.core.models import AuditEntry
from blason.insights import periods, skills, sources
from blason.insights.models import (
    SITE,
    BadgeMonth,
    PeriodTotal,
    Refresh,
    issuer_scope,
    network_scope,
)

# Audit entries after which the facts are worth refreshing before they are old.
CHANGES = (
    "issuing.award.",
    "backpack.award.",
    "backpack.awards.",
    "backpack.item.published",
    "networks.member.",
    "pathways.",
)
# A refresh asked for and not started this long after is asked for again (a lost task).
LOST_AFTER = timedelta(minutes=30)


def _day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _total(
    group: tuple[str, ...], row: dict[str, Any], period: str, completed: dict[int, int]
) -> PeriodTotal:
    scope = issuer_scope(row["issuer_id"]) if group else SITE
    done = 0
    if group == sources.BY_ISSUER:
        done = completed.get(row["issuer_id"], 0)
    elif not group:
        done = sum(completed.values())
    return PeriodTotal(
        scope=scope,
        badge_id=row.get("badge_id"),
        period=period,
        awarded=row["awarded"] or 0,
        earners=row["earners"] or 0,
        claimed=row["claimed"] or 0,
        shared=row["shared"] or 0,
        completed=done,
    )


def _network_totals(
    period: str, row: dict[str, Any], network_id: int, completed: int
) -> PeriodTotal:
    return PeriodTotal(
        scope=network_scope(network_id),
        period=period,
        awarded=row["awarded"] or 0,
        earners=row["earners"] or 0,
        claimed=row["claimed"] or 0,
        shared=row["shared"] or 0,
        completed=completed,
    )


def _totals() -> list[PeriodTotal]:
    """Every period figure: per badge, issuer, network and the site (a network counts its
    distinct earners over its issuers together: one query per network and period)."""
    groups = (sources.BY_BADGE, sources.BY_ISSUER, sources.BY_SITE)
    networks = sources.networks()
    totals: list[PeriodTotal] = []
    for period in periods.fixed():
        since, until = periods.aware(period.start), periods.aware(period.end)
        completed = sources.pathways_completed(since, until)
        for group in groups:
            for row in sources.period(group, since, until):
                if row["awarded"]:
                    totals.append(_total(group, row, period.code, completed))
        for network_id, ids in networks.items():
            row = sources.network_period(ids, since, until)
            done = sum(completed.get(pk, 0) for pk in ids)
            if row["awarded"] or done:
                totals.append(_network_totals(period.code, row, network_id, done))
    yearly = sources.pathways_completed_yearly()
    for group in groups:
        for row in sources.yearly(group):
            year = _day(row["year"]).year
            completed = {pk: n for (pk, y), n in yearly.items() if y == year}
            totals.append(_total(group, row, f"y{year}", completed))
    for network_id, ids in networks.items():
        for row in sources.network_yearly(ids):
            year = _day(row["year"]).year
            done = sum(n for (pk, y), n in yearly.items() if y == year and pk in ids)
            totals.append(_network_totals(f"y{year}", row, network_id, done))
    return totals


def facts_rebuild() -> dict[str, Any]:
    """Replace every fact by one counted from the awards now; returns what was written."""
    clock = time.monotonic()
    with transaction.atomic():
        Refresh.objects.get_or_create(pk=1)
        state = Refresh.objects.select_for_update().get(pk=1)
        state.started_at = timezone.now()
        BadgeMonth.objects.all().delete()
        PeriodTotal.objects.all().delete()
        months = [
            BadgeMonth(
                issuer_id=row["issuer_id"],
                badge_id=row["badge_id"],
                month=_day(row["month"]),
                awarded=row["awarded"],
                claimed=row["claimed"],
                shared=row["shared"],
            )
            for row in sources.monthly()
        ]
        BadgeMonth.objects.bulk_create(months, batch_size=2000)
        totals = _totals()
        PeriodTotal.objects.bulk_create(totals, batch_size=2000)
        cells = skills.rebuild()
        state.finished_at = timezone.now()
        state.seconds = round(time.monotonic() - clock, 3)
        state.awards = sum(month.awarded for month in months)
        state.save()
    return {
        "months": len(months),
        "totals": len(totals),
        "cells": cells,
        "awards": state.awards,
        "seconds": state.seconds,
    }


def is_due(now: datetime | None = None) -> bool:
    """Whether the facts should be refreshed: never built, older than INSIGHTS_MAX_AGE_MINUTES,
    or older than INSIGHTS_MIN_INTERVAL_MINUTES with awards changed since (audit entries)."""
    now = now or timezone.now()
    state = Refresh.objects.filter(pk=1).first()
    if state is None or state.finished_at is None:
        return state is None or state.requested_at is None or state.requested_at < now - LOST_AFTER
    if state.requested_at and state.requested_at > state.finished_at:
        return state.requested_at < now - LOST_AFTER  # asked for already
    age = now - state.finished_at
    if age >= timedelta(minutes=settings.INSIGHTS_MAX_AGE_MINUTES):
        return True
    if age < timedelta(minutes=settings.INSIGHTS_MIN_INTERVAL_MINUTES):
        return False
    changes = AuditEntry.objects.filter(created_at__gt=state.finished_at)
    return any(changes.filter(action__startswith=prefix).exists() for prefix in CHANGES)


def sweep(live: set[str] | None = None) -> bool:
    """A worker round: ask for a refresh when the facts are due (``is_due``)."""
    if not is_due():
        return False
    from blason.insights import services

    services.facts_refresh_request()
    return True
