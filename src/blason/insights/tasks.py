"""Background work of the insights app: the refresh of the facts (asked by ``refresh.sweep``
on every worker round when due, or by an operator)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from blason.insights import services


@task(queue_name="default")
def refresh_facts() -> dict[str, Any]:
    """Count the facts again; safe to run twice (the second run waits for the first)."""
    return services.facts_refresh()
