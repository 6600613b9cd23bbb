"""Awarding from a spreadsheet, first steps: upload a file, then read and check it in the
background. Nothing here awards anything (that is ``batches``).

The web request only keeps the file: ``batch_upload`` refuses what the first bytes already
tell (``spreadsheets.sniff``, no parsing), stores the file in private storage and creates the
batch READING; the ``read_batch`` task then reads it (``batch_read``), with the limits of
``spreadsheets`` (size once unzipped, entries of the archive, rows, columns), and leaves the
batch CHECKED — its cells and checked rows stored, the file deleted — or REFUSED with the
reason as a code (``mapping["refusal"]``), shown in the reader's language. So a hostile file
(an .xlsx of 10 MB that unzips to 196 MiB) costs the web request a hash and a write, never a
parse.

Reading is idempotent: a run on a batch no longer READING does nothing, and the result is
written under the batch's lock only if it is still READING. A worker that dies while reading
is noticed by its heartbeat and the reading queued again (``batches.recover_batches``); a file
that stops the reader ``MAX_READ_ATTEMPTS`` times is refused rather than read forever.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from blason.core import audit, worker
from blason.core.exceptions import ActionRefused
from blason.issuing.awarding.batch_rows import clean_rows, summary
from blason.issuing.awarding.batches import (
    READ_BATCH,
    UNCONFIRMED,
    actor_or_none,
    forget_source,
    holders_of,
    is_stalled,
)
from blason.issuing.awarding.models import AwardBatch, BatchRows, BatchStatus
from blason.issuing.awarding.spreadsheets import (
    SpreadsheetError,
    guess_columns,
    read_table,
    refusal_message,
    sniff,
)
from blason.issuing.badges.models import BadgeClass, BadgeStatus

logger = logging.getLogger(__name__)

# Runs of the reading task on one file (each one stopped by a crash) before it is refused.
MAX_READ_ATTEMPTS = 3


@dataclass(frozen=True)
class UploadResult:
    batch: AwardBatch
    existing: bool  # the same file was already sent for this badge: this is that batch


def batch_upload(
    *, badge: BadgeClass, actor: Any, content: bytes, source_name: str, language: str = ""
) -> UploadResult:
    """Keep an uploaded file for ``badge`` and queue its reading; nothing is parsed here.

    The same file sent again for the same badge gives back the batch made the first time (so
    it can never be awarded twice), unless that one could not be read. A newer file replaces
    the ones the same person sent for this badge and did not confirm. ``language`` is the
    uploader's (for the reason written in ``error`` when the file is refused). Raises
    ``ActionRefused`` for a badge that is not published, or a file whose first bytes show it
    is empty or not a spreadsheet.
    """
    if badge.status != BadgeStatus.PUBLISHED:
        raise ActionRefused(_("Only a published badge can be awarded."))
    try:
        sniff(content)
    except SpreadsheetError as exc:
        raise ActionRefused(str(exc)) from exc
    digest = hashlib.sha256(content).hexdigest()
    existing = (
        AwardBatch.objects.filter(badge=badge, source_sha256=digest)
        .exclude(status=BatchStatus.REFUSED)
        .only("pk", "uuid", "status", "created_at")
        .order_by("created_at")
        .first()
    )
    if existing is not None:
        return UploadResult(existing, existing=True)
    batch = AwardBatch(
        issuer=badge.issuer,
        badge=badge,
        created_by=actor_or_none(actor),
        source_name=source_name[:255],
        source_sha256=digest,
        status=BatchStatus.READING,
        mapping={
            "queued_at": timezone.now().isoformat(),
            "uploader_language": (language or get_language() or settings.LANGUAGE_CODE)[:10],
        },
    )
    batch.source_file.save("upload", ContentFile(content), save=False)
    stored = batch.source_file.name or ""
    try:
        with transaction.atomic():
            replaced = AwardBatch.objects.filter(
                badge=badge, created_by=actor_or_none(actor), status__in=UNCONFIRMED
            )
            for old in replaced.only("pk", "source_file"):
                forget_source(old.source_file)
            replaced.delete()
            batch.save()
            audit.record(
                action="issuing.batch.uploaded",
                actor=actor,
                issuer=badge.issuer,
                target=batch,
                data={"badge": str(badge.uuid), "file": batch.source_name, "bytes": len(content)},
            )
            _enqueue(batch)
    except BaseException:
        batch.source_file.storage.delete(stored)
        raise
    return UploadResult(batch, existing=False)


def _enqueue(batch: AwardBatch) -> None:
    from blason.core.tasks import enqueue_on_commit

    enqueue_on_commit(READ_BATCH, str(batch.uuid))


def batch_read(batch_uuid: str) -> str:
    """The background work of an uploaded file: read it, check every row, and leave the batch
    CHECKED, or REFUSED with the reason. Safe to run twice, at the same time, or after a
    crash. Returns the status it leaves the batch in ("gone" when it was discarded)."""
    claimed = _claim(batch_uuid)
    if isinstance(claimed, str):
        return claimed
    batch = claimed
    try:
        storage, name = batch.source_file.storage, batch.source_file.name
        if not name or not storage.exists(name):
            return _refuse(batch, SpreadsheetError("file_missing"))
        with storage.open(name, "rb") as handle:
            content = handle.read()
        table = read_table(
            content, max_rows=settings.BATCH_MAX_ROWS, progress=lambda rows: _read(batch, rows)
        )
    except SpreadsheetError as exc:
        return _refuse(batch, exc)
    except Exception:
        # The database or the storage failed, or the batch was discarded and its file deleted
        # while being read (then there is nothing to say). If the database is down, marking
        # fails too and the batch stays READING: recover_batches queues it again later.
        status = _refuse(batch, SpreadsheetError("unexpected"))
        if status == BatchStatus.REFUSED:
            logger.exception("reading the file of batch %s failed", batch.uuid)
        return status
    del content
    columns = guess_columns(table.header)
    rows = clean_rows(table, columns, holders_of(batch.badge))  # outside the transaction
    counts = summary(rows)
    with transaction.atomic():
        current = _current(batch)
        if current is None or current.status != BatchStatus.READING:
            return current.status if current is not None else "gone"
        forget_source(current.source_file)
        mapping = {key: value for key, value in current.mapping.items() if key != "queued_at"}
        mapping.pop("reading_started_at", None)
        current.mapping = {
            **mapping,
            "columns": columns,
            "header": table.header,
            "table": {"rows": table.rows, "lines": table.lines},
        }
        current.status, current.runner, current.source_file = BatchStatus.CHECKED, "", ""
        current.total, current.done = counts["valid"], 0
        current.save()
        BatchRows.objects.update_or_create(batch=current, defaults={"rows": rows})
        audit.record(
            action="issuing.batch.checked",
            actor=current.created_by,
            issuer=current.issuer,
            target=current,
            data={"badge": str(current.badge.uuid), "file": current.source_name, **counts},
        )
    return BatchStatus.CHECKED


def _locked(**lookup: Any) -> AwardBatch | None:
    """The batch, locked until the end of the transaction; None when it was discarded (or
    replaced by a newer file)."""
    query = AwardBatch.objects.select_for_update(of=("self",))
    return query.select_related("badge", "issuer", "created_by").filter(**lookup).first()


def _current(batch: AwardBatch) -> AwardBatch | None:
    return _locked(pk=batch.pk)


def _claim(batch_uuid: str) -> AwardBatch | str:
    """Take the reading of a READING batch for this process; else the status to return."""
    me = worker.current_worker_id()
    with transaction.atomic():
        batch = _locked(uuid=batch_uuid)
        if batch is None:
            return "gone"
        if batch.status != BatchStatus.READING:
            return batch.status
        if batch.runner and batch.runner != me and not is_stalled(batch):
            return BatchStatus.READING  # a live worker is reading it right now
        attempts = int(batch.mapping.get("attempts", 0)) + 1
        if attempts > MAX_READ_ATTEMPTS:
            return _refuse(batch, SpreadsheetError("reading_stopped", attempts=attempts - 1))
        batch.runner, batch.done = me, 0
        batch.mapping = {
            **batch.mapping,
            "attempts": attempts,
            "reading_started_at": timezone.now().isoformat(),
        }
        batch.save(update_fields=["runner", "done", "mapping"])
    return batch


def _read(batch: AwardBatch, rows: int) -> None:
    """Progress of the reading: while READING, ``done`` counts the rows read so far."""
    AwardBatch.objects.filter(pk=batch.pk, status=BatchStatus.READING).update(done=rows)


def _refuse(batch: AwardBatch, reason: SpreadsheetError) -> str:
    with transaction.atomic():
        current = _current(batch)
        if current is None or current.status != BatchStatus.READING:
            return current.status if current is not None else "gone"
        language = current.mapping.get("uploader_language") or settings.LANGUAGE_CODE
        with translation.override(language):
            message = refusal_message(reason.code, reason.params)
        forget_source(current.source_file)
        mapping = {key: value for key, value in current.mapping.items() if key != "queued_at"}
        mapping.pop("reading_started_at", None)
        current.mapping = {**mapping, "refusal": {"code": reason.code, "params": reason.params}}
        current.status, current.error, current.runner = BatchStatus.REFUSED, message, ""
        current.source_file, current.done = "", 0
        current.save()
        audit.record(
            action="issuing.batch.refused",
            actor=current.created_by,
            issuer=current.issuer,
            target=current,
            data={"file": current.source_name, "reason": reason.code, **reason.params},
        )
    return BatchStatus.REFUSED


def refusal(batch: AwardBatch) -> str:
    """Why ``batch`` (REFUSED) could not be read, in the active language."""
    stored = batch.mapping.get("refusal") or {}
    if not stored:
        return batch.error
    return refusal_message(str(stored.get("code", "")), stored.get("params") or {})
