"""The skills map's facts: distinct holders per competence and département, small cells shown
"< 5", and people who opted out counted nowhere."""

from __future__ import annotations

from typing import Any

import pytest

from blason.insights import privacy, services
from blason.insights.models import SITE, AwardPlace, SkillCell, TerritoryOptOut, issuer_scope
from blason.insights.territories import clean_departement
from blason.issuing.badges.alignments import normalise
from tests.blason.insights_fixtures import JANUARY, badge, give
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROME = {"kind": "ROME", "code": "G1602", "name": "Personnel de cuisine"}
ESCO = {
    "kind": "ESCO",
    "code": "http://data.europa.eu/esco/skill/0f5e1a2b-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
    "name": "cuisiner",
}


def cells(scope: str, territory: str = "") -> dict[tuple[str, str], int]:
    rows = SkillCell.objects.filter(scope=scope, territory=territory)
    return {
        (row.framework, row.code): row.holders for row in rows if row.framework or not row.group
    }


def test_holders_per_competence_and_departement(world: Any) -> None:
    kitchen = badge(world, "Cuisine", alignments=[normalise(**ROME), normalise(**ESCO)])
    made = [give(world, kitchen, f"k{n}@example.org", JANUARY) for n in range(8)]
    give(world, kitchen, "K0@example.org", JANUARY)  # k0 again: one person
    for award in made[:6]:
        services.award_place_set(award=award, territory="93", actor=world.admin)
    for award in made[6:]:
        services.award_place_set(award=award, territory="2a", actor=world.admin)
    services.facts_refresh()
    everywhere = cells(issuer_scope(world.org_a.pk))
    assert everywhere[("ROME", "G1602")] == 8
    assert everywhere[("", "")] == 8
    assert len([key for key in everywhere if key[0] == "ESCO"]) == 1
    assert cells(SITE, "93")[("ROME", "G1602")] == 6
    corsica = cells(SITE, "2A")
    assert corsica[("", "")] == 2
    assert privacy.people(corsica[("", "")]) == "< 5"
    group = SkillCell.objects.filter(framework="ROME").values_list("group", flat=True).first()
    assert group == "G"  # the ROME grand domaine


def test_a_departement_with_three_earners_shows_less_than_five(world: Any) -> None:
    kitchen = badge(world, "Cuisine", alignments=[normalise(**ROME)])
    for n in range(3):
        award = give(world, kitchen, f"t{n}@example.org", JANUARY)
        services.award_place_set(award=award, territory="23", actor=world.admin)
    services.facts_refresh()
    creuse = cells(SITE, "23")[("", "")]
    assert creuse == 3
    assert privacy.people(creuse) == "< 5"


def test_people_who_opted_out_count_nowhere(world: Any) -> None:
    kitchen = badge(world, "Cuisine", alignments=[normalise(**ROME)])
    shy = UserFactory(email="shy@example.org")
    give(world, kitchen, "shy@example.org", JANUARY)
    give(world, kitchen, "other@example.org", JANUARY)
    services.territory_opt_out_set(user=shy, opted_out=True)
    services.facts_refresh()
    assert cells(SITE)[("ROME", "G1602")] == 1
    assert TerritoryOptOut.objects.count() == 1


def test_a_place_is_a_departement(world: Any) -> None:
    assert clean_departement(" 1 ") == "01"
    assert clean_departement("974") == "974"
    for wrong in ("20", "96", "975", "Paris"):
        with pytest.raises(ValueError, match="département"):
            clean_departement(wrong)
    award = give(world, badge(world, "Accueil"), "a@example.org", JANUARY)
    services.award_place_set(award=award, territory="75", actor=world.admin)
    services.award_place_set(award=award, territory="", actor=world.admin)
    assert not AwardPlace.objects.exists()
