"""A network's endorsement of a badge design, asked for by the member and given with a
comment: it goes into the awards made after it, verifies on its own with Digital Bazaar's stack
(with the network's profile and key as the site serves them), and obcore checks it inside the
award; withdrawn, it goes into no new award."""

from __future__ import annotations

import json
from typing import Any

import pytest

from blason.core.models import Role
from blason.issuing.awarding import services as awards
from blason.issuing.badges.services import badge_create
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.signing import issuer_documents as documents
from blason.issuing.signing import keys
from blason.networks import endorsements, services
from obcore.verify import verify_credential
from tests.conftest import BADGE_SVG
from tests.factories import IssuerFactory, MembershipFactory, UserFactory
from tests.interop.test_app_awards import served, site_documents

pytestmark = pytest.mark.django_db


def test_an_endorsed_badge_carries_the_endorsement_in_later_awards(
    digitalbazaar: Any, client: Any
) -> None:
    coordinator = UserFactory()
    network = services.network_create(name="Badgeons les Hauts-de-France", owner=coordinator)
    member = IssuerFactory(name="Association des Ateliers")
    owner = UserFactory()
    MembershipFactory(issuer=member, user=owner, role=Role.OWNER)
    badge = badge_create(
        issuer=member,
        actor=owner,
        name="Accueil du public",
        description="Accueillir et orienter.",
        criteria="Observé trois fois.",
        image_svg=BADGE_SVG,
        status="published",
    )
    before = awards.award_issue(badge=badge, actor=owner, name="Léa")
    asked = endorsements.endorsement_request(
        endorser=network.issuer, subject=badge, actor=owner, comment="Merci de le reconnaître"
    )
    given = endorsements.endorsement_accept(
        endorsement=asked, actor=coordinator, comment="Conforme à la charte du réseau."
    )
    after = awards.award_issue(badge=badge, actor=owner, name="Samir")

    assert "endorsement" not in json.loads(before.credential)["credentialSubject"]["achievement"]
    credential = json.loads(after.credential)
    achievement = credential["credentialSubject"]["achievement"]
    (endorsement,) = achievement["endorsement"]
    assert endorsement["credentialSubject"]["id"] == achievement["id"]
    assert endorsement == json.loads(given.credential)

    issuer = network.issuer
    method = documents.verification_method_id(issuer, keys.active_key(issuer))
    profile = documents.issuer_url(issuer)
    own = {profile: served(client, profile), method: served(client, method)}
    answer = digitalbazaar({"action": "verify", "credential": endorsement, "documents": own})
    assert answer["verified"], answer["error"]
    answer = digitalbazaar(
        {"action": "verify", "credential": credential, "documents": site_documents(client, after)}
    )
    assert answer["verified"], answer["error"]
    report = verify_credential(after.credential, fetcher=LocalFetcher())
    assert report.valid
    assert [item.valid for item in report.endorsements] == [True]

    endorsements.endorsement_withdraw(endorsement=given, actor=coordinator)
    later = awards.award_issue(badge=badge, actor=owner, name="Inès")
    assert "endorsement" not in json.loads(later.credential)["credentialSubject"]["achievement"]
