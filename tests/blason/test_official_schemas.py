"""Every OB 3.0 document Blason issues validates against 1EdTech's official JSON Schemas
(``shared/reference/1edtech/schemas/ob_v3p0``, read by ``tests/reference_files``): awards one
at a time and in bulk, by e-mail, phone or name only, with evidence and alignments, issued
earlier, co-designed (``creator`` with ``parentOrg``), peer-validated with their embedded
EndorsementCredentials, the VC-JWT form, and the issuers' profiles."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import pytest

from blason.core.services import personal_issuer_for
from blason.issuing.awarding import bulk
from blason.issuing.awarding import services as awards
from blason.issuing.badges.services import badge_set_status
from blason.issuing.documents import award_documents
from blason.issuing.models import BadgeStatus
from blason.issuing.signing import issuer_documents
from blason.peers import services, validation
from blason.peers.models import RequestStatus
from tests import reference_files
from tests.blason.peers_fixtures import Community, community_fixture, open_workshop  # noqa: F401

pytestmark = pytest.mark.django_db


def assert_valid(document: Any, kind: str) -> None:
    problems = reference_files.ob3_problems(document, kind)
    assert not problems, f"not a valid {kind} by 1EdTech's schema: {problems}"


def assert_award_valid(award: Any) -> None:
    credential = json.loads(award.credential)
    assert_valid(credential, "AchievementCredential")
    for endorsement in credential.get("endorsement", []):
        assert_valid(endorsement, "EndorsementCredential")


def test_the_official_schemas_can_fail(world: Any, published: Any) -> None:
    """The check has teeth: a required property removed, a date mistyped, a lone proof."""
    award = awards.award_issue(badge=published, actor=world.admin, email="ines@example.org")
    credential = json.loads(award.credential)
    for broken in (
        {k: v for k, v in credential.items() if k != "issuer"},
        {**credential, "validFrom": "le 3 mars"},
        {**credential, "proof": credential["proof"][0]},
        {**credential, "credentialSubject": {"type": ["AchievementSubject"]}},
    ):
        assert reference_files.ob3_problems(broken, "AchievementCredential")


def test_single_awards(world: Any, published: Any) -> None:
    published.alignments = [
        {
            "name": "Accueillir un public",
            "url": "https://candidat.francetravail.fr/metierscope/fiche-metier/M1601",
            "framework": "ROME",
            "code": "M1601",
        }
    ]
    published.save()
    issued = [
        awards.award_issue(badge=published, actor=world.admin, email="ines@example.org"),
        awards.award_issue(
            badge=published,
            actor=world.admin,
            phone="+33 6 12 34 56 78",
            name="Inès",
            narrative="Accueil des visiteurs au forum.",
            evidence=[awards.EvidenceInput(url="https://example.org/photo", narrative="Vu.")],
        ),
        awards.award_issue(badge=published, actor=world.admin, name="Samir"),
        awards.award_issue(
            badge=published,
            actor=world.admin,
            email="lea@example.org",
            issued_at=datetime.datetime(2025, 6, 1, 9, 30, tzinfo=datetime.UTC),
        ),
    ]
    for award in issued:
        assert_award_valid(award)


def test_a_badge_that_expires(world: Any, published: Any) -> None:
    published.validity = "duration"
    published.validity_days = 365
    published.save()
    award = awards.award_issue(badge=published, actor=world.admin, email="ines@example.org")
    assert "validUntil" in json.loads(award.credential)
    assert_award_valid(award)


def test_bulk_awards(world: Any, published: Any) -> None:
    issued = bulk.award_many(
        badge=published,
        actor=world.admin,
        recipients=[
            bulk.Recipient(email="a@example.org", narrative="Très bien."),
            bulk.Recipient(phone="+33 6 12 34 56 79", name="Bruno"),
            bulk.Recipient(name="Chloé", evidence_url="https://example.org/preuve"),
        ],
        notify=False,
    )
    assert len(issued) == 3
    for award in issued:
        assert_award_valid(award)


def test_the_vc_jwt_form(world: Any, published: Any) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, email="ines@example.org")
    token = award_documents.vc_jwt(award)
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert_valid(claims.get("vc", claims), "AchievementCredential")


def test_issuer_profiles(world: Any, published: Any) -> None:
    awards.award_issue(badge=published, actor=world.admin, email="ines@example.org")
    world.org_a.description = "Une association."
    world.org_a.email = "contact@example.org"
    world.org_a.save()
    assert_valid(issuer_documents.profile_document(world.org_a), "Profile")
    assert_valid(issuer_documents.profile_document(world.org_b), "Profile")
    assert_valid(issuer_documents.profile_document(personal_issuer_for(world.member)), "Profile")


def test_a_co_designed_award(community: Community) -> None:
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
    assert "creator" in json.loads(award.credential)["credentialSubject"]["achievement"]
    assert_award_valid(award)


def test_a_peer_validated_award_and_its_endorsements(community: Community) -> None:
    badge_set_status(badge=community.badge, actor=community.owner, status=BadgeStatus.PUBLISHED)
    community.badge.refresh_from_db()
    validation.rule_set(
        badge=community.badge, actor=community.owner, validators="members", approvals_needed=3
    )
    request = validation.request_create(
        badge=community.badge,
        requester=community.members[4],
        name="Philippe",
        description="J'ai préparé Caramel pour la balade.",
    )
    for number, validator in enumerate(community.members[:3]):
        validation.validation_record(
            request=request,
            validator=validator,
            decision="approve",
            observed_on=datetime.date(2026, 3, 3),
            place="Pernes",
            observation=f"Observation {number} : brossage, pansage, van.",
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.AWARDED
    credential = json.loads(request.award.credential)
    assert len(credential["endorsement"]) == 3
    assert_award_valid(request.award)
    for validator in community.members[:3]:
        assert_valid(issuer_documents.profile_document(personal_issuer_for(validator)), "Profile")
