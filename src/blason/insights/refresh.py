"""The worker's check that the facts are due for a refresh, and its request for one (the
rebuild itself is ``counting.facts_rebuild``, run by ``services.facts_refresh``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from blason.core.models import AuditEntry
from blason.insights.models import Refresh

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
