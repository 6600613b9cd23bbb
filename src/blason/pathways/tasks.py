"""Background work of pathways: the engine, after the commit of what changed (idempotent)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="default")
def progress_recompute(*, user_id: int) -> int:
    """One person's progress in every pathway that concerns them (``engine``)."""
    from blason.pathways import engine

    return len(engine.progress_recompute(user_id=user_id))


@task(queue_name="default")
def awards_changed(*, award_ids: list[int]) -> int:
    """The holders of these awards, then their progress (``people.holders_of_awards``)."""
    from blason.pathways import engine, people

    users = people.holders_of_awards(award_ids)
    for user_id in sorted(users):
        engine.progress_recompute(user_id=user_id)
    return len(users)


@task(queue_name="default")
def pathway_backfill(*, pathway_id: int) -> int:
    """Everyone who already qualifies for a pathway just published."""
    from blason.pathways import engine, people

    users = people.holders_of_pathway(pathway_id)
    for user_id in sorted(users):
        engine.progress_recompute(user_id=user_id)
    return len(users)
