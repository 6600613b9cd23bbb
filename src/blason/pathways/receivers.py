"""What pathways does when issuing or the backpack tells core that badges changed
(``blason.core.hooks``): queue the engine for after the commit, when a pathway is concerned.

Registered at start-up: the task queue is imported only when used, so that its backend is
chosen once the settings are final (as ``blason.issuing.hooks`` explains)."""

from __future__ import annotations

from typing import Any

from blason.pathways.models import Pathway, PathwayStatus, Requirement

# Award ids per queued task (a spreadsheet of 100,000 awards makes 100 tasks).
CHUNK = 1000


def _in_a_pathway(badge: Any) -> bool:
    from blason.issuing.awarding.selectors import badge_url

    return (
        Requirement.objects.filter(
            step__pathway__status=PathwayStatus.PUBLISHED, badge_id=badge.pk
        ).exists()
        or Requirement.objects.filter(
            step__pathway__status=PathwayStatus.PUBLISHED, achievement_id=badge_url(badge)
        ).exists()
    )


def awards_changed(*, badge: Any, awards: list[Any]) -> None:
    """Awards of ``badge`` were issued or revoked: their holders' progress, after the commit
    (nothing queued when no published pathway asks for the badge)."""
    from blason.core.tasks import enqueue_on_commit
    from blason.pathways import tasks

    if not _in_a_pathway(badge):
        return
    ids = [award.pk for award in awards]
    for start in range(0, len(ids), CHUNK):
        enqueue_on_commit(tasks.awards_changed, award_ids=ids[start : start + CHUNK])


def holdings_changed(*, user_id: int) -> None:
    """The badges of account ``user_id`` may have changed: their progress, after the commit (nothing
    queued while no pathway is published)."""
    from blason.core.tasks import enqueue_on_commit
    from blason.pathways import tasks

    if Pathway.objects.filter(status=PathwayStatus.PUBLISHED).exists():
        enqueue_on_commit(tasks.progress_recompute, user_id=user_id)
