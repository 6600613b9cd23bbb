"""A badge designed in a workshop carries its co-design group as the Achievement's ``creator``
(with a ``parentOrg``): the credential verifies with Digital Bazaar's stack, which runs JSON-LD
in safe mode (any term the contexts do not define would make it fail)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from blason.issuing.awarding import services as awards
from blason.peers import services
from tests.blason.peers_fixtures import Community, community_fixture, open_workshop  # noqa: F401
from tests.interop.test_app_awards import site_documents

pytestmark = pytest.mark.django_db


def test_a_co_designed_award_verifies_with_digitalbazaar(
    digitalbazaar: Any, client: Any, community: Community
) -> None:
    workshop = open_workshop(community, quorum=2)
    criterion = workshop.criteria.get()
    for member in community.members:
        services.vote_cast(criterion=criterion, actor=member, choice="keep")
    services.participant_show_name(workshop=workshop, actor=community.members[0], show=True)
    services.workshop_close(workshop=workshop, actor=community.facilitator)
    services.workshop_validate(workshop=workshop, actor=community.facilitator)
    community.badge.refresh_from_db()
    award = awards.award_issue(
        badge=community.badge, actor=community.owner, email="philippe@example.org", notify=False
    )
    credential = json.loads(award.credential)
    creator = credential["credentialSubject"]["achievement"]["creator"]
    assert creator["parentOrg"]["name"] == "Collectif du mardi"
    documents = site_documents(client, award)
    answer = digitalbazaar({"action": "verify", "credential": credential, "documents": documents})
    assert answer["verified"], answer["error"]
    creator["description"] = "Designed by someone else."
    answer = digitalbazaar({"action": "verify", "credential": credential, "documents": documents})
    assert not answer["verified"]
