"""The writes of the insights app: refreshing the facts, a person's opt-out of territory
statistics, the place of an award's activity. Each records an audit entry."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from blason.core import audit
from blason.core.tasks import enqueue_on_commit
from blason.insights import counting
from blason.insights.models import AwardPlace, Refresh, TerritoryOptOut
from blason.insights.territories import clean_departement

# Queued by dotted path: the task calls back into this module (no import cycle).
REFRESH_FACTS = "blason.insights.tasks.refresh_facts"


@transaction.atomic
def facts_refresh(*, actor: Any = None) -> dict[str, Any]:
    """Count the facts again from the awards (what the refresh task runs); safe to run twice."""
    written = counting.facts_rebuild()
    audit.record(action="insights.facts.refreshed", actor=actor, data=written)
    return written


@transaction.atomic
def facts_refresh_request(*, actor: Any = None) -> None:
    """Ask a worker to refresh the facts (once the current transaction commits)."""
    Refresh.objects.get_or_create(pk=1)
    Refresh.objects.filter(pk=1).update(requested_at=timezone.now())
    audit.record(action="insights.facts.requested", actor=actor)
    enqueue_on_commit(REFRESH_FACTS)


@transaction.atomic
def territory_opt_out_set(*, user: Any, opted_out: bool) -> bool:
    """Leave a person out of territory statistics (or count them again); True if it changed."""
    if opted_out:
        _row, changed = TerritoryOptOut.objects.get_or_create(user=user)
    else:
        changed = bool(TerritoryOptOut.objects.filter(user=user).delete()[0])
    if changed:
        action = "insights.territory.opted_out" if opted_out else "insights.territory.opted_in"
        audit.record(action=action, actor=user, target=user)
    return changed


@transaction.atomic
def award_place_set(*, award: Any, territory: str, actor: Any) -> AwardPlace | None:
    """Say in which département the activity an award recognises took place ("" forgets it).
    Raises ``ValueError`` with a message for a code that names no département."""
    if not territory.strip():
        AwardPlace.objects.filter(award=award).delete()
        place = None
    else:
        code = clean_departement(territory)
        place, _created = AwardPlace.objects.update_or_create(
            award=award, defaults={"territory": code}
        )
    audit.record(
        action="insights.award_place.set",
        actor=actor,
        issuer=award.issuer,
        target=award,
        data={"territory": place.territory if place else ""},
    )
    return place
