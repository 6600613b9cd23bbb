"""Background work shared by every app.

Tasks are thin: they take plain JSON values, do one thing, and are safe to run twice. They are
queued through the database (``enqueue_on_commit``): a ``PendingTask`` row is written in the
same transaction as the work, handed to the queue after the commit, and handed over later by a
worker if the queue cannot be reached then. So a worker never sees work for data that was
rolled back, and a write never fails (or is lost) because Redis is down at that moment.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from blason.core.models import PendingTask

logger = logging.getLogger(__name__)

# A pending task not handed over this long after its commit is handed over by a worker.
RELAY_AFTER = timedelta(seconds=10)


def enqueue_on_commit(task_obj: Any, /, *args: Any, **kwargs: Any) -> None:
    """Queue ``task_obj(*args, **kwargs)`` once the current transaction commits, durably.

    ``task_obj`` is a task or its dotted path (a module that a task calls back queues it by
    name, without importing the tasks module: no import cycle)."""
    path = task_obj if isinstance(task_obj, str) else task_obj.module_path
    pending = PendingTask.objects.create(task=path, kwargs={"args": list(args), "kwargs": kwargs})
    transaction.on_commit(lambda: _hand_over(pending.pk))


def _hand_over(pk: int) -> bool:
    """Queue one pending task and forget it; on failure keep it for a worker to retry."""
    pending = PendingTask.objects.filter(pk=pk).first()
    if pending is None:
        return False
    try:
        task_obj = import_string(pending.task)
        task_obj.enqueue(*pending.kwargs.get("args", []), **pending.kwargs.get("kwargs", {}))
    except Exception as exc:
        logger.warning("could not queue %s (%s); a worker will retry", pending.task, exc)
        PendingTask.objects.filter(pk=pk).update(
            attempts=F("attempts") + 1, last_error=f"{exc.__class__.__name__}: {exc}"[:2000]
        )
        return False
    PendingTask.objects.filter(pk=pk).delete()
    return True


def relay_sweep(live_workers: set[str]) -> None:
    """A worker's round (``worker.SWEEPS``): ``relay_pending``."""
    relay_pending()


def relay_pending(limit: int = 500) -> int:
    """Hand over the tasks whose commit-time hand-over failed or never ran (a worker's round).
    A task handed over twice (a slow first hand-over) runs twice: tasks are idempotent."""
    now = timezone.now()
    handed = 0
    rows = PendingTask.objects.filter(created_at__lt=now - RELAY_AFTER).order_by("pk")
    for pk, created in rows.values_list("pk", "created_at")[:limit]:
        # Claimed by moving its time: another worker's round skips it for a while.
        if PendingTask.objects.filter(pk=pk, created_at=created).update(created_at=now):
            handed += _hand_over(pk)
    return handed


@task(queue_name="default")
def deliver_outbox() -> int:
    """Send the e-mails waiting in the outbox (``blason.core.outbox``)."""
    from blason.core import outbox
    from blason.core.worker import current_worker_id

    return outbox.deliver_due(worker_id=current_worker_id())


@task(queue_name="default")
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    """Deliver one e-mail through the configured backend (kept for tasks queued before the
    outbox; new e-mail goes through ``blason.core.outbox``)."""
    message = EmailMultiAlternatives(
        subject, body, from_email, to, headers=headers or None, connection=get_connection()
    )
    if html:
        message.attach_alternative(html, "text/html")
    sent = message.send()
    logger.info("e-mail %r sent to %d recipient(s)", subject, len(to))
    return sent


@task(queue_name="default")
def ping(value: str) -> str:
    """A no-op task: operators and the test suite use it to prove a worker is consuming."""
    return f"pong:{value}"
