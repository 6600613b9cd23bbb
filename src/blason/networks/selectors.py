"""Reads of networks: querysets with their joins done, and the lists as stored."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from blason.core.models import Issuer
from blason.issuing.models import BadgeClass, BadgeStatus
from blason.networks.models import (
    Endorsement,
    EndorsementState,
    MemberState,
    Network,
    NetworkMember,
    RecognitionList,
    SharedBadge,
    SharedBadgeCopy,
)


def network_of(issuer: Issuer) -> Network | None:
    """The network an issuer of kind ``network`` is, or None."""
    return Network.objects.select_related("issuer").filter(issuer=issuer).first()


def members_of(network: Network) -> QuerySet[NetworkMember]:
    """Active members and open invitations, by name."""
    return (
        network.members.filter(state__in=(MemberState.ACTIVE, MemberState.INVITED))
        .select_related("issuer", "invited_by")
        .order_by("state", "issuer__name")
    )


def active_members_of(network: Network) -> QuerySet[NetworkMember]:
    return network.members.filter(state=MemberState.ACTIVE).select_related("issuer")


def memberships_of(issuer: Issuer) -> QuerySet[NetworkMember]:
    """The networks an issuer belongs to or is invited to."""
    return (
        NetworkMember.objects.filter(
            issuer=issuer, state__in=(MemberState.ACTIVE, MemberState.INVITED)
        )
        .select_related("network__issuer", "invited_by")
        .prefetch_related(
            Prefetch(
                "network__shared_badges",
                queryset=SharedBadge.objects.select_related("badge").order_by("badge__name"),
            )
        )
        .order_by("state", "network__issuer__name")
    )


def current_list(network: Network) -> RecognitionList | None:
    return network.lists.order_by("-revision").first()


def current_lists() -> list[RecognitionList]:
    """The newest list of every network of this site, with the network and its issuer."""
    newest: dict[int, RecognitionList] = {}
    for item in (
        RecognitionList.objects.select_related("network__issuer")
        .order_by("network_id", "-revision")
        .distinct()
    ):
        newest.setdefault(item.network_id, item)
    return list(newest.values())


def public_networks() -> QuerySet[Network]:
    return Network.objects.select_related("issuer").order_by("issuer__name")


def shared_badges_of(network: Network) -> QuerySet[SharedBadge]:
    """The network's shared badges, each with the members that award it (published copies)."""
    copies = (
        SharedBadgeCopy.objects.filter(badge__status=BadgeStatus.PUBLISHED)
        .select_related("issuer", "badge")
        .order_by("issuer__name")
    )
    return (
        network.shared_badges.select_related("badge", "adopted_from__issuer")
        .prefetch_related(Prefetch("copies", queryset=copies))
        .order_by("badge__name")
    )


def shareable_badges(network: Network) -> QuerySet[BadgeClass]:
    """The network's own published badges it has not shared yet."""
    return BadgeClass.objects.filter(
        issuer=network.issuer, status=BadgeStatus.PUBLISHED, shared_design__isnull=True
    ).order_by("name")


def adoptable_badges(network: Network) -> QuerySet[BadgeClass]:
    """Published badges of the active members (not copies of shared badges)."""
    members = network.members.filter(state=MemberState.ACTIVE).values("issuer")
    return (
        BadgeClass.objects.filter(
            issuer__in=members, status=BadgeStatus.PUBLISHED, network_copy__isnull=True
        )
        .select_related("issuer")
        .order_by("issuer__name", "name")[:300]
    )


def copies_of(issuer: Issuer) -> dict[int, SharedBadgeCopy]:
    """The issuer's copies of shared badges, by shared badge."""
    return {
        copy.shared_id: copy
        for copy in SharedBadgeCopy.objects.filter(issuer=issuer).select_related("badge")
    }


def _endorsements() -> QuerySet[Endorsement]:
    return Endorsement.objects.select_related(
        "endorser", "subject_issuer", "subject_badge__issuer", "subject_award__badge"
    )


def endorsements_asked_of(issuer: Issuer) -> QuerySet[Endorsement]:
    """Requests waiting for the issuer's answer."""
    return _endorsements().filter(endorser=issuer, state=EndorsementState.REQUESTED)


def endorsements_given_by(issuer: Issuer) -> QuerySet[Endorsement]:
    return _endorsements().filter(endorser=issuer, state=EndorsementState.ACCEPTED)


def endorsements_about(issuer: Issuer) -> QuerySet[Endorsement]:
    """Endorsements asked for or received by the issuer, for itself, its badges or awards."""
    return (
        _endorsements()
        .filter(
            Q(subject_issuer=issuer)
            | Q(subject_badge__issuer=issuer)
            | Q(subject_award__issuer=issuer)
        )
        .exclude(state=EndorsementState.WITHDRAWN)
    )


def published_badges_of(issuer: Issuer) -> QuerySet[BadgeClass]:
    return BadgeClass.objects.filter(issuer=issuer, status=BadgeStatus.PUBLISHED).order_by("name")
