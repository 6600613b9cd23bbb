"""Reads of networks: querysets with their joins done, and the lists as stored."""

from __future__ import annotations

from django.db.models import QuerySet

from blason.core.models import Issuer
from blason.networks.models import MemberState, Network, NetworkMember, RecognitionList


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
