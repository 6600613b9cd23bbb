"""Reads of networks: querysets with their joins done, and the lists as stored."""

from __future__ import annotations

from typing import TypedDict
from uuid import UUID

from django.db.models import Max, OuterRef, Prefetch, Q, QuerySet, Subquery

from blason.core.compiled import CompiledQuery
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


class NewestList(TypedDict):
    id: int
    network_id: int
    revision: int
    network__issuer__name: str
    network__issuer__uuid: UUID


# The verify page reads it on every verification (SQL compiled once: ``core.compiled``).
_CURRENT_LISTS = CompiledQuery(
    lambda: (
        RecognitionList.objects.filter(
            revision=Subquery(
                RecognitionList.objects.filter(network=OuterRef("network"))
                .order_by()
                .values("network")
                .annotate(newest=Max("revision"))
                .values("newest")
            )
        )
        .order_by("network")
        .values_list("id", "network", "revision", "network__issuer__name", "network__issuer__uuid")
    )
)


def current_lists() -> list[NewestList]:
    """The newest list of every network of this site: its ``id``, ``revision``, and its
    network's ``network__issuer__name`` and ``network__issuer__uuid``, without the signed list
    itself (``list_document`` reads it). One query whatever the number of revisions kept."""
    return [
        NewestList(
            id=row[0],
            network_id=row[1],
            revision=row[2],
            network__issuer__name=row[3],
            network__issuer__uuid=row[4],
        )
        for row in _CURRENT_LISTS.rows()
    ]


def list_document(item_id: int) -> str:
    """The signed list ``item_id`` as stored."""
    return str(RecognitionList.objects.values_list("credential", flat=True).get(pk=item_id))


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
