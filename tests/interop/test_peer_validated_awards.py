"""A badge awarded by peer validation: signed by the community, with three embedded
EndorsementCredentials, each signed by one validator's own issuer key. The award and each
endorsement verify with Digital Bazaar's stack, with only the documents the site serves (the
community's and each validator's profile and key), and with obcore; a changed word fails."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from blason.core.services import personal_issuer_for
from blason.issuing.badges.services import badge_set_status
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.models import BadgeStatus
from blason.issuing.signing import issuer_documents, keys
from blason.peers import validation
from blason.peers.models import RequestStatus
from obcore.verify import verify_credential
from tests.blason.peers_fixtures import Community, community_fixture  # noqa: F401
from tests.interop.test_app_awards import served, site_documents

pytestmark = pytest.mark.django_db


def endorser_documents(client: Any, endorsement: dict[str, Any], validator: Any) -> dict[str, Any]:
    personal = personal_issuer_for(validator)
    method = issuer_documents.verification_method_id(personal, keys.active_key(personal))
    assert endorsement["proof"][0]["verificationMethod"] == method
    profile = issuer_documents.issuer_url(personal)
    return {profile: served(client, profile), method: served(client, method)}


def test_a_peer_validated_award_and_its_endorsements_verify_with_digitalbazaar(
    digitalbazaar: Any, client: Any, community: Community
) -> None:
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
    validators = community.members[:3]
    for number, validator in enumerate(validators):
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
    award = request.award
    credential = json.loads(award.credential)
    assert len(credential["endorsement"]) == 3

    site = site_documents(client, award)
    answer = digitalbazaar({"action": "verify", "credential": credential, "documents": site})
    assert answer["verified"], answer["error"]
    for endorsement, validator in zip(credential["endorsement"], validators, strict=True):
        docs = endorser_documents(client, endorsement, validator)
        answer = digitalbazaar({"action": "verify", "credential": endorsement, "documents": docs})
        assert answer["verified"], answer["error"]
        changed = json.loads(json.dumps(endorsement))
        changed["credentialSubject"]["endorsementComment"] += " (modifié)"
        answer = digitalbazaar({"action": "verify", "credential": changed, "documents": docs})
        assert not answer["verified"]

    report = verify_credential(award.credential, fetcher=LocalFetcher())
    assert report.valid
    assert [item.valid for item in report.endorsements] == [True, True, True]

    tampered = json.loads(award.credential)
    tampered["endorsement"][1]["credentialSubject"]["endorsementComment"] = "Rien vu."
    answer = digitalbazaar({"action": "verify", "credential": tampered, "documents": site})
    assert not answer["verified"]
