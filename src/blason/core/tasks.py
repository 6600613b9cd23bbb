"""Background work shared by every app.

Tasks are thin: they take plain JSON values, do one thing, and are safe to run twice. They are
enqueued only after the surrounding transaction commits (``enqueue_on_commit``), so a worker
never sees work for data that was rolled back.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django_tasks import task

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_obj: Any, /, *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(partial(task_obj.enqueue, *args, **kwargs), robust=False)


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
    """Deliver one e-mail through the configured backend (SMTP in production)."""
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
