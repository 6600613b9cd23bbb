"""Uploaded spreadsheets that nothing refers to any more.

An uploaded file is stored before the transaction that creates its batch commits, and deleted
after the transaction that no longer needs it commits (``batches.forget_source``). A process
that dies between the two, or storage that is unreachable at the wrong moment, leaves a file
that no batch names. The workers' rounds (``blason.core.worker.sweep``) call
``sweep_orphan_files``, which at most once an hour deletes such files once they are older than
an hour (a younger one may belong to an upload whose transaction has not committed yet).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from blason.core.storage import private_storage
from blason.issuing.awarding.models import AwardBatch

logger = logging.getLogger(__name__)

FOLDER = "batches"  # ``models.batch_source_path``
MIN_AGE = timedelta(hours=1)
EVERY_SECONDS = 3600


def orphan_files_delete(now: datetime | None = None) -> list[str]:
    """Delete the uploaded files older than ``MIN_AGE`` that no batch names; return their names."""
    storage = private_storage()
    try:
        _folders, names = storage.listdir(FOLDER)
    except FileNotFoundError:  # nothing was ever uploaded
        return []
    now = now or timezone.now()
    wanted = {f"{FOLDER}/{name}" for name in names}
    used = set(
        AwardBatch.objects.filter(source_file__in=wanted).values_list("source_file", flat=True)
    )
    deleted = []
    for name in sorted(wanted - used):
        try:
            if now - storage.get_modified_time(name) < MIN_AGE:
                continue
            storage.delete(name)
        except Exception:  # unreachable or gone meanwhile: the next round tries again
            logger.warning("could not delete the orphan upload %s", name, exc_info=True)
            continue
        deleted.append(name)
    if deleted:
        logger.info("deleted %d uploaded file(s) no batch refers to", len(deleted))
    return deleted


def sweep_orphan_files(live: set[str]) -> int:
    """A worker's round: ``orphan_files_delete`` at most once an hour per cache."""
    if not cache.add("issuing.batch-files.swept", True, timeout=EVERY_SECONDS):
        return 0
    return len(orphan_files_delete())
