"""Whose badge is it? A badge is shown, shared, certified or published as a person's only when
its recipient is one of the identities their account has *verified*.

The identities an account has verified are its e-mail addresses allauth confirmed and the phone
numbers proven by a claim code (``Phone``). Accounts verify no web address or DID, so a badge
issued to a URL or a DID is the holder's only once it reaches them by claim code. The badge's
recipient is compared through obcore (``obcore.recipients.matches``: OB 3.0 ``credentialSubject``
``id`` and ``identifier`` hashes, OB 2.0 ``recipient``); an award of this site is compared with
the address or number its issuer typed, and one collected with its claim code is its collector's.

Each item records the answer (``Item.recipient``), computed when it enters the backpack and again
whenever the account's verified identities change (``refresh``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from blason.backpack import reading
from obcore.recipients import matches

EMAIL = "email"
PHONE = "phone"


@dataclass(frozen=True)
class RecipientMatch:
    """Whom the badge names, as far as the account can tell."""

    kind: str  # "email", "phone", "code" (collected with its claim code) or "" (no match)
    value: str = ""

    @property
    def owner(self) -> bool:
        return bool(self.kind)


def _subjects(credential: str) -> list[Any]:
    document = reading.document_of(credential)
    subject: Any = document.get("recipient") if reading.is_ob2(document) else None
    if subject is None:
        subject = document.get("credentialSubject")
    return [s for s in (subject if isinstance(subject, list) else [subject]) if isinstance(s, dict)]


def match(
    *,
    credential: str,
    award: Any,
    owner_id: Any,
    emails: Sequence[str],
    phones: Sequence[str],
) -> RecipientMatch:
    """Does the badge name one of these verified identities? ``award`` is the award of this
    site the badge is (or None): anything with ``recipient_kind``, ``recipient_email``,
    ``recipient_phone`` and ``claimed_by_id`` (a historical model in migrations too)."""
    if award is not None:
        kind = str(award.recipient_kind)
        if kind == EMAIL and award.recipient_email.lower() in [e.lower() for e in emails]:
            return RecipientMatch("email", award.recipient_email)
        if kind == PHONE and award.recipient_phone in phones:
            return RecipientMatch("phone", award.recipient_phone)
        if award.claimed_by_id is not None and award.claimed_by_id == owner_id:
            return RecipientMatch("code")
        return RecipientMatch("")
    subjects = _subjects(credential)
    for kind, values, scheme in (("email", emails, "mailto:"), ("phone", phones, "tel:")):
        for value in values:
            for candidate in (value, scheme + value):
                if any(matches(subject, candidate) for subject in subjects):
                    return RecipientMatch(kind, value)
    return RecipientMatch("")


def identities(user: Any) -> tuple[list[str], list[str]]:
    """The account's verified e-mail addresses and phone numbers."""
    from blason.backpack import selectors

    return selectors.verified_emails(user), selectors.phone_numbers(user)


def item_match(item: Any, emails: Sequence[str], phones: Sequence[str]) -> RecipientMatch:
    return match(
        credential=item.credential,
        award=item.award,
        owner_id=item.owner_id,
        emails=emails,
        phones=phones,
    )


def mark_of(found: RecipientMatch) -> str:
    from blason.backpack.models import ItemRecipient

    return ItemRecipient.OWNER if found.owner else ItemRecipient.OTHER


def refresh(user: Any) -> int:
    """Mark each of the person's badges again after their verified identities changed (an
    address confirmed or removed, a phone number added or removed). A badge no longer provably
    theirs is made private. Returns how many marks changed."""
    from blason.backpack.models import Item, ItemRecipient
    from blason.core import audit

    emails, phones = identities(user)
    changed = 0
    items = (
        Item.objects.filter(owner=user)
        .select_related("award")
        .only(
            "pk",
            "owner_id",
            "credential",
            "recipient",
            "public",
            "award__recipient_kind",
            "award__recipient_email",
            "award__recipient_phone",
            "award__claimed_by_id",
        )
    )
    with transaction.atomic():
        for item in items:
            mark = mark_of(item_match(item, emails, phones))
            if mark == item.recipient:
                continue
            fields: dict[str, Any] = {"recipient": mark}
            if mark == ItemRecipient.OTHER:
                fields["public"] = False
            Item.objects.filter(pk=item.pk).update(**fields)
            audit.record(
                action="backpack.item.recipient_marked",
                actor=None,
                target=item,
                data={"recipient": mark},
            )
            changed += 1
    return changed
