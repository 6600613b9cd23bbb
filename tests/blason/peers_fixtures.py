"""A community for the workshop tests: an owner, a facilitator (editor), five members (viewers)
and a draft badge with a picture; plus helpers to run a workshop to its end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from blason.core.models import IssuerKind
from blason.issuing.badges.services import badge_create
from blason.peers import services
from blason.peers.models import Workshop
from tests.conftest import BADGE_SVG
from tests.factories import IssuerFactory, MembershipFactory, UserFactory


@dataclass
class Community:
    issuer: Any
    owner: Any
    facilitator: Any
    members: list[Any]
    badge: Any
    outsider: Any
    other: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(name="community")
def community_fixture(world: Any) -> Community:
    issuer = IssuerFactory(
        name="Collectif du mardi", slug="collectif-du-mardi", kind=IssuerKind.COMMUNITY
    )
    owner = UserFactory(email="corinne@example.org", display_name="Corinne")
    facilitator = UserFactory(email="helene@example.org", display_name="Hélène")
    names = ["Nancy", "Manu", "Séverine", "Hervé", ""]
    members = [
        UserFactory(email=f"member{n}@example.org", display_name=name)
        for n, name in enumerate(names)
    ]
    MembershipFactory(issuer=issuer, user=owner, role="owner")
    MembershipFactory(issuer=issuer, user=facilitator, role="editor")
    for member in members:
        MembershipFactory(issuer=issuer, user=member, role="viewer")
    badge = badge_create(
        issuer=issuer,
        actor=owner,
        name="Soigner les ânes",
        description="Prend soin des ânes de l'association.",
        criteria="",
        criteria_items=["Brosse l'âne"],
        image_svg=BADGE_SVG,
        language="fr",
    )
    return Community(
        issuer=issuer,
        owner=owner,
        facilitator=facilitator,
        members=members,
        badge=badge,
        outsider=world.outsider,
        other=world.org_b,
    )


def open_workshop(community: Community, **options: Any) -> Workshop:
    options.setdefault("quorum", 3)
    return services.workshop_open(
        issuer=community.issuer,
        actor=community.facilitator,
        badge=community.badge,
        title="Atelier du mardi",
        **options,
    )
