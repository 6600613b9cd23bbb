"""Whose badge is it? A badge is shown, shared, certified or published as a person's only when
it provably is theirs.

*Verified* identities are the e-mail addresses allauth confirmed (the person opened the link sent
to the address) and the account's phone number once the person typed back the code sent to it by
SMS (``User.phone_verified``). Holding a claim code proves the code was given to you, nothing
about the number or address the badge was sent to.

An award of this site is the person's when it reached their backpack, which happens one way of
three (``claims``): with its claim code (exactly that award), by itself because it was awarded to
one of their verified identities under their name (``arrives_by_itself``), or after they answered
"yes, it is mine" (``AwardQuestion``). Until then (or when someone else collected it) it is not
theirs. A badge from elsewhere is compared through obcore
(``obcore.recipients.matches``: OB 3.0 ``credentialSubject`` ``id`` and ``identifier`` hashes,
OB 2.0 ``recipient``) with the verified identities. Accounts verify no web address or DID, so a
badge issued to a URL or a DID is never marked as its holder's.

Each item records the answer (``Item.recipient``), computed when it enters the backpack and again
whenever the account's verified identities change (``refresh``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction

from blason.backpack import reading
from obcore.recipients import matches

EMAIL = "email"
PHONE = "phone"


@dataclass(frozen=True)
class RecipientMatch:
    """Whom the badge names, as far as the account can tell."""

    # "email", "phone" (collected, and awarded to that verified identity), "code" (collected
    # with its claim code or confirmed by its owner) or "" (not provably theirs)
    kind: str
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


def _name_words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return sorted("".join(c if c.isalnum() else " " for c in text).split())


def same_name(award_name: str, account_name: str) -> bool:
    """The name on an award is the account's: the same words, whatever their order, case,
    accents and punctuation ("Marie-Hélène DUPONT" is "Dupont Marie Helene"). Unknown on either
    side is not the same."""
    words = _name_words(award_name)
    return bool(words) and words == _name_words(account_name)


def identity_of(award: Any, emails: Sequence[str], phones: Sequence[str]) -> RecipientMatch:
    """Was the award (of this site) made to one of these verified identities?"""
    kind = str(award.recipient_kind)
    if kind == EMAIL and award.recipient_email.lower() in [e.lower() for e in emails]:
        return RecipientMatch("email", award.recipient_email)
    if kind == PHONE and award.recipient_phone and award.recipient_phone in phones:
        return RecipientMatch("phone", award.recipient_phone)
    return RecipientMatch("")


def match(
    *,
    credential: str,
    award: Any,
    owner_id: Any,
    emails: Sequence[str],
    phones: Sequence[str],
) -> RecipientMatch:
    """Is the badge provably the owner's? ``award`` is the award of this site the badge is (or
    None): anything with ``recipient_kind``, ``recipient_email``, ``recipient_phone`` and
    ``claimed_by_id`` (a historical model in migrations too): it is the owner's once it reached
    their backpack (``claims``). ``emails`` and ``phones`` are the owner's *verified*
    identities, compared with a badge from elsewhere."""
    if award is not None:
        if award.claimed_by_id is None or award.claimed_by_id != owner_id:
            return RecipientMatch("")  # not collected yet, or by someone else
        found = identity_of(award, emails, phones)
        return found if found.owner else RecipientMatch("code")
    subjects = _subjects(credential)
    for kind, values, scheme in (("email", emails, "mailto:"), ("phone", phones, "tel:")):
        for value in values:
            for candidate in (value, scheme + value):
                if any(matches(subject, candidate) for subject in subjects):
                    return RecipientMatch(kind, value)
    return RecipientMatch("")


def arrives_by_itself(award: Any, user: Any) -> bool:
    """May this award, made to one of the person's verified identities, go into their backpack
    without asking them? When it bears their name; or no name at all, unless it was awarded to
    their phone number before they verified it (it may be the previous holder's). Otherwise
    they are asked "Is this badge yours?"."""
    if award.recipient_name.strip():
        return same_name(award.recipient_name, user.display_name)
    if str(award.recipient_kind) == PHONE:
        since = user.phone_verified_at
        # Awards are dated to the second (as in their credentials).
        return since is not None and award.issued_at >= since.replace(microsecond=0)
    return True


def verified_emails(user: Any) -> list[str]:
    return [
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    ]


def phone_numbers(user: Any) -> list[str]:
    """The account's phone number, when the person typed back the code sent to it by SMS."""
    return [user.phone] if user.phone and user.phone_verified else []


def identities(user: Any) -> tuple[list[str], list[str]]:
    """The account's verified e-mail addresses and phone numbers."""
    return verified_emails(user), phone_numbers(user)


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
    address confirmed or removed, a phone number verified or removed). A badge no longer provably
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
        if changed:
            from blason.core import hooks

            hooks.holdings_changed(user_id=user.pk)
    return changed
