"""A badge designed in a workshop names its co-designers in the credentials it goes into
(OB 3.0 ``Achievement.creator``), and they verify; other badges are unchanged."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import translation

from blason.issuing.awarding import credentials
from blason.issuing.awarding import services as awards
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.models import BadgeClass
from blason.issuing.signing import issuer_documents
from blason.peers import services
from obcore.verify import Outcome, State, verify_credential
from tests.blason.peers_fixtures import Community, community_fixture, open_workshop  # noqa: F401

pytestmark = pytest.mark.django_db


def validated(community: Community, *, named: tuple[int, ...] = (0, 1)) -> BadgeClass:
    workshop = open_workshop(community, quorum=2)
    criterion = workshop.criteria.get()
    for index, member in enumerate(community.members):
        services.vote_cast(criterion=criterion, actor=member, choice="keep")
        if index in named:
            services.participant_show_name(workshop=workshop, actor=member, show=True)
    services.workshop_close(workshop=workshop, actor=community.facilitator)
    services.workshop_validate(workshop=workshop, actor=community.facilitator)
    return BadgeClass.objects.get(pk=community.badge.pk)


def award(badge: BadgeClass, actor: Any) -> dict[str, Any]:
    issued = awards.award_issue(badge=badge, actor=actor, name="Philippe", notify=False)
    return json.loads(issued.credential)


def test_the_creator_is_the_co_design_group(community: Community) -> None:
    badge = validated(community)
    with translation.override("en"):  # the awarder's language does not change the badge's
        credential = award(badge, community.owner)
    creator = credential["credentialSubject"]["achievement"]["creator"]
    assert creator["id"] == credentials.badge_url(badge) + "#co-designers"
    assert creator["type"] == ["Profile"]
    assert "Collectif du mardi" in creator["name"]
    assert creator["parentOrg"] == {
        "id": issuer_documents.issuer_url(community.issuer),
        "type": ["Profile"],
        "name": "Collectif du mardi",
    }
    description = creator["description"]
    assert "6" in description  # the facilitator and five members
    assert "Manu" in description
    assert "Nancy" in description
    assert "Séverine" not in description  # did not choose to be named
    assert "@" not in json.dumps(creator)


def test_a_co_designed_award_verifies(community: Community) -> None:
    badge = validated(community)
    credential = award(badge, community.owner)
    report = verify_credential(credential, fetcher=LocalFetcher(), recipient="Philippe")
    assert report.state is State.VALID, report.checks
    schema = [check for check in report.checks if check.name == "schema"]
    assert [check.outcome for check in schema] == [Outcome.PASSED], schema


def test_a_name_hidden_later_is_left_out_of_later_awards(community: Community) -> None:
    badge = validated(community, named=(0,))
    first = award(badge, community.owner)
    assert "Nancy" in first["credentialSubject"]["achievement"]["creator"]["description"]
    workshop = badge.workshops.get()
    services.participant_show_name(workshop=workshop, actor=community.members[0], show=False)
    later = award(BadgeClass.objects.get(pk=badge.pk), community.owner)
    description = later["credentialSubject"]["achievement"]["creator"]["description"]
    assert "Nancy" not in description
    assert ":" not in description  # no list of names at all


def test_other_badges_have_no_creator(world: Any, published: Any) -> None:
    credential = award(published, world.admin)
    assert "creator" not in credential["credentialSubject"]["achievement"]
