"""Awarding from a spreadsheet: adjust the columns of a checked file, confirm, then award in
the background with progress that the batch page shows. (Uploading and reading the file:
``batch_reading``.)

Why one module of over 400 lines: the life of a batch is one state machine. Confirming, the
background run, cancelling, resuming and recovering stalled batches all read and write the same
states under the same row lock, and each part is only right with the others in view.

The life of an ``AwardBatch``: READING (uploaded; a background task reads the file) → CHECKED
(every row checked, nothing issued; the columns can be changed) or REFUSED (the file cannot be
read: ``mapping["refusal"]`` says why) → QUEUED (confirmed; only the rows to award are kept) →
RUNNING → DONE, FAILED or CANCELLED; FAILED and CANCELLED batches, and RUNNING ones whose
worker died, can be resumed. READING, REFUSED and CHECKED batches are not confirmed: they can
be discarded, and a newer file from the same person for the same badge replaces them.

While READING, ``mapping`` holds {"queued_at", "uploader_language"} and, once a task has taken
the file, {"attempts", "reading_started_at"}; ``done`` counts the lines read so far. While
REFUSED it holds {"refusal": {"code", "params"}}. While CHECKED, ``mapping`` holds {"columns",
"header", "table"}: the file's cells, so that a new choice of columns can be checked again
without uploading the file again. Confirming drops the
table and records {"excluded", "queued_at"}.

A batch is never left stuck: ``runner`` names the worker reading or awarding it, and when that
worker stops beating (``blason.core.worker``), another worker queues the batch again within
``WORKER_DEAD_SECONDS`` (``recover_batches``); an uploaded or confirmed batch whose task was
lost (a worker that could not reach the database took it) is queued again too, and a confirmed
one can be resumed by hand.

Awarding is idempotent and resumable: each row is awarded with an idempotency key made of the
file's SHA-256 and the person (``batch_rows.idempotency_key``), and ``done + skipped`` — written
in the same transaction as the awards of each chunk — is where the next chunk starts. A crash
loses at most the chunk in progress (rolled back, awarded again on resume); two runners of the
same batch take turns on the locked batch row instead of awarding anything twice.
"""

from __future__ import annotations

import itertools
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from blason.core import audit, outbox, quotas, worker
from blason.core.exceptions import ActionRefused
from blason.issuing.awarding import bulk, status_lists
from blason.issuing.awarding.batch_rows import Holders, clean_rows, idempotency_key, summary
from blason.issuing.awarding.models import Award, AwardBatch, BatchStatus, RecipientKind
from blason.issuing.awarding.spreadsheets import FIELDS, Table
from blason.issuing.badges.models import BadgeClass, BadgeStatus

logger = logging.getLogger(__name__)

# The tasks, queued by name: ``tasks`` calls this module, which does not import it back.
READ_BATCH = "blason.issuing.awarding.tasks.read_batch"
AWARD_BATCH = "blason.issuing.awarding.tasks.award_batch"
# Rows awarded per transaction: progress moves by this much (about a second's work on 2 cores),
# and a crash loses at most this. SQLite writes every page a commit changed to its log, and
# new awards land all over the indexes of codes, keys and addresses: 100,000 awards took a
# fifth less time in chunks of 2,000 than of 500 (PostgreSQL: about the same).
CHUNK_SIZE = 2000
# Chunks between two refreshes of the database's statistics on awards (every 10,000 awards).
STATISTICS_EVERY = 5
# A batch run outside any worker (no heartbeat to tell) with no progress for this long has lost
# its process and may be resumed.
STALLED_AFTER = timedelta(minutes=5)
# A file read for this long, even by a live worker, has stopped being read (a real file of
# BATCH_MAX_ROWS lines is read and checked in seconds).
READING_STALLED_AFTER = timedelta(minutes=15)
ACTIVE = (BatchStatus.QUEUED, BatchStatus.RUNNING)
# Not confirmed: nothing was awarded from these; they can be discarded or replaced.
UNCONFIRMED = (BatchStatus.READING, BatchStatus.REFUSED, BatchStatus.CHECKED)
# A background task is (or should be) working on these.
WORKING = (BatchStatus.READING, *ACTIVE)
_ROW_KEYS = ("line", "email", "phone", "name", "language", "narrative", "evidence")


class RowRefused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


def holders_of(badge: BadgeClass) -> Holders:
    """Everyone who holds ``badge`` (not revoked), in one query."""
    emails, phones, names = set(), set(), set()
    held = Award.objects.filter(badge=badge, revoked_at__isnull=True).values_list(
        "recipient_kind", "recipient_email", "recipient_phone", "recipient_name"
    )
    for kind, email, phone, name in held:
        if email:
            emails.add(email)
        if phone:
            phones.add(phone)
        if kind == RecipientKind.NAME and name:
            names.add(name.casefold())
    return Holders(frozenset(emails), frozenset(phones), frozenset(names))


def actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def forget_source(file: FieldFile) -> None:
    """Delete an uploaded file once the current transaction commits (its batch no longer
    needs it: read, refused or discarded)."""
    name, storage = file.name, file.storage
    if not name:
        return

    def delete() -> None:
        try:
            storage.delete(name)
        except Exception:  # storage unreachable: an orphan file, nothing refers to it
            logger.warning("could not delete the uploaded file %s", name, exc_info=True)

    transaction.on_commit(delete)


def not_checked_message(batch: AwardBatch) -> str:
    """Why the columns or the confirmation of ``batch`` cannot change now."""
    if batch.status == BatchStatus.READING:
        return _("This file is still being read: wait until it is checked.")
    if batch.status == BatchStatus.REFUSED:
        return _("This file could not be read: send another file.")
    return _("This file is already confirmed.")


def locked(batch: AwardBatch) -> AwardBatch:
    """``batch`` read again and locked until the end of the current transaction."""
    query = AwardBatch.objects.select_for_update(of=("self",))
    return query.select_related("badge", "issuer", "content", "created_by").get(pk=batch.pk)


@transaction.atomic
def batch_set_columns(
    *, batch: AwardBatch, actor: Any, columns: dict[str, int | None]
) -> AwardBatch:
    """Check the file again with another choice of columns."""
    batch = locked(batch)
    if batch.status in (BatchStatus.READING, BatchStatus.REFUSED):
        raise ActionRefused(not_checked_message(batch))
    if batch.status != BatchStatus.CHECKED:
        raise ActionRefused(_("This file is already confirmed: its columns can no longer change."))
    header = batch.mapping["header"]
    clean = {name: columns.get(name) for name in FIELDS}
    if any(index is not None and not 0 <= index < len(header) for index in clean.values()):
        raise ActionRefused(_("Choose the columns among those of the file."))
    source = batch.mapping["table"]
    table = Table(header=header, rows=source["rows"], lines=source["lines"])
    batch.content.rows = clean_rows(table, clean, holders_of(batch.badge))
    batch.content.save()
    batch.mapping = {**batch.mapping, "columns": clean}
    batch.total = summary(batch.rows)["valid"]
    batch.save(update_fields=["mapping", "total"])
    audit.record(
        action="issuing.batch.columns_changed",
        actor=actor,
        issuer=batch.issuer,
        target=batch,
        data={"columns": clean},
    )
    return batch


@transaction.atomic
def batch_confirm(
    *,
    batch: AwardBatch,
    actor: Any,
    narrative: str = "",
    language: str = "",
    skip_invalid: bool = False,
    include_holders: bool = False,
) -> AwardBatch:
    """Award the checked rows in the background.

    Lines with errors stop everything unless ``skip_invalid`` says, explicitly, to award only
    the others. People who already hold the badge are left out unless ``include_holders``.
    """
    batch = locked(batch)
    if batch.status != BatchStatus.CHECKED:
        raise ActionRefused(not_checked_message(batch))
    if batch.badge.status != BadgeStatus.PUBLISHED:
        raise ActionRefused(_("Only a published badge can be awarded."))
    counts = summary(batch.rows)
    if counts["invalid"] and not skip_invalid:
        raise ActionRefused(
            _(
                "Some lines have errors. Correct the file and send it again, or tick the box "
                "to award the badge only to the lines without errors."
            )
        )
    chosen = [
        {key: row[key] for key in _ROW_KEYS}
        for row in batch.rows
        if not row.get("problems") and (include_holders or not row.get("holder"))
    ]
    if not chosen:
        raise ActionRefused(_("There is nobody left to award in this file."))
    # Every e-mail of the batch is counted now, before anything is written: a batch over the
    # daily quota is refused whole rather than awarded in part.
    quotas.reserve(issuer=batch.issuer, actor=actor, count=sum(1 for row in chosen if row["email"]))
    now = timezone.now()
    batch.content.rows = chosen
    batch.content.save()
    batch.total, batch.done, batch.skipped = len(chosen), 0, 0
    batch.narrative = narrative.strip()
    batch.language = language
    batch.mapping = {
        "columns": batch.mapping.get("columns", {}),
        "header": batch.mapping.get("header", []),
        "excluded": {
            "invalid": counts["invalid"],
            "holders": 0 if include_holders else counts["holders"],
        },
        "queued_at": now.isoformat(),
    }
    batch.status = BatchStatus.QUEUED
    batch.save()
    audit.record(
        action="issuing.batch.confirmed",
        actor=actor,
        issuer=batch.issuer,
        target=batch,
        data={"total": batch.total, **batch.mapping["excluded"]},
    )
    _enqueue(batch)
    return batch


def _enqueue(batch: AwardBatch) -> None:
    from blason.core.tasks import enqueue_on_commit

    enqueue_on_commit(AWARD_BATCH, str(batch.uuid))


@transaction.atomic
def batch_cancel(*, batch: AwardBatch, actor: Any) -> AwardBatch:
    """Stop awarding after the chunk in progress; what is awarded stays awarded."""
    batch = locked(batch)
    if batch.status not in ACTIVE:
        raise ActionRefused(_("This awarding is not in progress."))
    batch.status, batch.finished_at = BatchStatus.CANCELLED, timezone.now()
    batch.save(update_fields=["status", "finished_at"])
    audit.record(
        action="issuing.batch.cancelled",
        actor=actor,
        issuer=batch.issuer,
        target=batch,
        data={"done": batch.done, "total": batch.total},
    )
    return batch


def last_activity(batch: AwardBatch) -> datetime | None:
    """When the batch last moved: queued, started, or its latest award."""
    moments = [batch.started_at, parse_datetime(str(batch.mapping.get("queued_at") or ""))]
    if batch.status == BatchStatus.RUNNING:
        moments.append(Award.objects.filter(batch=batch).aggregate(m=Max("issued_at"))["m"])
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def queued_too_long() -> timedelta:
    """A confirmed batch no worker has started after this long has lost its task."""
    return max(2 * worker.dead_after(), timedelta(minutes=1))


def _queued_at(batch: AwardBatch) -> datetime | None:
    return parse_datetime(str(batch.mapping.get("queued_at") or ""))


def reading_started_at(batch: AwardBatch) -> datetime | None:
    """When a task started reading the file (None: it waits for a worker)."""
    return parse_datetime(str(batch.mapping.get("reading_started_at") or ""))


def is_stalled(batch: AwardBatch, now: datetime | None = None) -> bool:
    """Nobody is reading or awarding this batch any more: its worker stopped beating, or (run
    outside a worker) nothing moved for ``STALLED_AFTER`` (``READING_STALLED_AFTER`` for a
    read), or its task was lost."""
    now = now or timezone.now()
    if batch.status == BatchStatus.READING:
        started = reading_started_at(batch)
        if started is None:
            queued = _queued_at(batch)
            return queued is not None and now - queued > queued_too_long()
        if batch.runner and not worker.is_alive(batch.runner):
            return True
        return now - started > READING_STALLED_AFTER
    if batch.status == BatchStatus.QUEUED:
        queued = _queued_at(batch)
        return queued is not None and now - queued > queued_too_long()
    if batch.status != BatchStatus.RUNNING:
        return False
    if batch.runner and not worker.is_alive(batch.runner):
        return True
    moment = last_activity(batch)
    return moment is not None and now - moment > STALLED_AFTER


def can_resume(batch: AwardBatch) -> bool:
    """Awarding can be resumed by hand (a stopped read is queued again by the workers)."""
    if batch.status in (BatchStatus.FAILED, BatchStatus.CANCELLED):
        return True
    return batch.status in ACTIVE and is_stalled(batch)


def recover_batches(live: set[str]) -> int:
    """Queue again the batches nobody is reading or awarding (a worker's round,
    ``blason.core.worker``): those whose worker is dead or whose read has lasted too long, and
    — when no live worker is busy with a batch — those uploaded or confirmed long ago and never
    started (their task was lost, or waits behind nothing). Safe to run twice."""
    started = AwardBatch.objects.filter(
        Q(status=BatchStatus.RUNNING)
        | Q(status=BatchStatus.READING, mapping__has_key="reading_started_at")
    )
    # Every started batch is looked at: a live worker whose run broke while the database was
    # down leaves its batch running with no progress (``is_stalled`` tells after a while).
    orphans = list(started.values_list("pk", flat=True))
    if not started.filter(runner__in=live).exists():
        limit = timezone.now() - queued_too_long()
        waiting = AwardBatch.objects.filter(status__in=(BatchStatus.QUEUED, BatchStatus.READING))
        for pk, mapping in waiting.exclude(pk__in=orphans).values_list("pk", "mapping"):
            queued = parse_datetime(str((mapping or {}).get("queued_at") or ""))
            if queued is None or queued < limit:
                orphans.append(pk)
    recovered = 0
    for pk in orphans:
        with transaction.atomic():
            batch = AwardBatch.objects.filter(pk=pk).first()
            if batch is None:
                continue  # discarded meanwhile
            batch = locked(batch)
            if batch.status not in WORKING or not is_stalled(batch):
                continue
            logger.warning("batch %s (%s) had no worker: queued again", batch.uuid, batch.status)
            audit.record(
                action="issuing.batch.recovered",
                actor=None,
                issuer=batch.issuer,
                target=batch,
                data={
                    "status": batch.status,
                    "done": batch.done,
                    "total": batch.total,
                    "worker": batch.runner,
                },
            )
            if batch.status == BatchStatus.READING:
                requeue_reading(batch)
            else:
                _requeue(batch)
            recovered += 1
    return recovered


def health_report() -> tuple[str, dict[str, int], str]:
    """For ``/healthz``: batches being read or awarded, those nobody is working on (stuck),
    and batches failed in the last day."""
    working = list(
        AwardBatch.objects.filter(status__in=WORKING).only(
            "pk", "status", "runner", "mapping", "started_at"
        )
    )
    stuck = sum(1 for batch in working if is_stalled(batch))
    reading = sum(1 for batch in working if batch.status == BatchStatus.READING)
    since = timezone.now() - timedelta(days=1)
    failed = AwardBatch.objects.filter(status=BatchStatus.FAILED, finished_at__gte=since).count()
    counts = {
        "active": len(working) - reading,
        "reading": reading,
        "stuck": stuck,
        "failed_last_day": failed,
    }
    return "batches", counts, (f"{stuck} batch(es) stuck" if stuck else "")


def requeue_reading(batch: AwardBatch) -> None:
    """Queue the reading of an uploaded file again (its worker died, or its task was lost)."""
    from blason.core.tasks import enqueue_on_commit

    mapping = {key: value for key, value in batch.mapping.items() if key != "reading_started_at"}
    batch.runner, batch.mapping = "", {**mapping, "queued_at": timezone.now().isoformat()}
    batch.save(update_fields=["runner", "mapping"])
    enqueue_on_commit(READ_BATCH, str(batch.uuid))


def _requeue(batch: AwardBatch) -> None:
    batch.status, batch.error, batch.finished_at, batch.runner = BatchStatus.QUEUED, "", None, ""
    batch.mapping = {**batch.mapping, "queued_at": timezone.now().isoformat()}
    batch.save(update_fields=["status", "error", "finished_at", "runner", "mapping"])
    _enqueue(batch)


@transaction.atomic
def batch_resume(*, batch: AwardBatch, actor: Any) -> AwardBatch:
    """Award the rows not yet awarded (after an error, a cancellation or a lost worker)."""
    batch = locked(batch)
    if not can_resume(batch):
        raise ActionRefused(_("This awarding cannot be resumed."))
    audit.record(
        action="issuing.batch.resumed",
        actor=actor,
        issuer=batch.issuer,
        target=batch,
        data={"done": batch.done, "skipped": batch.skipped, "total": batch.total},
    )
    _requeue(batch)
    return batch


@transaction.atomic
def batch_discard(*, batch: AwardBatch, actor: Any) -> None:
    """Forget a file that was never confirmed (nothing was awarded from it): being read,
    refused or checked."""
    batch = locked(batch)
    if batch.status not in UNCONFIRMED:
        raise ActionRefused(_("Only a file not yet confirmed can be discarded."))
    audit.record(
        action="issuing.batch.discarded",
        actor=actor,
        issuer=batch.issuer,
        target=batch,
        data={"file": batch.source_name},
    )
    forget_source(batch.source_file)
    batch.delete()


def batch_run(batch_uuid: str) -> str:
    """The background work of a confirmed batch: award its rows chunk by chunk until done,
    cancelled or stopped by an error. Safe to run twice, at the same time, or after a crash.
    Returns the status it leaves the batch in."""
    batch = (
        AwardBatch.objects.select_related("badge__issuer", "created_by", "content")
        .filter(uuid=batch_uuid)
        .first()
    )
    if batch is None:
        return "gone"
    now = timezone.now()
    me = worker.current_worker_id()
    # Queued, or running in a process that is gone (a live worker running it keeps it).
    free = Q(status=BatchStatus.QUEUED) | Q(status=BatchStatus.RUNNING, runner="")
    if me:
        free |= Q(status=BatchStatus.RUNNING, runner=me)
        free |= Q(status=BatchStatus.RUNNING) & ~Q(runner__in=worker.live_worker_ids())
    started = AwardBatch.objects.filter(free, pk=batch.pk).update(
        status=BatchStatus.RUNNING, started_at=batch.started_at or now, runner=me
    )
    if not started:
        return batch.status
    # One delivery task a second for the chunks' e-mails and SMS, not one per chunk.
    with translation.override(batch.language or settings.LANGUAGE_CODE), outbox.kicks_coalesced():
        chunks = itertools.count()
        while True:
            if worker.stop_requested():
                # The worker is stopping: the rest is taken back, from the last committed
                # chunk, by another worker once this one's heartbeat is gone.
                logger.info("award batch %s paused: the worker is stopping", batch.uuid)
                return BatchStatus.RUNNING
            if next(chunks) % STATISTICS_EVERY == 0:
                status_lists.refresh_statistics()
            try:
                outcome = _award_chunk(batch)
            except RowRefused as exc:
                _fail(batch, _("Line %(line)s: %(message)s") % {"line": exc.line, "message": exc})
                return BatchStatus.FAILED
            except ActionRefused as exc:
                _fail(batch, str(exc))
                return BatchStatus.FAILED
            except Exception:
                logger.exception("award batch %s stopped by an error", batch.uuid)
                try:
                    _fail(
                        batch,
                        _(
                            "An unexpected error stopped the awarding. The badges already "
                            "awarded are kept: resume to award the others, and tell the "
                            "administrator if it happens again."
                        ),
                    )
                except Exception:  # the database is unreachable: recover_batches will tell
                    logger.exception("award batch %s could not be marked failed", batch.uuid)
                raise
            if outcome is not None:
                return outcome


def _award_chunk(batch: AwardBatch) -> str | None:
    """Award the next ``CHUNK_SIZE`` rows in one transaction; the batch's final status when
    there is nothing left to do (or it was cancelled), else None."""
    badge = batch.badge
    with transaction.atomic():
        state = AwardBatch.objects.select_for_update().only("status", "done", "skipped")
        current = state.get(pk=batch.pk)
        if current.status != BatchStatus.RUNNING:
            return current.status
        position = current.done + current.skipped
        rows = batch.rows[position : position + CHUNK_SIZE]
        if not rows:
            AwardBatch.objects.filter(pk=batch.pk).update(
                status=BatchStatus.DONE, finished_at=timezone.now()
            )
            audit.record(
                action="issuing.batch.finished",
                actor=batch.created_by,
                issuer=batch.issuer,
                target=batch,
                data={"done": current.done, "skipped": current.skipped},
            )
            return BatchStatus.DONE
        badge.refresh_from_db(fields=["status"])  # archived while awarding: stop
        people = [
            bulk.Recipient(
                email=row["email"],
                phone=row["phone"],
                name=row["name"],
                narrative=row["narrative"] or batch.narrative,
                evidence_url=row["evidence"],
                language=row["language"] or batch.language,
                idempotency_key=idempotency_key(batch.source_sha256, row),
                checked=True,  # e-mail and phone normalised when the file was checked
            )
            for row in rows
        ]
        try:
            done = len(
                bulk.award_many(badge=badge, actor=batch.created_by, recipients=people, batch=batch)
            )
        except bulk.RecipientRefused as exc:
            raise RowRefused(rows[exc.position]["line"], str(exc)) from exc
        AwardBatch.objects.filter(pk=batch.pk).update(
            done=F("done") + done, skipped=F("skipped") + (len(rows) - done)
        )
    return None


def _fail(batch: AwardBatch, message: str) -> None:
    stopped = AwardBatch.objects.filter(pk=batch.pk, status__in=ACTIVE).update(
        status=BatchStatus.FAILED, error=message, finished_at=timezone.now()
    )
    if stopped:
        audit.record(
            action="issuing.batch.failed",
            actor=batch.created_by,
            issuer=batch.issuer,
            target=batch,
            data={"error": message},
        )
