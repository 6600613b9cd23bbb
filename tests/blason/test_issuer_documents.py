"""Public issuer documents: profile (HTML or JSON-LD), did:web, JWKS, OB 2.0 issuer and keys;
credentials signed with the issuer's key verify against what the app serves."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from blason.issuing.signing import issuer_documents, keys
from obcore.jsonld import expand
from obcore.keys import did_web_to_url, key_from_pem
from obcore.proofs.data_integrity import sign, verify
from tests.factories import BadgeFactory, UserFactory

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/ld+json"}


def fetch_json(client: Client, url: str) -> dict[str, Any]:
    response = client.get(url.removeprefix("http://testserver").split("#", 1)[0], **JSON)
    assert response.status_code == 200, url
    data: dict[str, Any] = json.loads(response.content)
    return data


def test_profile_negotiates_html_and_json_ld(client: Client, world: Any) -> None:
    BadgeFactory(issuer=world.org_a, name="Brouillon secret", status="draft")
    url = issuer_documents.issuer_url(world.org_a)
    page = client.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert page["Content-Type"].startswith("text/html")
    assert "Badge A" in page.text
    assert "Brouillon secret" not in page.text
    document = fetch_json(client, url)
    assert document["id"] == url
    assert document["type"] == ["Profile"]
    assert expand(document)  # safe mode: every term defined
    assert client.get(url + "?format=json")["Content-Type"] == "application/ld+json"


def test_keys_are_published_even_after_rotation(client: Client, world: Any) -> None:
    old = keys.active_key(world.org_a)
    new = keys.signing_key_rotate(issuer=world.org_a, algorithm="Ed25519", actor=world.admin)
    document = fetch_json(client, issuer_documents.issuer_url(world.org_a))
    ids = [method["id"] for method in document["assertionMethod"]]
    assert ids == [issuer_documents.verification_method_id(world.org_a, k) for k in (old, new)]
    assert ids[0].endswith("/keys/" + old.public_multikey)
    assert fetch_json(client, ids[0])["controller"] == issuer_documents.issuer_url(world.org_a)


def test_credential_signed_by_the_issuer_verifies_against_served_documents(
    client: Client, world: Any
) -> None:
    key = keys.active_key(world.org_a)
    issuer = issuer_documents.issuer_url(world.org_a)
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2", issuer_documents.OB3_CONTEXT],
        "id": "urn:uuid:6b1f2a3c-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": world.org_a.name},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:someone",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"{issuer}/achievements/1",
                "type": ["Achievement"],
                "name": "Badge A",
                "description": "d",
                "criteria": {"narrative": "c"},
            },
        },
    }
    signed = sign(
        credential,
        keys.private_key(key),
        verification_method=issuer_documents.verification_method_id(world.org_a, key),
    )
    result = verify(signed, lambda url: fetch_json(client, url))
    assert result.verified, result.problems
    assert result.controller == issuer
    other = fetch_json(client, issuer_documents.issuer_url(world.org_b))
    vouched = [method["id"] for method in other["assertionMethod"]]  # org B's own key
    assert issuer_documents.verification_method_id(world.org_a, key) not in vouched  # not org A's


def test_did_web_and_jwks(client: Client, world: Any) -> None:
    keys.active_key(world.org_a)
    keys.active_key(world.org_a, "RSA")
    did = issuer_documents.issuer_did(world.org_a)
    assert did == f"did:web:testserver:issuers:{world.org_a.uuid}"
    url = did_web_to_url(did).replace("https://", "http://")
    document = fetch_json(client, url)
    assert document["id"] == did
    assert document["assertionMethod"] == [document["verificationMethod"][0]["id"]]
    assert expand(document)
    jwks = fetch_json(client, f"/issuers/{world.org_a.uuid}/jwks.json")
    assert sorted(k["kty"] for k in jwks["keys"]) == ["OKP", "RSA"]


def test_ob2_issuer_and_key(client: Client, world: Any) -> None:
    rsa = keys.active_key(world.org_a, "RSA")
    issuer = fetch_json(client, issuer_documents.ob2_issuer_url(world.org_a))
    assert issuer["type"] == "Issuer"
    assert issuer["email"]
    assert issuer["publicKey"] == [issuer_documents.ob2_key_url(world.org_a, rsa)]
    key = fetch_json(client, issuer["publicKey"][0])
    assert key["owner"] == issuer["id"]
    assert key_from_pem(key["publicKeyPem"].encode()).to_public_jwk() == rsa.public_jwk


def test_unknown_issuer_and_wrong_key(client: Client, world: Any) -> None:
    assert client.get("/issuers/00000000-0000-4000-8000-000000000000", **JSON).status_code == 404
    ed = keys.active_key(world.org_a)
    url = f"/issuers/{world.org_a.uuid}/ob2/keys/{ed.fragment}"
    assert client.get(url).status_code == 404  # only RSA keys are OB 2.0 keys
    rsa_b = keys.active_key(world.org_b, "RSA")
    assert client.get(f"/issuers/{world.org_a.uuid}/ob2/keys/{rsa_b.fragment}").status_code == 404


def test_public_pages_need_no_account() -> None:
    UserFactory()
    client = Client()
    from tests.factories import IssuerFactory

    issuer = IssuerFactory()
    assert (
        client.get(issuer_documents.issuer_url(issuer), HTTP_ACCEPT="text/html").status_code == 200
    )
