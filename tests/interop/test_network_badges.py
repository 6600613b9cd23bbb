"""A badge shared by a network and awarded by a member: the credential names the member as
issuer and the network as the Achievement's creator, verifies with Digital Bazaar's stack and
obcore, and its OB 2.0 form passes 1EdTech's badgecheck."""

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
from blason.networks import services, sharing
from obcore.verify import verify_credential
from tests.conftest import BADGE_SVG, require_or_skip
from tests.factories import IssuerFactory, MembershipFactory, UserFactory
from tests.interop.badgecheck_harness import BadgecheckUnavailable, ensure_venv, run_badgecheck
from tests.interop.test_app_awards import site_documents

pytestmark = pytest.mark.django_db


def shared_award(coordinator: Any) -> Any:
    network = services.network_create(name="Badgeons les Hauts-de-France", owner=coordinator)
    design = badge_create(
        issuer=network.issuer,
        actor=coordinator,
        name="Accueil du public",
        description="Accueillir et orienter.",
        criteria="Observé trois fois.",
        criteria_items=["Accueille", "Oriente"],
        image_svg=BADGE_SVG,
        status="published",
    )
    shared = sharing.badge_share(network=network, badge=design, actor=coordinator)
    member = IssuerFactory(name="Mission Locale de Lille")
    owner = UserFactory()
    MembershipFactory(issuer=member, user=owner, role=Role.OWNER)
    invited = services.member_invite(network=network, issuer=member, actor=coordinator)
    services.invitation_accept(member=invited, actor=owner)
    copy = sharing.badge_take_up(shared=shared, issuer=member, actor=owner)
    award = awards.award_issue(
        badge=copy.badge, actor=owner, email="samir@example.org", name="Samir"
    )
    return network, member, award


def test_a_shared_badge_names_the_network_as_creator_and_verifies_with_digitalbazaar(
    digitalbazaar: Any, client: Any
) -> None:
    network, member, award = shared_award(UserFactory())
    credential = json.loads(award.credential)
    assert credential["issuer"]["id"] == documents.issuer_url(member)
    creator = credential["credentialSubject"]["achievement"]["creator"]
    assert creator["id"] == documents.issuer_url(network.issuer)
    assert creator["name"] == "Badgeons les Hauts-de-France"
    answer = digitalbazaar(
        {"action": "verify", "credential": credential, "documents": site_documents(client, award)}
    )
    assert answer["verified"], answer["error"]
    assert verify_credential(award.credential, fetcher=LocalFetcher()).valid


def test_a_shared_badge_passes_badgecheck(live_server: Any, settings: Any) -> None:
    try:
        venv = ensure_venv()
    except BadgecheckUnavailable as exc:
        require_or_skip(str(exc))
    settings.SITE_URL = live_server.url
    _network, _member, award = shared_award(UserFactory())
    hosted = award_documents.assertion_url(award.uuid)
    reports = run_badgecheck(
        venv,
        live_server.url,
        [
            {
                "name": "hosted",
                "kind": "url",
                "data": hosted,
                "recipient": {"email": "samir@example.org"},
            }
        ],
    )
    assert reports["hosted"]["valid"], reports["hosted"]["errors"]
