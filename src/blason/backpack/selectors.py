"""Reads of the backpack, always scoped to one person (another person's items do not exist).

What other apps may read of the backpack is here too; the functions imported below are defined
where their concern lives: reading a kept credential (``reading``), a badge's public address,
inline image and printable PDF (``sharing``), and the fetcher badges are verified with
(``checking``).
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404

from blason.backpack import checking, recipients
from blason.backpack.models import (
    STATUS_GROUPS,
    Answer,
    AwardQuestion,
    Collection,
    CollectionEntry,
    Item,
)
from blason.backpack.reading import document_of as document_of
from blason.backpack.reading import is_ob2 as is_ob2
from blason.backpack.recipients import RecipientMatch
from blason.backpack.recipients import phone_numbers as phone_numbers
from blason.backpack.recipients import verified_emails as verified_emails
from blason.backpack.sharing import html_pdf as html_pdf
from blason.backpack.sharing import item_image as item_image
from blason.backpack.sharing import public_url as public_url
from blason.issuing.models import Award, RecipientKind
from obcore.fetch import Fetcher

# Fields the list never needs: the bytes received, the image and the report.
HEAVY_FIELDS = ("received", "image", "credential", "report")


def badge_fetcher() -> Fetcher:
    """The fetcher the backpack verifies badges with (``checking.make_fetcher``, looked up at
    each call so that tests serving other platforms' documents from memory reach it)."""
    return checking.make_fetcher()


def all_emails(user: Any) -> list[str]:
    """Verified or waiting for verification."""
    return [
        email.lower()
        for email in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    ]


# Whose awards (``recipients``: "Whose badge is it") -------------------------------------------

_WAITING_FIELDS = (
    "pk",
    "recipient_kind",
    "recipient_email",
    "recipient_phone",
    "recipient_name",
    "issued_at",
)


def _waiting(awards: QuerySet[Award]) -> QuerySet[Award]:
    """Awards nobody collected (nor withdrew) yet."""
    return awards.filter(claimed_at__isnull=True, revoked_at__isnull=True).only(*_WAITING_FIELDS)


def _asked(user_ids: Any, award_ids: Any) -> set[tuple[int, int]]:
    """(user, award) pairs already put to "Is this badge yours?": the person's answer, or its
    wait, decides; they never arrive by themselves."""
    return set(
        AwardQuestion.objects.filter(user_id__in=user_ids, award_id__in=award_ids).values_list(
            "user_id", "award_id"
        )
    )


def own_awards(user: Any) -> Q:
    """A filter of ``Award``: the awards of this site that are provably ``user``'s, as the
    backpack says it (``recipients``): collected into their backpack (with the claim code, by
    itself or after their "yes"), awarded through their own badge request, or waiting at one of
    their *verified* identities under their name (``recipients.arrives_by_itself``: it goes
    into their backpack the next time they open it). An award merely addressed to one of their
    addresses or numbers (a typo, a number that changed hands) is not theirs. Two queries,
    three when awards wait at their identities."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    emails, phones = verified_emails(user), phone_numbers(user)
    waiting: list[int] = []
    if emails or phones:
        at = Q(recipient_kind=RecipientKind.EMAIL, recipient_email__in=emails)
        if phones:
            at |= Q(recipient_kind=RecipientKind.PHONE, recipient_phone__in=phones)
        candidates = list(_waiting(Award.objects.filter(at)))
        asked = _asked([user.pk], [a.pk for a in candidates])
        waiting = [
            a.pk
            for a in candidates
            if (user.pk, a.pk) not in asked and recipients.arrives_by_itself(a, user)
        ]
    return Q(claimed_by=user) | Q(peer_request__requester=user) | Q(pk__in=waiting)


def award_owner_ids(awards: QuerySet[Award]) -> set[int]:
    """The accounts that ``awards`` provably belong to (``own_awards``, the other way round):
    who collected them, who asked for them, and who has verified the identity one of them
    waits at, under their name. At most six queries, whatever the number of awards."""
    from django.contrib.auth import get_user_model

    owners = set(awards.filter(claimed_by__isnull=False).values_list("claimed_by", flat=True))
    owners |= set(
        awards.filter(peer_request__requester__isnull=False).values_list(
            "peer_request__requester", flat=True
        )
    )
    candidates = list(_waiting(awards))
    if not candidates:
        return owners
    emails = {
        a.recipient_email.lower()
        for a in candidates
        if a.recipient_kind == RecipientKind.EMAIL and a.recipient_email
    }
    phones = {
        a.recipient_phone
        for a in candidates
        if a.recipient_kind == RecipientKind.PHONE and a.recipient_phone
    }
    by_email: dict[str, list[int]] = {}
    for address, user_id in (
        EmailAddress.objects.annotate(address=Lower("email"))
        .filter(verified=True, address__in=emails)
        .values_list("address", "user_id")
    ):
        by_email.setdefault(address, []).append(user_id)
    people = {
        person.pk: person
        for person in get_user_model().objects.filter(
            Q(pk__in=[pk for ids in by_email.values() for pk in ids])
            | Q(phone__in=phones, phone_verified=True)
        )
    }
    by_phone = {person.phone: person.pk for person in people.values() if person.phone_verified}
    pairs = []
    for award in candidates:
        if award.recipient_kind == RecipientKind.EMAIL:
            ids = by_email.get(award.recipient_email.lower(), [])
        else:
            ids = [by_phone[award.recipient_phone]] if award.recipient_phone in by_phone else []
        pairs += [(user_id, award) for user_id in ids if user_id in people]
    asked = _asked({u for u, _a in pairs}, {a.pk for _u, a in pairs})
    owners |= {
        user_id
        for user_id, award in pairs
        if (user_id, award.pk) not in asked and recipients.arrives_by_itself(award, people[user_id])
    }
    return owners


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
