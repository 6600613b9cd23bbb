"""Durable e-mail and SMS: every message is a row written with the change it tells about,
delivered by the workers at least once, never lost to a crash or to the queue being down.
Delivery dispatches on the row's ``kind``: "email" here, "sms" through ``blason.core.sms``
(its backend, rate limits and quiet hours); states, retries and recovery are shared.

The life of an ``OutboxMessage``: PENDING (due at ``next_attempt_at``) → SENDING (claimed by
one sender, with a lease) → SENT once the mail server has accepted it; a refused or failing
delivery goes back to PENDING with a growing delay, then FAILED after ``OUTBOX_MAX_ATTEMPTS``
(or at once when the server refuses the address). CANCELLED: nothing left to say (the award
was revoked before its e-mail went out).

Who delivers: after the commit, a ``deliver_outbox`` task is queued (best effort: if Redis is
down, nothing is lost), and every worker also delivers due messages on its own every second.
Senders claim a message with a conditional update, so two senders never send the same row.

The exact guarantee: a message is sent at least once. It is sent twice only if a sender dies
after the mail server accepted it and before the SENT mark was written (one database update,
right after the SMTP reply): then at most the one message each dead sender had in hand is sent
again, with the same Message-ID (derived from ``key``), so mail servers and people can tell.
"""

from __future__ import annotations

import hashlib
import logging
import random
import smtplib
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Case, Count, F, Min, Q, When
from django.utils import timezone
from django.utils.module_loading import import_string

from blason.core import worker
from blason.core.bulk_insert import insert_fields, insert_rows
from blason.core.models import OutboxMessage, OutboxState

logger = logging.getLogger(__name__)

# Channels other than e-mail, by the ``kind`` of their rows: ``blason.core.sms`` registers
# itself ("sms") in ``CoreConfig.ready()``. Each has ``enabled()``, ``get_backend()`` and
# ``deliver(row, *, worker_id, backend)``, which marks the row through this module.
CHANNELS: dict[str, Any] = {}
# Queued by dotted path: the task calls back into this module (no import cycle).
DELIVER_OUTBOX = "blason.core.tasks.deliver_outbox"

# name → dotted path of a function(render_args) giving the message to send, or None when there
# is nothing left to say. Apps register theirs in ``AppConfig.ready()`` (core imports no
# domain app).
RENDERERS: dict[str, str] = {}
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


def lease() -> timedelta:
    """How long a sender may hold a message before others may take it back."""
    slowest = max(int(settings.EMAIL_TIMEOUT or 20), int(getattr(settings, "SMS_TIMEOUT", 10)))
    return timedelta(seconds=2 * slowest + 30)


def message_id(key: str) -> str:
    """The Message-ID of the message recorded under ``key``: the same for every attempt."""
    domain = parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1].rpartition("@")[2] or "blason"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<outbox.{digest}@{domain}>"


def _fields(message: EmailMessage) -> dict[str, Any]:
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                html = str(content)
    body = str(message.body)
    if getattr(message, "content_subtype", "plain") == "html":
        html, body = body, ""
    return {
        "subject": str(message.subject),
        "body": body,
        "html": html,
        "from_email": message.from_email or "",
        "headers": {str(k): str(v) for k, v in (message.extra_headers or {}).items()},
    }


def record(message: EmailMessage, *, key: str | None = None) -> None:
    """Record ``message`` (one row per recipient) in the current transaction; it is sent once
    that commits. The same ``key`` recorded again is ignored (sent once)."""
    fields = _fields(message)
    rows = []
    for number, to in enumerate(message.to):
        row_key = f"{key}:{number}" if key and len(message.to) > 1 else key
        rows.append(OutboxMessage(key=row_key or _random_key(), to=str(to), **fields))
    record_rows(rows)


def record_rendered(items: Iterable[tuple[str, str, dict[str, Any]]], *, renderer: str) -> int:
    """Record messages rendered at delivery by ``renderer``: ``(key, to, render_args)`` each."""
    rows = [(key, to, renderer, args) for key, to, args in items]
    if rows:
        # Field values rather than objects: a bulk award records tens of thousands.
        insert_fields(OutboxMessage, ("key", "to", "renderer", "render_args"), rows)
        _kick_on_commit()
    return len(rows)


def record_rows(rows: list[OutboxMessage]) -> None:
    if not rows:
        return
    # One prepared statement for every row (bulk awards record tens of thousands).
    insert_rows(OutboxMessage, rows, ignore_conflicts=True)
    _kick_on_commit()


def _random_key() -> str:
    return f"msg:{random.getrandbits(128):032x}"


def _kick_on_commit() -> None:
    """Ask for delivery once the transaction commits."""
    transaction.on_commit(_kick)


@dataclass
class _Coalesced:
    every: float
    queued_at: float = float("-inf")
    waiting: bool = False  # a commit since the last task still waits for one


_coalesced: ContextVar[_Coalesced | None] = ContextVar("outbox_kicks", default=None)


@contextmanager
def kicks_coalesced(every: float = 1.0) -> Iterator[None]:
    """Within this block, queue the delivery task at most once every ``every`` seconds, and
    once more at its end if a commit since the last one recorded messages.

    For work that commits many transactions in a row (a bulk award's chunks, a few
    hundredths of a second each): a task per commit cost about 6 % of the awarding on
    SQLite (an insert and a commit each). Nothing waits longer than ``every`` seconds, or the
    end of the block, for a task; and every worker delivers due messages on its own every
    second anyway."""
    state = _Coalesced(every)
    token = _coalesced.set(state)
    try:
        yield
    finally:
        _coalesced.reset(token)
        if state.waiting:
            _kick()


def _kick() -> None:
    """Queue a delivery task; if the queue is down, the workers deliver on their own."""
    state = _coalesced.get()
    if state is not None:
        now = time.monotonic()
        if now - state.queued_at < state.every:
            state.waiting = True
            return
        state.queued_at, state.waiting = now, False
    try:
        import_string(DELIVER_OUTBOX).enqueue()
    except Exception as exc:  # Redis down: the rows wait for a worker's own round
        logger.warning("could not queue e-mail delivery (%s); a worker will send it", exc)


def _claim(worker_id: str, now: datetime) -> OutboxMessage | None:
    """Take one due message for this sender, or None when nothing is due."""
    due = OutboxMessage.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=now)
    candidates = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:20])
    random.shuffle(candidates)  # concurrent senders rarely race for the same row
    for pk in candidates:
        taken = OutboxMessage.objects.filter(pk=pk, state=OutboxState.PENDING).update(
            state=OutboxState.SENDING,
            claimed_by=worker_id,
            lease_until=now + lease(),
            attempts=F("attempts") + 1,
        )
        if taken:
            return OutboxMessage.objects.get(pk=pk)
    return None


def _build(row: OutboxMessage) -> EmailMessage | None:
    if row.renderer:
        path = RENDERERS.get(row.renderer)
        if path is None:
            raise LookupError(f"no e-mail renderer named {row.renderer!r}")
        render: Callable[[dict[str, Any]], EmailMessage | None] = import_string(path)
        built = render(row.render_args)
        if built is None:
            return None
        fields = _fields(built)
    else:
        fields = {
            "subject": row.subject,
            "body": row.body,
            "html": row.html,
            "from_email": row.from_email,
            "headers": row.headers,
        }
    headers = {**fields["headers"], "Message-ID": message_id(row.key)}
    message = EmailMultiAlternatives(
        fields["subject"], fields["body"], fields["from_email"] or None, [row.to], headers=headers
    )
    if fields["html"]:
        message.attach_alternative(fields["html"], "text/html")
    return message


def _mark(row: OutboxMessage, worker_id: str, **values: Any) -> None:
    OutboxMessage.objects.filter(pk=row.pk, state=OutboxState.SENDING, claimed_by=worker_id).update(
        lease_until=None, **values
    )


def _retry_delay(attempts: int) -> timedelta:
    delay: timedelta = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(delay, LONGEST_RETRY)


def _failed(row: OutboxMessage, worker_id: str, error: str, *, final: bool) -> None:
    now = timezone.now()
    final = final or row.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    _mark(
        row,
        worker_id,
        state=OutboxState.FAILED if final else OutboxState.PENDING,
        last_error=error[:2000],
        next_attempt_at=now if final else now + _retry_delay(row.attempts),
    )
    log = logger.error if final else logger.warning
    what = "SMS" if row.kind == "sms" else "e-mail"
    log("%s %s to %s not delivered (attempt %d): %s", what, row.key, row.to, row.attempts, error)


def deliver_due(*, worker_id: str = "", limit: int | None = None) -> int:
    """Send the due messages one by one until none is due (or ``limit`` were handled); each
    is marked sent as soon as the mail server accepts it. Returns how many were sent."""
    sent = handled = 0
    connection: Any = None
    backends: dict[str, Any] = {}
    try:
        while (limit is None or handled < limit) and not worker.stop_requested():
            row = _claim(worker_id, timezone.now())
            if row is None:
                break
            handled += 1
            channel = CHANNELS.get(row.kind)
            if channel is not None:
                if backends.get(row.kind) is None and channel.enabled():
                    try:
                        backends[row.kind] = channel.get_backend()
                    except Exception as exc:  # a backend that cannot be built: tried later
                        logger.exception("the %s backend cannot be built", row.kind)
                        _failed(row, worker_id, f"{exc.__class__.__name__}: {exc}", final=False)
                        continue
                backend = backends.get(row.kind)
                sent += channel.deliver(row, worker_id=worker_id, backend=backend)
                continue
            try:
                message = _build(row)
            except Exception as exc:
                logger.exception("e-mail %s could not be written", row.key)
                _failed(row, worker_id, f"{exc.__class__.__name__}: {exc}", final=False)
                continue
            if message is None:
                _mark(row, worker_id, state=OutboxState.CANCELLED, sent_at=timezone.now())
                continue
            if connection is None:
                connection = get_connection()
            message.connection = connection
            try:
                message.send()
            except smtplib.SMTPRecipientsRefused as exc:
                _failed(row, worker_id, f"address refused: {exc.recipients}", final=True)
                continue
            except (smtplib.SMTPException, OSError) as exc:  # timeouts included
                _failed(row, worker_id, f"{exc.__class__.__name__}: {exc}", final=False)
                _close(connection)
                connection = None
                continue
            _mark(row, worker_id, state=OutboxState.SENT, sent_at=timezone.now(), last_error="")
            sent += 1
    finally:
        if connection is not None:
            _close(connection)
    return sent


def _close(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # the connection was already broken
        logger.debug("closing the mail connection failed", exc_info=True)


def recover(live_workers: set[str]) -> int:
    """Put back the messages whose sender died (its worker stopped beating) or whose lease ran
    out: they were maybe sent, maybe not, and are sent (again) with the same Message-ID."""
    now = timezone.now()
    lost = Q(lease_until__lt=now) | (~Q(claimed_by="") & ~Q(claimed_by__in=live_workers))
    count = OutboxMessage.objects.filter(Q(state=OutboxState.SENDING) & lost).update(
        state=OutboxState.PENDING,
        next_attempt_at=now,
        lease_until=None,
        last_error="its sender stopped during delivery; sent again",
    )
    if count:
        logger.warning("%d e-mail(s) taken back from a stopped sender", count)
    return count


def status(stuck_after: timedelta, kind: str = "email") -> dict[str, Any]:
    """Counts of one ``kind`` for ``/healthz`` (one query): waiting, stuck (waiting longer
    than ``stuck_after``) and failed in the last day. An SMS held back by the quiet hours is
    waiting ("deferred") but not stuck: it counts from when it was due (08:00 for one
    recorded at night)."""
    now = timezone.now()
    waiting = Q(state__in=(OutboxState.PENDING, OutboxState.SENDING))
    late, extra = waiting, {}
    since: Any = F("created_at")
    if kind == "sms":
        deferred = Q(state=OutboxState.PENDING, attempts=0, next_attempt_at__gt=now)
        late = waiting & ~deferred
        since = Case(When(attempts=0, then=F("next_attempt_at")), default=F("created_at"))
        extra = {"deferred": Count("pk", filter=deferred)}
    rows = OutboxMessage.objects.filter(
        kind=kind, state__in=(OutboxState.PENDING, OutboxState.SENDING, OutboxState.FAILED)
    ).annotate(since=since)
    counts = rows.aggregate(
        waiting=Count("pk", filter=waiting),
        oldest=Min("since", filter=late),
        stuck=Count("pk", filter=late & Q(since__lt=now - stuck_after)),
        failed=Count(
            "pk",
            filter=Q(state=OutboxState.FAILED, next_attempt_at__gte=now - timedelta(days=1)),
        ),
        **extra,
    )
    oldest = counts["oldest"]
    return {
        "waiting": counts["waiting"],
        **({"deferred": counts["deferred"]} if kind == "sms" else {}),
        "oldest_waiting_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0.0,
        "stuck": counts["stuck"],
        "failed_last_day": counts["failed"],
    }
