"""The public "Verify a badge" page: clear answers for good, bad and hostile input."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from obcore import baking
from obcore.keys import did_key, generate_key
from obcore.ob3 import hash_identity as identity_hash
from obcore.proofs.data_integrity import sign

pytestmark = pytest.mark.django_db
URL = "/verify/"


def signed_credential(**changes: Any) -> dict[str, Any]:
    key = generate_key()
    issuer = did_key(key)
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:1f4fb8a3-3a00-4000-8000-000000000042",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Collectif du mardi"},
        "validFrom": "2026-01-10T09:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": True,
                    "salt": "ab",
                    "identityType": "emailAddress",
                    "identityHash": identity_hash("lea@example.org", "ab"),
                }
            ],
            "achievement": {
                "id": "https://badges.example/a/parole",
                "type": ["Achievement"],
                "name": "Prise de parole",
                "description": "Ose parler devant le groupe.",
                "criteria": {"narrative": "Observée par deux pairs."},
            },
        },
        **changes,
    }
    return sign(credential, key, verification_method=f"{issuer}#{key.to_multikey()}")


def test_page_is_public(client: Any) -> None:
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert "Vérifier un badge" in response.text


def test_valid_badge_in_french_and_english(client: Any) -> None:
    text = json.dumps(signed_credential())
    french = client.post(URL, {"text": text}, HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 200
    assert "Badge valide" in french.text
    assert "Prise de parole" in french.text
    assert "Collectif du mardi" in french.text
    english = client.post(
        URL, {"text": text, "recipient": "Lea@example.org"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Valid badge" in english.text
    assert "The badge was awarded to Lea@example.org" in english.text


def test_tampered_and_wrong_recipient(client: Any) -> None:
    credential = signed_credential()
    credential["credentialSubject"]["achievement"]["name"] = "Diplôme"
    response = client.post(URL, {"text": json.dumps(credential)}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Badge not valid" in response.text
    response = client.post(
        URL,
        {"text": json.dumps(signed_credential()), "recipient": "eve@example.org"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Badge not valid" in response.text


def test_baked_image_upload(client: Any) -> None:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(out, format="PNG")
    baked = baking.bake(
        out.getvalue(), json.dumps(signed_credential(validUntil="2026-02-01T00:00:00Z"))
    )
    response = client.post(
        URL,
        {"file": SimpleUploadedFile("badge.png", baked, "image/png")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Expired badge" in response.text


@pytest.mark.parametrize(
    "text",
    ["http://127.0.0.1:8000/secret", "https://10.0.0.1/badge.json", "http://[::1]/x"],
)
def test_private_addresses_are_not_fetched(client: Any, text: str) -> None:
    response = client.post(URL, {"text": text}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Cannot be checked" in response.text
    assert "private or local address" in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Give either a file"),
        ({"text": "x", "file": SimpleUploadedFile("a.json", b"{}")}, "Give either a file"),
        ({"file": SimpleUploadedFile("big.png", b"\0" * (11 * 1024 * 1024))}, "too large"),
    ],
)
def test_form_errors_are_400(client: Any, data: dict[str, Any], message: str) -> None:
    response = client.post(URL, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.text


@pytest.mark.parametrize(
    "text", ["{not json", "<svg><!DOCTYPE x [<!ENTITY a SYSTEM 'file:///etc/passwd'>]>", "a.b.c"]
)
def test_garbage_gets_a_clear_answer(client: Any, text: str) -> None:
    response = client.post(URL, {"text": text}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Not a readable badge" in response.text


def test_rate_limited(client: Any, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "verify": "2/m/ip"}
    statuses = [client.post(URL, {"text": "{}"}).status_code for _ in range(3)]
    assert statuses[-1] == 429
