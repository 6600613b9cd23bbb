"""Reads of the backpack, always scoped to one person (another person's items do not exist)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404

from blason.backpack import recipients
from blason.backpack.models import (
    STATUS_GROUPS,
    Answer,
    AwardQuestion,
    Collection,
    CollectionEntry,
    Item,
)
from blason.backpack.recipients import RecipientMatch

# Fields the list never needs: the bytes received, the image and the report.
HEAVY_FIELDS = ("received", "image", "credential", "report")


def verified_emails(user: Any) -> list[str]:
    return [
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    ]


def all_emails(user: Any) -> list[str]:
    """Verified or waiting for verification."""
    return [
        email.lower()
        for email in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    ]


def phone_numbers(user: Any) -> list[str]:
    """The account's phone number, when the person typed back the code sent to it by SMS."""
    return [user.phone] if user.phone and user.phone_verified else []


def open_questions(user: Any) -> QuerySet[AwardQuestion]:
    """The "Is this badge yours?" questions still waiting, about badges nobody collected or
    withdrew since, awarded to identities still verified on the account (one query)."""
    emails = (
        EmailAddress.objects.filter(user=user, verified=True)
        .annotate(address=Lower("email"))
        .values("address")
    )
    wanted = Q(award__recipient_email__in=emails)
    phones = phone_numbers(user)
    if phones:
        wanted |= Q(award__recipient_phone__in=phones)
    return (
        AwardQuestion.objects.filter(
            wanted,
            user=user,
            answer=Answer.WAITING,
            award__claimed_at__isnull=True,
            award__revoked_at__isnull=True,
        )
        .select_related("award__badge", "award__issuer")
        .order_by("asked_at", "id")
    )


def question_for(user: Any, question_uuid: Any) -> AwardQuestion:
    question = open_questions(user).filter(uuid=question_uuid).first()
    if question is None:
        raise Http404
    return question


def items_of(
    user: Any,
    *,
    status: str = "",
    collection: Collection | None = None,
    hidden: bool = False,
    search: str = "",
) -> QuerySet[Item]:
    """The person's badges for the list, newest first (in the collection's order when one is
    chosen), with what the cards show joined in."""
    items = (
        Item.objects.filter(owner=user, hidden=hidden)
        .defer(*HEAVY_FIELDS)
        .select_related("award__badge")
    )
    if status in STATUS_GROUPS:
        items = items.filter(status__in=STATUS_GROUPS[status])
    if search.strip():
        text = search.strip()
        items = items.filter(
            Q(name__icontains=text) | Q(issuer_name__icontains=text) | Q(note__icontains=text)
        )
    if collection is not None:
        items = items.filter(entries__collection=collection).order_by(
            "entries__position", "entries__id"
        )
    return items


def status_counts(user: Any) -> dict[str, int]:
    """How many visible badges fall in each status group, and how many are hidden."""
    rows = Item.objects.filter(owner=user).values("status", "hidden").annotate(n=Count("id"))
    counts = dict.fromkeys([*STATUS_GROUPS, "all", "hidden"], 0)
    for row in rows:
        if row["hidden"]:
            counts["hidden"] += row["n"]
            continue
        counts["all"] += row["n"]
        for group, states in STATUS_GROUPS.items():
            if row["status"] in states:
                counts[group] += row["n"]
    return counts


def item_for(user: Any, item_uuid: Any) -> Item:
    """One of the person's badges; 404 for anyone else's."""
    item = (
        Item.objects.filter(owner=user, uuid=item_uuid)
        .select_related("award__badge", "award__issuer")
        .prefetch_related(
            Prefetch("entries", queryset=CollectionEntry.objects.select_related("collection"))
        )
        .first()
    )
    if item is None:
        raise Http404
    return item


def collections_of(user: Any) -> QuerySet[Collection]:
    return Collection.objects.filter(owner=user).annotate(size=Count("entries"))


def collection_items(collection: Collection) -> QuerySet[Item]:
    """Every badge of a collection (hidden ones too), in the collection's order."""
    return (
        Item.objects.filter(entries__collection=collection)
        .defer(*HEAVY_FIELDS)
        .select_related("award__badge")
        .order_by("entries__position", "entries__id")
    )


def collection_for(user: Any, collection_uuid: Any) -> Collection:
    collection = Collection.objects.filter(owner=user, uuid=collection_uuid).first()
    if collection is None:
        raise Http404
    return collection


def next_collection_position(user: Any) -> int:
    top = Collection.objects.filter(owner=user).aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def recipient_match(item: Item, emails: list[str], phones: list[str]) -> RecipientMatch:
    """Is the badge provably its owner's? (``recipients.match``)"""
    return recipients.item_match(item, emails, phones)
