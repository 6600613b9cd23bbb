"""Checking a kept badge again (revoked since? expired? keys still published?): by itself on a
worker's round (``tasks.recheck_items``), when a badge is claimed, or when its owner asks."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from blason.backpack import checking
from blason.backpack.models import Item, ItemStatus
from blason.core import audit, hooks
from obcore.fetch import Fetcher
from obcore.verify import State

# Conclusive answers: a check that cannot reach the issuer does not undo them (an expired badge
# stays expired: expiry wins over an unreadable status).
_SETTLED = frozenset(
    {ItemStatus.REVOKED, ItemStatus.SUSPENDED, ItemStatus.INVALID, ItemStatus.EXPIRED}
)


def recheck_item(*, item: Item, fetcher: Fetcher | None = None) -> Item:
    """Verify a kept badge again (revoked since? expired? keys still published?) and record
    the outcome; a change of status is written to the audit log.

    An outage is not a forgery: when the check could not reach the issuer (``unverifiable``),
    a badge last found revoked, suspended, expired or not valid keeps that answer and its
    report, and
    any other badge reads "could not be checked" with the date it was last found valid
    (``last_valid_at``, never erased by such a check). A check that did reach the issuer
    records whatever it found, better or worse.
    """
    checked = checking.check(item.credential, fetcher=fetcher)
    state = checked.report.state
    status = checking.ITEM_STATUS[state.value]
    now = timezone.now()
    report = checking.report_json(checked.report)
    last_valid_at = now if state is State.VALID else item.last_valid_at
    if state is State.UNVERIFIABLE and item.status in _SETTLED:
        status, report = item.status, item.report
    with transaction.atomic():
        updated = Item.objects.filter(pk=item.pk).update(
            status=status, checked_at=now, report=report, last_valid_at=last_valid_at
        )
        if updated and status != item.status and item.status != ItemStatus.PENDING:
            audit.record(
                action="backpack.item.status_changed",
                actor=None,
                target=item,
                data={"from": item.status, "to": status},
            )
        if updated and status != item.status:
            hooks.holdings_changed(user_id=item.owner_id)
    item.status, item.checked_at, item.report = status, now, report
    item.last_valid_at = last_valid_at
    return item
