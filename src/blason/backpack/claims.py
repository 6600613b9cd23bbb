"""Badges awarded on this site reaching their earners' backpacks.

Two ways in: the person types (or scans, or follows in the e-mail) the award's claim code, which
proves they were given the badge; or the badge was awarded to one of their verified identities
(an e-mail address allauth verified, a phone number proven by an earlier claim) and is collected
by itself the next time they open their backpack. One award reaches one backpack: the first
claim wins, and a collected award is marked claimed for the issuer to see.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.backpack import recipients, selectors
from blason.backpack.models import (
    Item,
    ItemRecipient,
    ItemSource,
    ItemStatus,
    Phone,
    ReceivedFormat,
    credential_identity,
)
from blason.core import audit
from blason.core.exceptions import ActionRefused
from blason.core.tasks import enqueue_on_commit
from blason.issuing import awards, documents
from blason.issuing.models import Award, RecipientKind

# Awards collected at once; more are collected on the next visit.
COLLECT_LIMIT = 200


class CodeUnknown(ActionRefused):
    """No award has this code."""


class AlreadyCollected(ActionRefused):
    """Someone else collected this award already (nothing more is said about them)."""


class AwardWithdrawn(ActionRefused):
    """The issuer revoked the award before it was collected."""


def award_for_code(text: str) -> Award | None:
    """The award whose claim code the person typed, read leniently."""
    code = awards.normalise_claim_code(text)
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
    key, issuer_id = awards.award_url(award), documents.issuer_url(issuer)
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
    phone_added: str = ""  # the number now on the account
    phone_taken: bool = False  # the number belongs to another account: not added
    email_to_add: str = ""  # the award's address, not (yet) verified on the account


def _add_phone(user: Any, number: str) -> tuple[str, bool]:
    owner = Phone.objects.filter(number=number).values_list("user_id", flat=True).first()
    if owner is not None:
        return "", owner != user.pk
    try:
        with transaction.atomic():  # another claim may add the same number at the same time
            Phone.objects.create(user=user, number=number, verified_at=timezone.now())
    except IntegrityError:
        return "", True
    audit.record(action="backpack.phone.added", actor=user, target=user, data={"phone": number})
    recipients.refresh(user)
    return number, False


def claim_award(*, user: Any, code: str) -> ClaimResult:
    """Put the award with this claim code into ``user``'s backpack.

    Refused when no award has the code (``CodeUnknown``), when someone else collected it
    (``AlreadyCollected``) or when the issuer withdrew it (``AwardWithdrawn``). Claiming again
    returns the same item (or puts it back if the person removed it). An award made to a phone
    number adds that number to the account (holding the code proves it), and the other badges
    awarded to it are collected too. The item is verified before returning.
    """
    from blason.backpack import imports

    with transaction.atomic():
        normalised = awards.normalise_claim_code(code)
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
        phone_added, phone_taken = "", False
        if award.recipient_kind == RecipientKind.PHONE and award.recipient_phone:
            phone_added, phone_taken = _add_phone(user, award.recipient_phone)
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
        if phone_added:
            collect_awards(user=user)
    if created or item.checked_at is None:
        item = imports.recheck_item(item=item)
    return ClaimResult(
        item=item,
        created=created,
        phone_added=phone_added,
        phone_taken=phone_taken,
        email_to_add=email_to_add,
    )


def collect_awards(*, user: Any) -> list[Item]:
    """Collect the awards made to the person's verified e-mail addresses and phone numbers
    that nobody collected yet. Bounded: three queries when there is nothing new; the new items
    are verified by a background task."""
    emails = selectors.verified_emails(user)
    phones = selectors.phone_numbers(user)
    if not emails and not phones:
        return []
    wanted = Q(recipient_email__in=emails) if emails else Q()
    if phones:
        wanted = wanted | Q(recipient_phone__in=phones) if emails else Q(recipient_phone__in=phones)
    with transaction.atomic():
        candidates = list(
            Award.objects.select_for_update(of=("self",))
            .select_related("badge", "issuer")
            .filter(wanted, claimed_at__isnull=True, revoked_at__isnull=True)
            .order_by("issued_at")[:COLLECT_LIMIT]
        )
        if not candidates:
            return []
        new = {item.identity: item for item in (award_item(user, a) for a in candidates)}
        kept = set(
            Item.objects.filter(owner=user, identity__in=list(new)).values_list(
                "identity", flat=True
            )
        )
        items = [item for identity, item in new.items() if identity not in kept]
        Item.objects.bulk_create(items, ignore_conflicts=True)
        Award.objects.filter(pk__in=[a.pk for a in candidates], claimed_at__isnull=True).update(
            claimed_by=user, claimed_at=timezone.now()
        )
        audit.record(
            action="backpack.awards.collected",
            actor=user,
            target=user,
            data={"awards": [str(a.uuid) for a in candidates]},
        )
        if items:
            from blason.backpack.tasks import recheck_items

            enqueue_on_commit(recheck_items, item_uuids=[str(item.uuid) for item in items])
    return items


@transaction.atomic
def phone_remove(*, user: Any, phone: Phone) -> None:
    """Take a phone number off the account: badges awarded to it later are no longer
    collected by themselves (those already in the backpack stay)."""
    if phone.user_id != user.pk:
        raise ActionRefused(_("This phone number is not on your account."))
    number = phone.number
    phone.delete()
    audit.record(action="backpack.phone.removed", actor=user, target=user, data={"phone": number})
    recipients.refresh(user)
