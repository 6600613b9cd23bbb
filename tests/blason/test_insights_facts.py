"""The facts the dashboards read equal a hand count of the fixture network."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from blason.core.models import AuditEntry
from blason.insights import refresh, services
from blason.insights.models import SITE, BadgeMonth, PeriodTotal, Refresh, issuer_scope
from tests.blason.insights_fixtures import network

pytestmark = pytest.mark.django_db


def totals(scope: str, period: str = "all") -> dict[Any, tuple[int, int, int, int]]:
    rows = PeriodTotal.objects.filter(scope=scope, period=period)
    return {row.badge_id: (row.awarded, row.earners, row.claimed, row.shared) for row in rows}


def test_the_facts_equal_a_hand_count(world: Any) -> None:
    net = network(world)
    written = services.facts_refresh()
    assert written["awards"] == 13  # 9 + 2 (one of 3 revoked) + 2
    a = issuer_scope(world.org_a.pk)
    assert totals(a) == {
        net.accueil.pk: (9, 7, 2, 1),  # P0/P1 are p0/p1: e-mail addresses are case-blind
        net.cuisine.pk: (2, 2, 0, 0),
        None: (11, 9, 2, 1),
    }
    assert totals(a, "y2025") == {net.accueil.pk: (7, 7, 2, 1), None: (7, 7, 2, 1)}
    assert totals(a, "y2026")[None] == (4, 4, 0, 0)
    assert totals(SITE) == {None: (13, 11, 2, 1)}
    months = {
        (row.badge_id, row.month): row.awarded
        for row in BadgeMonth.objects.filter(issuer=world.org_a)
    }
    assert months == {
        (net.accueil.pk, date(2025, 3, 1)): 7,
        (net.accueil.pk, date(2026, 1, 1)): 2,
        (net.cuisine.pk, date(2026, 1, 1)): 2,
    }
    assert AuditEntry.objects.filter(action="insights.facts.refreshed").count() == 1


def test_a_refresh_replaces_the_facts(world: Any) -> None:
    network(world)
    services.facts_refresh()
    first = PeriodTotal.objects.count()
    services.facts_refresh()
    assert PeriodTotal.objects.count() == first
    state = Refresh.objects.get(pk=1)
    assert state.finished_at is not None
    assert state.awards == 13


def test_the_sweep_asks_when_due(world: Any, settings: Any) -> None:
    assert refresh.is_due()  # never built
    services.facts_refresh()
    assert not refresh.is_due()
    state = Refresh.objects.get(pk=1)
    later = state.finished_at + timedelta(minutes=settings.INSIGHTS_MIN_INTERVAL_MINUTES + 1)
    assert not refresh.is_due(later)  # nothing changed
    network(world)  # awards are issued: audit entries after the refresh
    assert refresh.is_due(later)
    old = state.finished_at + timedelta(minutes=settings.INSIGHTS_MAX_AGE_MINUTES)
    assert refresh.is_due(old)


def test_the_sweep_asks_once(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        assert refresh.sweep()
    assert not refresh.sweep()  # asked already, not lost yet
    assert not refresh.is_due()
    state = Refresh.objects.get(pk=1)
    assert refresh.is_due(state.requested_at + refresh.LOST_AFTER + timedelta(seconds=1))
    assert timezone.now() - state.requested_at < timedelta(minutes=1)
