"""Reads of the children's accounts feature."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from blason.backpack.models import Item, PublicProfile
from blason.backpack.selectors import HEAVY_FIELDS
from blason.core.models import Membership
from blason.guardians.models import Guardianship, GuardianshipState, identity


def held(child_uuid: uuid.UUID) -> Guardianship | None:
    """The held account of this id, or None (confirmed, deleted, or never held)."""
    return (
        Guardianship.objects.select_related("child")
        .filter(child__uuid=child_uuid, state=GuardianshipState.HELD)
        .first()
    )


def held_with_phone(phone: str) -> Any:
    """The held account that proved this number its own, if any: signing in with a code
    brings it to its waiting page (``stages.HeldAccountStage``), nowhere else."""
    from blason.accounts.selectors import normalise_phone
    from blason.core.exceptions import ActionRefused

    try:
        number = normalise_phone(phone)
    except ActionRefused:
        return None
    held = Guardianship.objects.select_related("child").filter(
        state=GuardianshipState.HELD, child__phone=number, child__phone_verified=True
    )
    found = held.first()
    return found.child if found is not None else None


def is_held(user: Any) -> bool:
    return Guardianship.objects.filter(child=user, state=GuardianshipState.HELD).exists()


@dataclass(frozen=True)
class ChildAccount:
    """What a parent sees of a child's account."""

    guardianship: Guardianship
    items: list[Item]
    profile: PublicProfile | None
    memberships: list[Membership]

    @property
    def child(self) -> Any:
        return self.guardianship.child

    @property
    def identity(self) -> str:
        return identity(self.child)

    @property
    def public_items(self) -> list[Item]:
        return [item for item in self.items if item.public]


def children(guardianships: Iterable[uuid.UUID]) -> list[ChildAccount]:
    """The accounts a parent may see among ``guardianships``: agreed to, child not yet of age.
    A fixed number of queries whatever the number of children and badges."""
    rows = (
        Guardianship.objects.filter(
            uuid__in=list(guardianships),
            state=GuardianshipState.CONFIRMED,
            consent_until__gte=timezone.localdate(),
        )
        .select_related("child", "child__public_profile")
        .prefetch_related(
            Prefetch(
                "child__backpack_items",
                queryset=Item.objects.defer(*HEAVY_FIELDS).order_by("-added_at"),
                to_attr="guardian_items",
            ),
            Prefetch(
                "child__memberships",
                queryset=Membership.objects.select_related("issuer").order_by("issuer__name"),
                to_attr="guardian_memberships",
            ),
        )
        .order_by("child__display_name", "created_at")
    )
    return [
        ChildAccount(
            guardianship=row,
            items=getattr(row.child, "guardian_items", []),
            profile=getattr(row.child, "public_profile", None),
            memberships=getattr(row.child, "guardian_memberships", []),
        )
        for row in rows
    ]


def child(guardianships: Iterable[uuid.UUID], guardianship: uuid.UUID) -> ChildAccount | None:
    """One of ``children``, or None when it is not among them."""
    if guardianship not in set(guardianships):
        return None
    found = children([guardianship])
    return found[0] if found else None
