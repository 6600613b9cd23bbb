"""A fixture network of awards whose figures the insights tests count by hand.

Organisation A has two badges: "Accueil" awarded to 7 people in 2025-03 (two of them twice:
once in 2025-03 and again in 2026-01, so 9 awards), and "Cuisine" awarded to 3 people in
2026-01, one of them revoked. Two Accueil awards were collected into a backpack and one of them
is shown publicly. Organisation B awards "Badge B" to 2 people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from blason.backpack.models import Item, credential_identity
from blason.issuing.awarding import services as awards
from blason.issuing.badges.services import badge_create
from tests.conftest import BADGE_SVG

MARCH = timezone.make_aware(datetime(2025, 3, 10, 12))
JANUARY = timezone.make_aware(datetime(2026, 1, 15, 12))


@dataclass
class Network:
    accueil: Any
    cuisine: Any
    awards: list[Any]


def badge(world: Any, name: str, issuer: Any = None, alignments: Any = ()) -> Any:
    return badge_create(
        issuer=issuer or world.org_a,
        actor=world.admin,
        name=name,
        description="d",
        criteria="c",
        image_svg=BADGE_SVG,
        status="published",
        alignments=list(alignments),
    )


def give(world: Any, badge_obj: Any, email: str, when: datetime) -> Any:
    return awards.award_issue(
        badge=badge_obj, actor=world.admin, email=email, issued_at=when, notify=False
    )


def network(world: Any) -> Network:
    accueil = badge(world, "Accueil")
    cuisine = badge(world, "Cuisine")
    made = [give(world, accueil, f"p{n}@example.org", MARCH) for n in range(7)]
    made += [give(world, accueil, f"P{n}@example.org", JANUARY) for n in range(2)]
    made += [give(world, cuisine, f"c{n}@example.org", JANUARY) for n in range(3)]
    awards.award_revoke(award=made[-1], actor=world.admin, reason="erreur")
    other = badge(world, "Badge B2", issuer=world.org_b)
    made += [give(world, other, f"b{n}@example.org", JANUARY) for n in range(2)]
    for number, award in enumerate(made[:2]):
        award.claimed_by = world.member
        award.claimed_at = JANUARY
        award.save(update_fields=["claimed_by", "claimed_at"])
        Item.objects.create(
            owner=world.member,
            source="award",
            award=award,
            received=b"{}",
            received_format="json",
            received_sha256="0" * 64,
            credential="{}",
            credential_key=f"urn:uuid:{award.uuid}",
            identity=credential_identity(f"urn:uuid:{award.uuid}", ""),
            name="Accueil",
            public=number == 0,
        )
    return Network(accueil=accueil, cuisine=cuisine, awards=made)
