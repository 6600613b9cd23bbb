"""Shared badge designs: a network designs a badge (or adopts a member's design) and its members
award it in their own name (services: keyword-only, atomic, audited).

Each member that takes a shared badge up gets a copy in its own space, published, with the
design's texts, image, alignments and languages; it awards that copy with every tool of its
space (one person, a list, a claim link). The credentials then name the member as ``issuer``
and the network as the Achievement's ``creator`` (``network_creator``, registered in
``issuing.hooks.ACHIEVEMENT_CREATORS``): the OB 3.0 use case "authorization to issue given by
the creator to the issuer". See docs/networks.md.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from blason.core import audit
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer
from blason.issuing.badges.selectors import clean_upload
from blason.issuing.badges.services import badge_create
from blason.issuing.models import BadgeClass, BadgeStatus
from blason.issuing.signing import selectors as signing
from blason.networks.models import MemberState, Network, SharedBadge, SharedBadgeCopy
from obcore import ob3

_CACHE = "_networks_creator"


def _image(badge: BadgeClass) -> Any:
    if not badge.image:
        return None
    with badge.image.open("rb") as handle:
        return clean_upload(handle.read())


def _copy(badge: BadgeClass, *, issuer: Issuer, actor: Any) -> BadgeClass:
    return badge_create(
        issuer=issuer,
        actor=actor,
        name=badge.name,
        description=badge.description,
        criteria=badge.criteria,
        criteria_items=list(badge.criteria_items),
        tags=list(badge.tags),
        achievement_type=badge.achievement_type,
        validity=badge.validity,
        validity_days=badge.validity_days,
        valid_until=badge.valid_until,
        image=_image(badge),
        status=BadgeStatus.PUBLISHED,
        language=badge.language,
        translations=dict(badge.translations),
        alignments=list(badge.alignments),
    )


def _record(action: str, *, actor: Any, issuer: Issuer, shared: SharedBadge, **data: Any) -> None:
    audit.record(
        action=action,
        actor=actor,
        issuer=issuer,
        target=shared,
        data={"badge": str(shared.badge.uuid), **data},
    )


@transaction.atomic
def badge_share(*, network: Network, badge: BadgeClass, actor: Any) -> SharedBadge:
    """Offer one of the network's own published badges to its members."""
    if badge.issuer_id != network.issuer_id:
        raise ActionRefused(_("Only a badge of the network's space can be shared."))
    if badge.status != BadgeStatus.PUBLISHED:
        raise ActionRefused(_("Publish the badge before sharing it."))
    shared, created = SharedBadge.objects.get_or_create(network=network, badge=badge)
    if created:
        _record("networks.badge.shared", actor=actor, issuer=network.issuer, shared=shared)
    return shared


@transaction.atomic
def badge_adopt(*, network: Network, badge: BadgeClass, actor: Any) -> SharedBadge:
    """Adopt a member's published badge as a shared design: copied into the network's space."""
    member = network.members.filter(issuer=badge.issuer_id, state=MemberState.ACTIVE).first()
    if member is None:
        raise ActionRefused(_("Only a badge of a member of the network can be adopted."))
    if badge.status != BadgeStatus.PUBLISHED:
        raise ActionRefused(_("Only a published badge can be adopted."))
    design = _copy(badge, issuer=network.issuer, actor=actor)
    shared = SharedBadge.objects.create(network=network, badge=design, adopted_from=badge)
    for where in (network.issuer, badge.issuer):
        _record(
            "networks.badge.adopted",
            actor=actor,
            issuer=where,
            shared=shared,
            adopted_from=str(badge.uuid),
        )
    return shared


@transaction.atomic
def badge_take_up(*, shared: SharedBadge, issuer: Issuer, actor: Any) -> SharedBadgeCopy:
    """A member takes a shared badge up: its own copy, to award in its own name."""
    existing = SharedBadgeCopy.objects.filter(shared=shared, issuer=issuer).first()
    if existing is not None:
        return existing
    if not shared.network.members.filter(issuer=issuer, state=MemberState.ACTIVE).exists():
        raise ActionRefused(_("Only the members of the network award its shared badges."))
    copy = SharedBadgeCopy.objects.create(
        shared=shared, issuer=issuer, badge=_copy(shared.badge, issuer=issuer, actor=actor)
    )
    for where in (shared.network.issuer, issuer):
        _record(
            "networks.badge.taken_up",
            actor=actor,
            issuer=where,
            shared=shared,
            copy=str(copy.badge.uuid),
        )
    return copy


def network_creator(badge: BadgeClass) -> ob3.Profile | None:
    """The ``creator`` of a member's copy of a shared badge: the network's Profile (``None``
    for other badges). Remembered on the badge instance for bulk awards."""
    if _CACHE in badge.__dict__:
        cached: ob3.Profile | None = badge.__dict__[_CACHE]
        return cached
    copy = (
        SharedBadgeCopy.objects.select_related("shared__network__issuer")
        .filter(badge=badge)
        .first()
    )
    profile = None
    if copy is not None:
        network = copy.shared.network.issuer
        profile = ob3.Profile(
            id=signing.issuer_url(network),
            name=network.name,
            url=network.url or signing.issuer_url(network),
        )
    badge.__dict__[_CACHE] = profile
    return profile
