"""Background work of the backpack: checking kept badges again. Thin, safe to run twice."""

from __future__ import annotations

import logging

from django_tasks import task

from blason.backpack import checking, rechecks
from blason.backpack.models import Item
from blason.verification.selectors import RecordingFetcher

logger = logging.getLogger(__name__)


@task(queue_name="default")
def recheck_items(item_uuids: list[str]) -> int:
    """Verify these items again; returns how many were checked. Items removed since are
    skipped. Documents shared by several badges (an issuer's key, its status list) are fetched
    once per run."""
    fetcher = RecordingFetcher(checking.make_fetcher())
    done = 0
    for item in Item.objects.filter(uuid__in=item_uuids).defer("received", "image"):
        try:
            rechecks.recheck_item(item=item, fetcher=fetcher)
        except Exception:  # one odd badge must not stop the others
            logger.exception("re-checking backpack item %s failed", item.uuid)
            continue
        done += 1
    return done
