"""Background work of the issuing app. Tasks are thin: they take ids and call a service."""

from __future__ import annotations

from django_tasks import task

from blason.issuing.awarding import batch_reading, batches, emails


@task(queue_name="default")
def read_batch(batch_uuid: str) -> str:
    """Read and check an uploaded spreadsheet (``batch_reading.batch_read``); safe to run
    twice."""
    return batch_reading.batch_read(batch_uuid)


@task(queue_name="default")
def award_batch(batch_uuid: str) -> str:
    """Award the rows of a confirmed spreadsheet (``batches.batch_run``); safe to run twice."""
    return batches.batch_run(batch_uuid)


@task(queue_name="default")
def send_award_emails(award_uuids: list[str]) -> int:
    """Tell the recipients of a bulk award by e-mail (``emails.send_award_emails``): kept for
    tasks queued before the outbox; bulk awards now record their e-mails in the outbox."""
    return emails.send_award_emails(award_uuids)
