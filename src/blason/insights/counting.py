"""Rebuilding the facts (``services.facts_refresh``).

The rebuild replaces every fact in one transaction, holding the lock of the ``Refresh`` row so
that two runs never interleave: pages read either the old facts or the new ones, never half.
Its cost grows with the awards (a dozen grouped queries); pages read only the facts.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from blason.insights import periods, skills, sources
from blason.insights.models import SITE, BadgeMonth, PeriodTotal, Refresh, issuer_scope


def _day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _total(group: tuple[str, ...], row: dict[str, Any], period: str) -> PeriodTotal:
    scope = issuer_scope(row["issuer_id"]) if group else SITE
    return PeriodTotal(
        scope=scope,
        badge_id=row.get("badge_id"),
        period=period,
        awarded=row["awarded"] or 0,
        earners=row["earners"] or 0,
        claimed=row["claimed"] or 0,
        shared=row["shared"] or 0,
    )


def _totals() -> list[PeriodTotal]:
    groups = (sources.BY_BADGE, sources.BY_ISSUER, sources.BY_SITE)
    totals: list[PeriodTotal] = []
    for period in periods.fixed():
        since, until = periods.aware(period.start), periods.aware(period.end)
        for group in groups:
            for row in sources.period(group, since, until):
                if row["awarded"]:
                    totals.append(_total(group, row, period.code))
    for group in groups:
        for row in sources.yearly(group):
            totals.append(_total(group, row, f"y{_day(row['year']).year}"))
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
