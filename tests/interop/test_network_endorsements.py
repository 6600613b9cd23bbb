"""A network's endorsement of a badge design, asked for by the member and given with a
comment: it goes into the awards made after it, verifies on its own with Digital Bazaar's stack
(with the network's profile and key as the site serves them), and obcore checks it inside the
award; withdrawn, it goes into no new award. Their OB 2.0 form: hosted ``Endorsement``
assertions linked from the BadgeClass and the issuer, which badgecheck reads and obcore checks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from blason.core.models import Role
from blason.issuing.awarding import services as awards
from blason.issuing.badges.services import badge_create
from blason.issuing.documents import award_documents
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.signing import issuer_documents as documents
from blason.issuing.signing import keys
from blason.networks import endorsements, services
from obcore import ob2
from obcore.fetch import ChainFetcher, StaticFetcher
from obcore.verify import verify_credential
from tests.conftest import BADGE_SVG, require_or_skip
from tests.factories import IssuerFactory, MembershipFactory, UserFactory
from tests.interop.badgecheck_harness import BadgecheckUnavailable, ensure_venv, run_badgecheck
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


def endorsed_badge_and_issuer() -> tuple[Any, Any, Any, Any, Any]:
    """A member's badge endorsed by the network on request, and the member itself endorsed by
    the network; then an award of the badge."""
    coordinator = UserFactory()
    network = services.network_create(name="Badgeons les Hauts-de-France", owner=coordinator)
    member = IssuerFactory(name="Association des Ateliers", url="https://ateliers.example.org")
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
    asked = endorsements.endorsement_request(endorser=network.issuer, subject=badge, actor=owner)
    of_badge = endorsements.endorsement_accept(
        endorsement=asked, actor=coordinator, comment="Conforme à la charte du réseau."
    )
    of_issuer = endorsements.endorsement_give(
        endorser=network.issuer, subject=member, actor=coordinator, comment="Membre actif."
    )
    award = awards.award_issue(badge=badge, actor=owner, email="samir@example.org", name="Samir")
    return coordinator, badge, award, of_badge, of_issuer


def test_ob2_forms_link_hosted_endorsements_that_our_verifier_checks(client: Any) -> None:
    coordinator, badge, award, of_badge, of_issuer = endorsed_badge_and_issuer()
    badge_class = award_documents.badge_class_document(badge)
    assert badge_class["endorsement"] == [endorsements.ob2_url(of_badge)]
    issuer = documents.ob2_issuer_document(badge.issuer)
    assert issuer["endorsement"] == [endorsements.ob2_url(of_issuer)]

    hosted = client.get(endorsements.ob2_url(of_badge))
    assert hosted.status_code == 200
    document = hosted.json()
    assert document["type"] == "Endorsement"
    assert document["id"] == endorsements.ob2_url(of_badge)
    assert document["claim"] == {
        "id": badge_class["id"],
        "endorsementComment": "Conforme à la charte du réseau.",
    }
    assert document["issuer"] == documents.ob2_issuer_url(of_badge.endorser)
    assert document["verification"] == {"type": "HostedBadge"}
    assert ob2.parse_endorsement(document).claim_id == badge_class["id"]

    report = verify_credential(award_documents.assertion_url(award.uuid), fetcher=LocalFetcher())
    assert report.valid, report.to_json()
    assert [item.state.value for item in report.endorsements] == ["valid", "valid"]
    assert {item.issuer for item in report.endorsements} == {
        documents.ob2_issuer_url(of_badge.endorser)
    }
    (summary,) = [check for check in report.checks if check.name == "endorsements"]
    assert summary.outcome.value == "passed"

    # Withdrawn: 410 Gone at its address, no longer linked; a copy of the old BadgeClass that
    # still links it reads as withdrawn (one endorsement fewer, the badge stays valid).
    endorsements.endorsement_withdraw(endorsement=of_badge, actor=coordinator)
    gone = client.get(endorsements.ob2_url(of_badge))
    assert gone.status_code == 410
    assert gone.json()["revoked"] is True
    assert "endorsement" not in award_documents.badge_class_document(badge)
    report = verify_credential(award_documents.assertion_url(award.uuid), fetcher=LocalFetcher())
    assert report.valid
    assert [item.state.value for item in report.endorsements] == ["valid"]


def test_an_endorsement_about_another_badge_or_hosted_elsewhere_is_not_valid() -> None:
    _coordinator, _badge, award, of_badge, _of_issuer = endorsed_badge_and_issuer()
    url = endorsements.ob2_url(of_badge)
    good = endorsements.ob2_document(of_badge)
    elsewhere = {**good, "claim": {"id": "https://example.org/badges/other"}}
    foreign = {**good, "id": "https://evil.example.net/endorsement"}
    for document, state in ((elsewhere, "invalid"), (foreign, "invalid")):
        fetcher = ChainFetcher(
            [
                StaticFetcher({url: ("application/ld+json", json.dumps(document).encode())}),
                LocalFetcher(),
            ]
        )
        report = verify_credential(award_documents.assertion_url(award.uuid), fetcher=fetcher)
        assert report.valid  # the earner's badge stays valid
        assert [item.state.value for item in report.endorsements] == [state, "valid"]
        (summary,) = [check for check in report.checks if check.name == "endorsements"]
        assert summary.outcome.value == "warning"


def test_ob2_endorsements_pass_badgecheck(live_server: Any, settings: Any) -> None:
    try:
        venv = ensure_venv()
    except BadgecheckUnavailable as exc:
        require_or_skip(str(exc))
    settings.SITE_URL = live_server.url
    _coordinator, _badge, award, of_badge, of_issuer = endorsed_badge_and_issuer()
    reports = run_badgecheck(
        venv,
        live_server.url,
        [
            {
                "name": "hosted",
                "kind": "url",
                "data": award_documents.assertion_url(award.uuid),
                "recipient": {"email": "samir@example.org"},
            }
        ],
    )
    report = reports["hosted"]
    assert report["valid"], report["errors"]
    assert report["errors"] == []
    nodes = dict(report["nodes"])
    # badgecheck fetched and validated both Endorsements as nodes of the badge's graph.
    assert nodes[endorsements.ob2_url(of_badge)] == "Endorsement"
    assert nodes[endorsements.ob2_url(of_issuer)] == "Endorsement"
