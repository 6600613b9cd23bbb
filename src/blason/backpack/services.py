"""Keeping and organising badges: notes, hiding, removing, and collections in an order.

Claims and automatic collection live in ``claims``; imports in ``imports``; re-checks in
``rechecks``.
Every function here acts on objects the caller already fetched for the owner (selectors answer
404 for anyone else's), writes in one transaction and records an audit entry.

Importing a badge from elsewhere (a file, an address, the API) is ``imports.upsert_badge``,
imported here for the other apps with the ``ImportRefused`` it raises; so are the two steps of
an import another app runs for many badges at once (``verify_text``, then ``new_item`` to save in
its own transaction: a learner record, ``records``), and the claims a person makes
(``claims.claim_award`` with a claim code, ``claims.collect_awards``: what is provably theirs).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from blason.backpack import selectors
from blason.backpack.claims import claim_award as claim_award
from blason.backpack.claims import collect_awards as collect_awards
from blason.backpack.imports import ImportRefused as ImportRefused
from blason.backpack.imports import new_item as new_item
from blason.backpack.imports import upsert_badge as upsert_badge
from blason.backpack.imports import verify_text as verify_text
from blason.backpack.models import Collection, CollectionEntry, Item, ItemRecipient
from blason.core import audit, hooks
from blason.core.exceptions import ActionRefused

MAX_COLLECTIONS = 100


@transaction.atomic
def item_update(*, item: Item, note: str | None = None, hidden: bool | None = None) -> Item:
    changed: dict[str, Any] = {}
    if note is not None and note.strip() != item.note:
        item.note = note.strip()
        changed["note"] = True
    if hidden is not None and hidden != item.hidden:
        item.hidden = hidden
        changed["hidden"] = hidden
    if changed:
        Item.objects.filter(pk=item.pk).update(**{field: getattr(item, field) for field in changed})
        audit.record(action="backpack.item.updated", actor=item.owner, target=item, data=changed)
    return item


@transaction.atomic
def item_remove(*, item: Item) -> None:
    """Take a badge out of the backpack. An award collected from this site stays collected
    (it is not collected again by itself); its claim code brings it back."""
    audit.record(
        action="backpack.item.removed",
        actor=item.owner,
        target=item,
        data={"name": item.name, "key": item.credential_key},
    )
    item.delete()
    hooks.holdings_changed(user_id=item.owner_id)


@transaction.atomic
def item_mark_recipient(*, item: Item, owner: bool) -> Item:
    """Record whether the badge is provably its owner's; one that is not is made private."""
    item.recipient = ItemRecipient.OWNER if owner else ItemRecipient.OTHER
    fields: dict[str, Any] = {"recipient": item.recipient}
    if not owner:
        item.public = fields["public"] = False
    Item.objects.filter(pk=item.pk).update(**fields)
    audit.record(
        action="backpack.item.recipient_marked",
        actor=None,
        target=item,
        data={"recipient": item.recipient},
    )
    hooks.holdings_changed(user_id=item.owner_id)
    return item


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ActionRefused(_("Give the collection a name."))
    return name[:120]


@transaction.atomic
def collection_create(*, user: Any, name: str, description: str = "") -> Collection:
    if Collection.objects.filter(owner=user).count() >= MAX_COLLECTIONS:
        raise ActionRefused(
            _("You have %(count)d collections, the most one backpack can hold.")
            % {"count": MAX_COLLECTIONS}
        )
    name = _clean_name(name)
    if Collection.objects.filter(owner=user, name__iexact=name).exists():
        raise ActionRefused(_("You already have a collection with this name."))
    try:
        with transaction.atomic():
            collection = Collection.objects.create(
                owner=user,
                name=name,
                description=description.strip(),
                position=selectors.next_collection_position(user),
            )
    except IntegrityError:
        raise ActionRefused(_("You already have a collection with this name.")) from None
    audit.record(action="backpack.collection.created", actor=user, target=collection)
    return collection


@transaction.atomic
def collection_update(*, collection: Collection, name: str, description: str) -> Collection:
    name = _clean_name(name)
    clash = Collection.objects.filter(owner=collection.owner, name__iexact=name).exclude(
        pk=collection.pk
    )
    if clash.exists():
        raise ActionRefused(_("You already have a collection with this name."))
    collection.name, collection.description = name, description.strip()
    try:
        with transaction.atomic():
            collection.save(update_fields=["name", "description"])
    except IntegrityError:
        raise ActionRefused(_("You already have a collection with this name.")) from None
    audit.record(action="backpack.collection.updated", actor=collection.owner, target=collection)
    return collection


@transaction.atomic
def collection_delete(*, collection: Collection) -> None:
    """Delete a collection; its badges stay in the backpack."""
    audit.record(
        action="backpack.collection.deleted",
        actor=collection.owner,
        target=collection,
        data={"name": collection.name},
    )
    collection.delete()


def _swap(rows: list[Any], index: int, direction: str) -> list[Any]:
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(rows):
        return rows
    rows[index], rows[other] = rows[other], rows[index]
    return rows


@transaction.atomic
def collection_move(*, collection: Collection, direction: str) -> None:
    """Move a collection one place up or down among the person's collections."""
    rows = list(Collection.objects.select_for_update().filter(owner=collection.owner))
    index = next(i for i, row in enumerate(rows) if row.pk == collection.pk)
    for position, row in enumerate(_swap(rows, index, direction)):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])
    audit.record(
        action="backpack.collection.moved",
        actor=collection.owner,
        target=collection,
        data={"direction": direction},
    )


@transaction.atomic
def item_set_collections(*, item: Item, collections: Sequence[Collection]) -> None:
    """Put a badge in exactly these collections (of its owner); it goes last in new ones."""
    wanted = {c.pk for c in collections if c.owner_id == item.owner_id}
    current = set(CollectionEntry.objects.filter(item=item).values_list("collection_id", flat=True))
    CollectionEntry.objects.filter(item=item, collection_id__in=current - wanted).delete()
    added = wanted - current
    if added:
        tops = dict(
            CollectionEntry.objects.filter(collection_id__in=added)
            .values("collection_id")
            .annotate(top=Max("position"))
            .values_list("collection_id", "top")
        )
        CollectionEntry.objects.bulk_create(
            CollectionEntry(collection_id=pk, item=item, position=(tops.get(pk) or 0) + 1)
            for pk in added
        )
    if added or current - wanted:
        audit.record(
            action="backpack.item.collections_changed",
            actor=item.owner,
            target=item,
            data={"added": len(added), "removed": len(current - wanted)},
        )


@transaction.atomic
def entry_move(*, collection: Collection, item: Item, direction: str) -> None:
    """Move a badge one place up or down inside a collection."""
    rows = list(CollectionEntry.objects.select_for_update().filter(collection=collection))
    index = next((i for i, row in enumerate(rows) if row.item_id == item.pk), None)
    if index is None:
        raise ActionRefused(_("This badge is not in this collection."))
    for position, row in enumerate(_swap(rows, index, direction)):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])
    audit.record(
        action="backpack.item.moved",
        actor=item.owner,
        target=item,
        data={"collection": str(collection.uuid), "direction": direction},
    )


@transaction.atomic
def collection_remove_item(*, collection: Collection, item: Item) -> None:
    """Take a badge out of a collection; it stays in the backpack."""
    deleted, _rows = CollectionEntry.objects.filter(collection=collection, item=item).delete()
    if deleted:
        audit.record(
            action="backpack.item.collections_changed",
            actor=item.owner,
            target=item,
            data={"added": 0, "removed": 1},
        )
