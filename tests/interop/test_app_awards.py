"""Awards issued by the web application verify with Digital Bazaar's stack, with the documents
the running site serves (issuer profile, key, status list) and nothing else."""

from __future__ import annotations

import json
from typing import Any

import pytest

from blason.issuing.awarding import services as awards
from blason.issuing.awarding import status_lists
from blason.issuing.signing import issuer_documents, keys

pytestmark = pytest.mark.django_db


def served(client: Any, url: str) -> Any:
    response = client.get(url, HTTP_ACCEPT="application/ld+json")
    assert response.status_code == 200, url
    return json.loads(response.content)


def site_documents(client: Any, award: Any) -> dict[str, Any]:
    """What a verifier fetches for this award, taken from the site's own answers."""
    issuer = award.issuer
    method_id = issuer_documents.verification_method_id(issuer, keys.active_key(issuer))
    list_url = status_lists.status_list_url(issuer, award.status_list)
    return {
        issuer_documents.issuer_url(issuer): served(client, issuer_documents.issuer_url(issuer)),
        method_id: served(client, method_id),
        list_url: served(client, list_url),
    }


def test_an_award_with_evidence_and_alignments_verifies_with_digitalbazaar(
    digitalbazaar: Any, client: Any, world: Any, published: Any
) -> None:
    published.alignments = [
        {
            "name": "Accueillir un public",
            "url": "https://candidat.francetravail.fr/metierscope/fiche-metier/M1601",
            "framework": "ROME",
            "code": "M1601",
        }
    ]
    published.save()
    award = awards.award_issue(
        badge=published,
        actor=world.admin,
        phone="+33 6 12 34 56 78",
        name="Inès",
        narrative="Accueil des visiteurs au forum.",
        evidence=[awards.EvidenceInput(url="https://example.org/photo", narrative="Vu.")],
    )
    credential = json.loads(award.credential)
    assert credential["credentialSubject"]["achievement"]["alignment"][0]["targetCode"] == "M1601"
    answer = digitalbazaar(
        {
            "action": "verify",
            "credential": credential,
            "documents": site_documents(client, award),
        }
    )
    assert answer["verified"], answer["error"]
    tampered = {**credential, "name": "Autre badge"}
    answer = digitalbazaar(
        {"action": "verify", "credential": tampered, "documents": site_documents(client, award)}
    )
    assert not answer["verified"]


def test_revocation_is_seen_by_digitalbazaar(
    digitalbazaar: Any, client: Any, world: Any, published: Any
) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, email="ines@example.org")
    other = awards.award_issue(badge=published, actor=world.admin, email="samir@example.org")

    def check(which: Any) -> dict[str, Any]:
        request = {
            "action": "verify",
            "credential": json.loads(which.credential),
            "documents": site_documents(client, which),  # the status list as served now
            "check_status": True,
        }
        answer: dict[str, Any] = digitalbazaar(request)
        assert answer["verified"], answer["error"]
        assert answer["status"]["verified"], answer["status"]["error"]
        return answer["status"]

    assert check(award)["revoked"] is False
    awards.award_revoke(award=award, actor=world.admin, reason="Erreur de saisie")
    assert check(award)["revoked"] is True  # the re-signed list, with its signature checked
    assert check(other)["revoked"] is False
