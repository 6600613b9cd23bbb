"""What a person provably holds, as the engine counts it: the badges in their backpack that are
theirs (``Item.recipient`` is the owner: collected with its claim code, or awarded to one of
their verified identities; see docs/architecture.md, "Whose badge is it"), neither revoked,
suspended, expired nor found not valid.

Each badge is known by its achievement ids: for a badge of this site, its BadgeClass; for an
imported one, the OB 3.0 ``credentialSubject.achievement.id`` or the OB 2.0 assertion's
``badge`` id, read from the credential kept in the backpack.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from blason.backpack.models import Item, ItemRecipient, ItemStatus
from blason.backpack.selectors import document_of, is_ob2

# States in which a kept badge counts (an award of this site is "pending" until its first
# check; a check that could not reach the issuer does not take a badge away).
COUNTED = (ItemStatus.VALID, ItemStatus.PENDING, ItemStatus.UNVERIFIABLE)


@dataclass(frozen=True)
class Held:
    """One badge a person holds."""

    item_uuid: str
    name: str
    credential_id: str  # what the evidence of a milestone names
    badge_id: int | None  # a badge of this site
    achievement_ids: frozenset[str] = field(default_factory=frozenset)


def _id_of(value: Any) -> str:
    if isinstance(value, Mapping):
        value = value.get("id")
    return value.strip() if isinstance(value, str) else ""


def achievement_ids(credential: str) -> frozenset[str]:
    """The achievement ids a kept credential names (unverified: the backpack verified it)."""
    document = document_of(credential)
    if not document:
        return frozenset()
    if is_ob2(document):
        found = _id_of(document.get("badge"))
        return frozenset({found} if found else ())
    subjects = document.get("credentialSubject")
    ids = set()
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        if isinstance(subject, Mapping) and (found := _id_of(subject.get("achievement"))):
            ids.add(found)
    return frozenset(ids)


def _site_badge_id(badge_uuid: Any) -> str:
    from blason.core.site import absolute_url

    return absolute_url("badge_public", badge_uuid)


def held_by(user_id: int, *, public_only: bool = False) -> list[Held]:
    """Every badge ``user_id`` holds (only those shown on their public page: ``public_only``),
    in one query."""
    items = Item.objects.filter(owner_id=user_id, recipient=ItemRecipient.OWNER, status__in=COUNTED)
    if public_only:
        items = items.filter(public=True, hidden=False)
    items = (
        items.select_related("award__badge")
        .only(
            "uuid",
            "name",
            "credential",
            "credential_key",
            "award__revoked_at",
            "award__badge__uuid",
        )
        .order_by("id")
    )
    held = []
    for item in items:
        award = item.award
        if award is not None:
            if award.revoked_at is not None:
                continue
            held.append(
                Held(
                    item_uuid=str(item.uuid),
                    name=item.name,
                    credential_id=item.credential_key,
                    badge_id=award.badge_id,
                    # Also asked for by its id, as any issuer's badge is.
                    achievement_ids=frozenset({_site_badge_id(award.badge.uuid)}),
                )
            )
        else:
            held.append(
                Held(
                    item_uuid=str(item.uuid),
                    name=item.name,
                    credential_id=item.credential_key,
                    badge_id=None,
                    achievement_ids=achievement_ids(item.credential),
                )
            )
    return held
