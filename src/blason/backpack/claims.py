"""Badges awarded on this site reaching their earners' backpacks.

Three ways in, each for exactly the awards it proves:

- the person types (or scans, or follows in the message) an award's claim code: that award, and
  no other (holding a code proves it was given to you, nothing about the number or address the
  badge was sent to);
- a badge awarded to one of their *verified* identities (an e-mail address allauth confirmed, the
  account's phone number once the code sent to it by SMS was typed back) under their name, or
  through their own badge request, is collected by itself the next time they open their
  backpack;
- one awarded to a verified identity under another name (a typo, a number that changed hands)
  waits for their answer to "Is this badge yours?" (``AwardQuestion``): collected after a yes,
  never offered to them again after a no.

One award reaches one backpack: the first claim wins, and a collected award is marked claimed for
the issuer to see (nothing more: who declined a badge is not told).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.backpack import rechecks, recipients, selectors
from blason.backpack.models import (
    Answer,
    AwardQuestion,
    Item,
    ItemRecipient,
    ItemSource,
    ItemStatus,
    ReceivedFormat,
    credential_identity,
)
from blason.core import audit, hooks
from blason.core.exceptions import ActionRefused
from blason.core.tasks import enqueue_on_commit
from blason.issuing.awarding import selectors as awarding
from blason.issuing.models import Award, RecipientKind
from blason.issuing.signing import selectors as signing

# Awards collected at once; more are collected on the next visit.
COLLECT_LIMIT = 200
# Queued by dotted path: the tasks module calls back into the backpack (no import cycle).
RECHECK_ITEMS = "blason.backpack.tasks.recheck_items"


class CodeUnknown(ActionRefused):
    """No award has this code."""


class AlreadyCollected(ActionRefused):
    """Someone else collected this award already (nothing more is said about them)."""


class AwardWithdrawn(ActionRefused):
    """The issuer revoked the award before it was collected."""


def award_for_code(text: str) -> Award | None:
    """The award whose claim code the person typed, read leniently."""
    code = awarding.normalise_claim_code(text)
    if len(code) != 9:
        return None
    return Award.objects.select_related("badge", "issuer").filter(claim_code=code).first()


def _criteria(award: Award) -> str:
    badge = award.badge
    return "\n".join([*(f"- {item}" for item in badge.criteria_items), badge.criteria]).strip()


def award_item(user: Any, award: Award) -> Item:
    """A new (unsaved) backpack item for an award of this site: the credential exactly as
    signed is both what was received and what is kept; it is checked right after. It is the
    person's own: they hold its claim code, or it was awarded to one of their verified
    identities."""
    credential = award.credential
    badge, issuer = award.badge, award.issuer
    key, issuer_id = awarding.award_url(award), signing.issuer_url(issuer)
    return Item(
        owner=user,
        source=ItemSource.AWARD,
        award=award,
        received=credential.encode("utf-8"),
        received_format=ReceivedFormat.SITE,
        received_sha256=hashlib.sha256(credential.encode("utf-8")).hexdigest(),
        credential=credential,
        credential_key=key,
        identity=credential_identity(key, issuer_id),
        recipient=ItemRecipient.OWNER,
        version="3.0",
        name=badge.name,
        description=badge.description,
        criteria=_criteria(award),
        issuer_name=issuer.name,
        issuer_id=issuer_id,
        issuer_url=issuer.url,
        issued_at=award.issued_at,
        expires_at=award.valid_until,
        status=ItemStatus.PENDING,
    )


@dataclass(frozen=True)
class ClaimResult:
    item: Item
    created: bool
    phone_to_verify: str = ""  # the award's number, not (yet) verified on the account
    email_to_add: str = ""  # the award's address, not (yet) verified on the account


def claim_award(*, user: Any, code: str) -> ClaimResult:
    """Put the award with this claim code into ``user``'s backpack.

    Refused when no award has the code (``CodeUnknown``), when someone else collected it
    (``AlreadyCollected``) or when the issuer withdrew it (``AwardWithdrawn``). Claiming again
    returns the same item (or puts it back if the person removed it). Exactly this award: the
    other badges awarded to the same number or address wait until the account verifies it
    (``collect_awards``). The item is verified before returning.
    """
    with transaction.atomic():
        normalised = awarding.normalise_claim_code(code)
        award = (
            Award.objects.select_for_update(of=("self",))
            .select_related("badge", "issuer")
            .filter(claim_code=normalised)
            .first()
            if len(normalised) == 9
            else None
        )
        if award is None:
            raise CodeUnknown(_("We do not know this code. Check each character and try again."))
        if award.claimed_at is not None and award.claimed_by_id != user.pk:
            raise AlreadyCollected(_("This badge has already been collected into a backpack."))
        if award.revoked_at is not None:
            raise AwardWithdrawn(
                _("The issuer withdrew this badge: it can no longer be collected.")
            )
        if award.claimed_at is None:
            award.claimed_by = user
            award.claimed_at = timezone.now()
            award.save(update_fields=["claimed_by", "claimed_at"])
        wanted = award_item(user, award)
        item = Item.objects.filter(owner=user, identity=wanted.identity).first()
        created = item is None
        if item is None:
            item = wanted
            item.save()
        elif item.recipient != ItemRecipient.OWNER:  # imported before: the code proves it
            item.recipient = ItemRecipient.OWNER
            Item.objects.filter(pk=item.pk).update(recipient=ItemRecipient.OWNER)
        phone_to_verify = ""
        if (
            award.recipient_kind == RecipientKind.PHONE
            and award.recipient_phone
            and award.recipient_phone not in selectors.phone_numbers(user)
        ):
            phone_to_verify = award.recipient_phone
        email_to_add = ""
        if (
            award.recipient_kind == RecipientKind.EMAIL
            and award.recipient_email.lower() not in selectors.verified_emails(user)
        ):
            email_to_add = award.recipient_email
        audit.record(
            action="backpack.award.claimed",
            actor=user,
            issuer=award.issuer,
            target=award,
            data={"item": str(item.uuid), "again": not created},
        )
        hooks.holdings_changed(user_id=user.pk)
    if created or item.checked_at is None:
        item = rechecks.recheck_item(item=item)
    return ClaimResult(
        item=item,
        created=created,
        phone_to_verify=phone_to_verify,
        email_to_add=email_to_add,
    )


def collect_awards(*, user: Any) -> list[Item]:
    """Collect the awards made to the person's verified e-mail addresses and phone number that
    nobody collected yet: those under their name go into the backpack
    (``recipients.arrives_by_itself``); the others become "Is this badge yours?" questions
    (``selectors.open_questions``), asked once. Bounded: two
    queries when there is nothing new; the new items are verified by a background task."""
    emails = selectors.verified_emails(user)
    phones = selectors.phone_numbers(user)
    if not emails and not phones:
        return []
    wanted = Q(recipient_kind=RecipientKind.EMAIL, recipient_email__in=emails)
    if phones:
        wanted |= Q(recipient_kind=RecipientKind.PHONE, recipient_phone__in=phones)
    with transaction.atomic():
        candidates = list(
            Award.objects.select_for_update(of=("self",))
            .select_related("badge", "issuer")
            .filter(wanted, claimed_at__isnull=True, revoked_at__isnull=True)
            .exclude(pk__in=AwardQuestion.objects.filter(user=user).values("award_id"))
            .order_by("issued_at")[:COLLECT_LIMIT]
        )
        if not candidates:
            return []
        # Awarded through the person's own badge request (peer recognition): theirs.
        requested = set(
            Award.objects.filter(
                pk__in=[a.pk for a in candidates], peer_request__requester=user
            ).values_list("pk", flat=True)
        )
        theirs = [
            a for a in candidates if a.pk in requested or recipients.arrives_by_itself(a, user)
        ]
        ask = [a for a in candidates if a not in theirs]
        if ask:
            AwardQuestion.objects.bulk_create(
                [AwardQuestion(user=user, award=award) for award in ask], ignore_conflicts=True
            )
            audit.record(
                action="backpack.awards.asked",
                actor=user,
                target=user,
                data={"awards": [str(a.uuid) for a in ask]},
            )
        return _collect(user, theirs, action="backpack.awards.collected")


def _collect(user: Any, candidates: list[Award], *, action: str) -> list[Item]:
    """Put these awards (locked, nobody's yet) into the person's backpack."""
    if not candidates:
        return []
    new = {item.identity: item for item in (award_item(user, a) for a in candidates)}
    kept = set(
        Item.objects.filter(owner=user, identity__in=list(new)).values_list("identity", flat=True)
    )
    items = [item for identity, item in new.items() if identity not in kept]
    Item.objects.bulk_create(items, ignore_conflicts=True)
    if kept:  # imported before: now provably theirs
        Item.objects.filter(owner=user, identity__in=list(kept)).update(
            recipient=ItemRecipient.OWNER
        )
    Award.objects.filter(pk__in=[a.pk for a in candidates], claimed_at__isnull=True).update(
        claimed_by=user, claimed_at=timezone.now()
    )
    audit.record(
        action=action, actor=user, target=user, data={"awards": [str(a.uuid) for a in candidates]}
    )
    hooks.holdings_changed(user_id=user.pk)
    if items:
        enqueue_on_commit(RECHECK_ITEMS, item_uuids=[str(item.uuid) for item in items])
    return items


class QuestionClosed(ActionRefused):
    """The badge of a question was collected by someone else or withdrawn meanwhile."""


@transaction.atomic
def question_answer(*, user: Any, question: AwardQuestion, mine: bool) -> Item | None:
    """The person's answer to "Is this badge yours?". Yes: the badge goes into their backpack
    (when nobody collected it meanwhile and the address or number is still theirs). No: it is
    never offered to them again, and stays free for its recipient. Returns the new item."""
    if question.user_id != user.pk or question.answer:
        raise QuestionClosed(_("This question was already answered."))
    award = (
        Award.objects.select_for_update(of=("self",))
        .select_related("badge", "issuer")
        .get(pk=question.award_id)
    )
    question.answer = Answer.YES if mine else Answer.NO
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_at"])
    # Not the issuer's to see: no issuer on these entries.
    audit.record(
        action="backpack.award.confirmed" if mine else "backpack.award.declined",
        actor=user,
        target=user,
        data={"award": str(award.uuid)},
    )
    if not mine:
        return None
    identity = recipients.identity_of(
        award, selectors.verified_emails(user), selectors.phone_numbers(user)
    )
    if award.claimed_at is not None or award.revoked_at is not None or not identity.owner:
        raise QuestionClosed(_("This badge can no longer be collected."))
    items = _collect(user, [award], action="backpack.awards.collected")
    return items[0] if items else Item.objects.filter(owner=user, award=award).first()
