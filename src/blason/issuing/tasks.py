"""Background work of the issuing app. Tasks are thin: they take ids and call a service."""

from __future__ import annotations

from django_tasks import task

from blason.issuing import batches


@task(queue_name="default")
def award_batch(batch_uuid: str) -> str:
    """Award the rows of a confirmed spreadsheet (``batches.batch_run``); safe to run twice."""
    return batches.batch_run(batch_uuid)
