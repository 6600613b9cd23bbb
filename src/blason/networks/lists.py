"""A network's signed list of the issuers it recognises, built from its active members.

The list is a W3C ``RecognizedEntityCredential`` (see ``obcore.recognition``) signed by the
network's own Ed25519 key (Data Integrity, eddsa-rdfc-2022, as every credential Blason signs),
with one ``RecognizedEntity`` per active member: its issuer URL (what its badges name as
``issuer.id``) as ``id``, its ``did:web`` as ``sameAs``, its name and web site, recognised to
``issue``. It is valid for ``LIST_VALIDITY`` and re-issued on every change of membership and,
before it expires, by the workers' round (``tasks.sweep``). The same list is kept in the DCC's
JSON registry format (each entry with the member's name, web site and ``location``). Both are
served at stable addresses, exactly as stored.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from uuid import UUID

from django.utils import timezone

from blason.core.hooks import place_name
from blason.core.models import Issuer
from blason.core.site import absolute_url
from blason.core.territory import REGIONS
from blason.issuing.signing import selectors as signing
from blason.networks.models import MemberState, Network, RecognitionList
from obcore.proofs.data_integrity import sign
from obcore.recognition import Entity, dcc_registry, recognized_entity_credential

# How long a list is valid, and how old it may get before the workers sign a new one: a
# verifier reading a list of a network that stopped renewing it finds it expired within days.
LIST_VALIDITY = timedelta(days=7)
RENEW_AFTER = timedelta(days=1)


def list_url(network: Network) -> str:
    return list_address(network.issuer.uuid)


def list_address(network_uuid: UUID) -> str:
    """``list_url`` for a reader that holds the network's (issuer's) uuid only."""
    return absolute_url("networks:list", network_uuid)


def registry_url(network: Network) -> str:
    return absolute_url("networks:registry", network.issuer.uuid)


def location(issuer: Issuer) -> str | None:
    """Where an issuer is, in words, from its address: "Lille, Hauts-de-France, France"."""
    if not (issuer.commune_code or issuer.departement_code or issuer.region_code):
        return None
    if issuer.commune_code:
        place = place_name("commune", issuer.commune_code)
    elif issuer.departement_code:
        place = place_name("departement", issuer.departement_code)
    else:
        place = None
    parts = [place, REGIONS.get(issuer.region_code), "France"]
    return ", ".join(part for part in parts if part)


def entities(network: Network) -> list[Entity]:
    members = (
        network.members.filter(state=MemberState.ACTIVE)
        .select_related("issuer")
        .order_by("issuer__name", "issuer__pk")
    )
    return [
        Entity(
            id=signing.issuer_url(member.issuer),
            name=member.issuer.name,
            url=member.issuer.url or signing.issuer_url(member.issuer),
            same_as=(signing.issuer_did(member.issuer),),
            location=location(member.issuer),
        )
        for member in members
    ]


def _dump(document: dict[str, object]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def build(network: Network, *, revision: int, now: datetime | None = None) -> RecognitionList:
    """Sign a new list of the network's active members (not saved: the service saves it)."""
    now = (now or timezone.now()).replace(microsecond=0)
    issuer = network.issuer
    key = signing.active_key(issuer)
    members = entities(network)
    profile_url = signing.issuer_url(issuer)
    unsigned = recognized_entity_credential(
        id=list_url(network),
        issuer={"id": profile_url, "name": issuer.name, "url": issuer.url or profile_url},
        name=issuer.name,
        entities=members,
        valid_from=now,
        valid_until=now + LIST_VALIDITY,
    )
    signed = sign(
        unsigned,
        signing.private_key(key),
        verification_method=signing.verification_method_id(issuer, key),
        created=now,
    )
    return RecognitionList(
        network=network,
        revision=revision,
        credential=_dump(signed),
        registry=_dump(dcc_registry(members, created=network.created_at, updated=now)),
        member_count=len(members),
        issued_at=now,
        valid_until=now + LIST_VALIDITY,
    )
