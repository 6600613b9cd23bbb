"""The other forms of an award: OB 2.0 hosted Assertion, BadgeClass and RevocationList, the OB
2.0 signed JWS and baked PNG, the OB 3.0 VC-JWT. Each is checked over HTTP and verified with
obcore against what the site serves (``LocalFetcher``), with key provenance; revocation shows in
every form; nothing is stored per download."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from PIL import Image

from blason.issuing.awarding import credentials
from blason.issuing.awarding import services as awards
from blason.issuing.badges.images import clean_upload
from blason.issuing.badges.services import badge_create
from blason.issuing.documents import award_documents
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.models import Award, KeyAlgorithm
from blason.issuing.signing import issuer_documents, keys
from obcore import baking
from obcore.jose import verify_ob2_jws, verify_vc_jwt
from obcore.ob2 import IdentityObject
from obcore.verify import State, verify_credential

pytestmark = pytest.mark.django_db
LD = {"HTTP_ACCEPT": "application/ld+json"}
HTML = {"HTTP_ACCEPT": "text/html,application/xhtml+xml"}
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def path(url: str) -> str:
    return url.removeprefix(settings.SITE_URL)


def served(client: Any, url: str) -> dict[str, Any]:
    response = client.get(path(url), **LD)
    assert response.status_code == 200, url
    data: dict[str, Any] = json.loads(response.content)
    return data


def jws_payload(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return data


def jws_header(token: str) -> dict[str, Any]:
    part = token.split(".")[0]
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return data


def resolve(client: Any) -> Any:
    return lambda url: served(client, url)


@pytest.fixture
def award(world: Any, published: Any) -> Award:
    published.alignments = [
        {
            "name": "Accueillir un public",
            "url": "https://candidat.francetravail.fr/metierscope/fiche-metier/M1601",
            "framework": "ROME",
            "code": "M1601",
        }
    ]
    published.tags = ["accueil"]
    published.validity, published.validity_days = "duration", 30
    published.save()
    return awards.award_issue(
        badge=published,
        actor=world.admin,
        email="Samir@Example.org",
        name="Samir",
        narrative="Accueil des visiteurs.",
        evidence=[
            awards.EvidenceInput(url="https://example.org/photo", narrative="Vu."),
            awards.EvidenceInput(file=b"%PDF-1.4 test", file_name="attestation.pdf"),
        ],
    )


def test_hosted_assertion_says_what_the_signed_credential_says(client: Any, award: Award) -> None:
    response = client.get(f"/awards/{award.uuid}/ob2", **LD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Accept" in response["Vary"]
    assertion = json.loads(response.content)
    credential = json.loads(award.credential)
    identifier = credential["credentialSubject"]["identifier"][0]
    assert assertion["@context"] == "https://w3id.org/openbadges/v2"
    assert assertion["id"] == award_documents.assertion_url(award.uuid)
    assert assertion["type"] == "Assertion"
    assert assertion["verification"] == {"type": "HostedBadge"}
    assert assertion["recipient"] == {
        "type": "email",
        "hashed": True,
        "identity": identifier["identityHash"],
        "salt": award.recipient_salt,
    }
    assert "samir" not in response.text.lower()  # only the salted hash is published
    recipient = IdentityObject(identity=identifier["identityHash"], salt=award.recipient_salt)
    assert recipient.matches("samir@example.org")
    assert assertion["badge"] == award_documents.badge_class_url(award.badge)
    assert assertion["issuedOn"] == credential["validFrom"]
    assert assertion["expires"] == credential["validUntil"]
    assert assertion["narrative"] == "Accueil des visiteurs."
    assert assertion["image"].endswith(f"/awards/{award.uuid}/ob2/badge.png")
    evidence_ids = [item.get("id") for item in assertion["evidence"]]
    assert evidence_ids == [item.get("id") for item in credential["evidence"]]
    assert evidence_ids[0] == "https://example.org/photo"
    assert "/evidence/" in evidence_ids[1]
    only_json = client.get(f"/awards/{award.uuid}/ob2", HTTP_ACCEPT="application/json")
    assert only_json["Content-Type"] == "application/json"
    assert json.loads(only_json.content) == assertion
    browser = client.get(f"/awards/{award.uuid}/ob2", **HTML)
    assert browser.status_code == 302
    assert browser["Location"] == f"/awards/{award.uuid}"
    assert client.head(f"/awards/{award.uuid}/ob2", **LD).status_code == 200


def test_badge_class_issuer_and_key_documents(client: Any, world: Any, award: Award) -> None:
    badge = award.badge
    document = served(client, award_documents.badge_class_url(badge))
    assert document["type"] == "BadgeClass"
    assert document["name"] == badge.name
    assert document["description"] == badge.description
    assert document["criteria"]["id"] == credentials.badge_url(badge)
    assert "Accueille" in document["criteria"]["narrative"]
    assert "Observé trois fois." in document["criteria"]["narrative"]
    assert document["alignment"] == [
        {
            "targetName": "Accueillir un public",
            "targetUrl": "https://candidat.francetravail.fr/metierscope/fiche-metier/M1601",
            "targetFramework": "ROME",
            "targetCode": "M1601",
        }
    ]
    assert document["tags"] == ["accueil"]
    assert document["issuer"] == issuer_documents.ob2_issuer_url(world.org_a)
    image = client.get(path(document["image"]))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/svg+xml"
    assert "default-src 'none'" in image["Content-Security-Policy"]
    assert image.content.startswith(b"<svg")
    assert client.get(f"/badges/{badge.uuid}/ob2", **HTML)["Location"] == f"/badges/{badge.uuid}"

    issuer = served(client, document["issuer"])
    assert issuer["revocationList"] == issuer_documents.ob2_revocation_list_url(world.org_a)
    rsa = keys.active_key(world.org_a, KeyAlgorithm.RSA)  # made with the issuer
    assert issuer["publicKey"] == [issuer_documents.ob2_key_url(world.org_a, rsa)]
    assert served(client, issuer["publicKey"][0])["owner"] == issuer["id"]


def test_signed_assertion_verifies_with_key_provenance(client: Any, award: Award) -> None:
    response = client.get(f"/awards/{award.uuid}/ob2/signed.jws")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == (f'attachment; filename="badge-{award.uuid}-ob2.jws"')
    token = response.content.decode()
    assert jws_header(token) == {"alg": "RS256"}
    payload = jws_payload(token)
    rsa = keys.active_key(award.issuer, KeyAlgorithm.RSA)
    assert payload["id"] == f"urn:uuid:{award.uuid}"
    assert payload["verification"] == {
        "type": "SignedBadge",
        "creator": issuer_documents.ob2_key_url(award.issuer, rsa),
    }
    assert (
        payload["recipient"]
        == served(client, award_documents.assertion_url(award.uuid))["recipient"]
    )
    result = verify_ob2_jws(token, resolve(client))  # creator key owned by the badge's issuer
    assert result.issuer.id == issuer_documents.ob2_issuer_url(award.issuer)
    report = verify_credential(token, fetcher=LocalFetcher(), recipient="samir@example.org")
    assert report.state is State.VALID, report.checks
    assert report.version == "2.0"
    head, _body, signature = token.split(".")
    forged = {**payload, "narrative": "Autre chose."}
    forged_body = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    report = verify_credential(f"{head}.{forged_body}.{signature}", fetcher=LocalFetcher())
    assert report.state is State.INVALID


def test_vc_jwt_verifies_with_the_issuers_rsa_key(client: Any, world: Any, award: Award) -> None:
    response = client.get(f"/awards/{award.uuid}/credential.jwt")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="badge-{award.uuid}.jwt"'
    token = response.content.decode()
    rsa = keys.active_key(world.org_a, KeyAlgorithm.RSA)
    kid = issuer_documents.verification_method_id(world.org_a, rsa)
    assert jws_header(token) == {"alg": "RS256", "typ": "JWT", "kid": kid}
    assert kid.startswith(issuer_documents.issuer_url(world.org_a) + "/keys/")
    # The kid dereferences to the bare public JWK, as OB 3.0 and 1EdTech's validator expect.
    jwk = client.get(path(kid))
    assert jwk["Content-Type"] == "application/jwk+json"
    assert jwk["Access-Control-Allow-Origin"] == "*"
    public = json.loads(jwk.content)
    assert public == {**rsa.public_jwk, "kid": kid, "alg": "RS256"}
    assert "d" not in public
    jwks = served(client, f"/issuers/{world.org_a.uuid}/jwks.json")
    assert kid in [entry["kid"] for entry in jwks["keys"]]
    credential = json.loads(award.credential)
    result = verify_vc_jwt(token, lambda url: served(client, url))
    assert result.credential == {k: v for k, v in credential.items() if k != "proof"}
    assert result.claims["iss"] == issuer_documents.issuer_url(world.org_a)
    assert result.claims["jti"] == credential["id"]
    report = verify_credential(token, fetcher=LocalFetcher(), recipient="samir@example.org")
    assert report.state is State.VALID, report.checks
    assert report.version == "3.0"
    # A key of another issuer cannot stand in: its address is not under this issuer's.
    other = keys.active_key(world.org_b, KeyAlgorithm.RSA)
    other_kid = issuer_documents.verification_method_id(world.org_b, other)
    from obcore.jose import sign_vc_jwt

    impostor = sign_vc_jwt(
        {k: v for k, v in credential.items() if k != "proof"},
        keys.private_key(other),
        kid=other_kid,
    )
    assert verify_credential(impostor, fetcher=LocalFetcher()).state is State.INVALID


def test_baked_ob2_png_holds_the_hosted_assertion(client: Any, award: Award) -> None:
    response = client.get(f"/awards/{award.uuid}/ob2/badge.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    extracted = baking.extract(response.content, version="2.0")
    assert extracted.image_format == "png"
    assert json.loads(extracted.payload) == served(
        client, award_documents.assertion_url(award.uuid)
    )
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == "PNG"
    report = verify_credential(response.content, fetcher=LocalFetcher())
    assert report.state is State.VALID, report.checks
    assert report.version == "2.0"


def test_png_badge_images_are_baked_as_they_are(client: Any, world: Any) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "#1f4fb8").save(buffer, format="PNG")
    badge = badge_create(
        issuer=world.org_a,
        actor=world.admin,
        name="Badge en PNG",
        description="d",
        criteria="c",
        image=clean_upload(buffer.getvalue()),
        status="published",
    )
    award = awards.award_issue(badge=badge, actor=world.admin, phone="06 12 34 56 78")
    image = client.get(f"/badges/{badge.uuid}/image")
    assert image["Content-Type"] == "image/png"
    assert "Content-Security-Policy" not in image
    assertion = served(client, award_documents.assertion_url(award.uuid))
    assert assertion["recipient"]["type"] == "telephone"
    assert IdentityObject(
        identity=assertion["recipient"]["identity"],
        type="telephone",
        salt=assertion["recipient"]["salt"],
    ).matches("+33612345678")
    baked = client.get(f"/awards/{award.uuid}/ob2/badge.png").content
    assert verify_credential(baked, fetcher=LocalFetcher()).state is State.VALID
    assert baked.startswith(baking.PNG_SIGNATURE)


def test_revocation_shows_in_every_form(client: Any, world: Any, award: Award) -> None:
    jws = client.get(f"/awards/{award.uuid}/ob2/signed.jws").content.decode()
    jwt = client.get(f"/awards/{award.uuid}/credential.jwt").content.decode()
    png = client.get(f"/awards/{award.uuid}/ob2/badge.png").content
    kept = awards.award_issue(badge=award.badge, actor=world.admin, email="kept@example.org")
    awards.award_revoke(award=award, actor=world.admin, reason="Erreur de destinataire")

    gone = client.get(f"/awards/{award.uuid}/ob2", **LD)
    assert gone.status_code == 410
    assert gone["Access-Control-Allow-Origin"] == "*"
    body = json.loads(gone.content)
    assert body["@context"] == "https://w3id.org/openbadges/v2"
    assert body["id"] == award_documents.assertion_url(award.uuid)
    assert body["revoked"] is True
    assert body["revocationReason"] == "Erreur de destinataire"
    assert "recipient" not in body

    listed = served(client, issuer_documents.ob2_revocation_list_url(world.org_a))
    assert listed["type"] == "RevocationList"
    assert listed["issuer"] == issuer_documents.ob2_issuer_url(world.org_a)
    assert listed["revokedAssertions"] == [
        {
            "id": award_documents.assertion_url(award.uuid),
            "revocationReason": body["revocationReason"],
        },
        {"id": f"urn:uuid:{award.uuid}", "revocationReason": body["revocationReason"]},
    ]
    for source in (jws, jwt, png, award_documents.assertion_url(award.uuid)):
        report = verify_credential(source, fetcher=LocalFetcher())
        assert report.state is State.REVOKED, (source[:40], report.checks)
    kept_jws = client.get(f"/awards/{kept.uuid}/ob2/signed.jws").content.decode()
    assert verify_credential(kept_jws, fetcher=LocalFetcher()).state is State.VALID

    for suffix in ("ob2/signed.jws", "credential.jwt", "ob2/badge.png"):
        refused = client.get(f"/awards/{award.uuid}/{suffix}", HTTP_ACCEPT_LANGUAGE="en")
        assert refused.status_code == 410, suffix
        assert "revoked" in refused.text
        assert refused["Content-Type"].startswith("text/html")
    page = client.get(f"/awards/{award.uuid}", **HTML, HTTP_ACCEPT_LANGUAGE="en")
    assert "ob2/signed.jws" not in page.text
    assert "credential.jwt" not in page.text
    assert "format=json&amp;download=1" in page.text  # the original record stays


def test_a_name_only_award_has_no_ob2_form(client: Any, world: Any, published: Any) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, name="Inès")
    response = client.get(f"/awards/{award.uuid}/ob2", **LD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/ld+json"
    body = json.loads(response.content)
    assert body["error"] == "no_ob2_form"
    assert "name only" in body["message"]
    for suffix in ("ob2/signed.jws", "ob2/badge.png"):
        refused = client.get(f"/awards/{award.uuid}/{suffix}", HTTP_ACCEPT_LANGUAGE="en")
        assert refused.status_code == 404
        assert "name only" in refused.text
    jwt = client.get(f"/awards/{award.uuid}/credential.jwt")  # OB 3.0 forms are all there
    assert jwt.status_code == 200
    assert verify_credential(jwt.content.decode(), fetcher=LocalFetcher()).state is State.VALID
    page = client.get(f"/awards/{award.uuid}", **HTML, HTTP_ACCEPT_LANGUAGE="en")
    assert "Open Badges 2.0 needs an e-mail address or a phone number" in page.text
    assert f"/awards/{award.uuid}/ob2" not in page.text
    assert f"/awards/{award.uuid}/credential.jwt" in page.text
    listed = served(client, issuer_documents.ob2_revocation_list_url(world.org_a))
    awards.award_revoke(award=award, actor=world.admin, reason="x")
    assert served(client, issuer_documents.ob2_revocation_list_url(world.org_a)) == listed


def test_award_page_offers_every_download(client: Any, award: Award) -> None:
    page = client.get(f"/awards/{award.uuid}", **HTML, HTTP_ACCEPT_LANGUAGE="en")
    text = page.text
    for link in (
        f"/awards/{award.uuid}/badge.png",
        f"/awards/{award.uuid}/badge.svg",
        f"/awards/{award.uuid}/ob2/badge.png",
        f"/awards/{award.uuid}/ob2/signed.jws",
        f"/awards/{award.uuid}/credential.jwt",
        "format=json&amp;download=1",
    ):
        assert f'href="{link}"' in text or link in text, link
    assert f'value="{award_documents.assertion_url(award.uuid)}"' in text
    assert "LinkedIn" in text


def test_old_signatures_survive_a_key_rotation(client: Any, world: Any, award: Award) -> None:
    jws = client.get(f"/awards/{award.uuid}/ob2/signed.jws").content.decode()
    jwt = client.get(f"/awards/{award.uuid}/credential.jwt").content.decode()
    keys.signing_key_rotate(issuer=world.org_a, algorithm=KeyAlgorithm.RSA, actor=world.admin)
    for token in (jws, jwt):
        assert verify_credential(token, fetcher=LocalFetcher()).state is State.VALID
    again = client.get(f"/awards/{award.uuid}/ob2/signed.jws").content.decode()
    assert again != jws  # signed with the new key
    assert verify_credential(again, fetcher=LocalFetcher()).state is State.VALID


def _rows() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_nothing_is_stored_per_download(client: Any, world: Any, award: Award) -> None:
    rows, files = _rows(), _files()
    urls = [
        f"/awards/{award.uuid}/ob2",
        f"/awards/{award.uuid}/ob2/badge.png",
        f"/awards/{award.uuid}/ob2/signed.jws",
        f"/awards/{award.uuid}/credential.jwt",
        f"/badges/{award.badge.uuid}/ob2",
        f"/badges/{award.badge.uuid}/image",
        f"/issuers/{world.org_a.uuid}/ob2/revocations",
    ]
    first = [client.get(url, **LD).content for url in urls]
    second = [client.get(url, **LD).content for url in urls]
    assert first == second  # the same bytes each time (RS256 is deterministic)
    assert _rows() == rows
    assert _files() == files


def test_documents_run_a_bounded_number_of_queries(
    client: Any, world: Any, award: Award, django_assert_max_num_queries: Any
) -> None:
    for number in range(30):
        revoked = awards.award_issue(
            badge=award.badge, actor=world.admin, email=f"r{number}@example.org"
        )
        awards.award_revoke(award=revoked, actor=world.admin, reason=f"raison {number}")
    with django_assert_max_num_queries(2):
        listed = served(client, issuer_documents.ob2_revocation_list_url(world.org_a))
    assert len(listed["revokedAssertions"]) == 60
    for url, most in (
        (f"/awards/{award.uuid}/ob2", 1),
        (f"/awards/{award.uuid}/ob2/badge.png", 1),
        # Other apps name the badge's co-designers (peers), its creator and its endorsements
        # (networks: the OB 3.0 credentials, then the addresses of their OB 2.0 form).
        (f"/badges/{award.badge.uuid}/ob2", 5),
        (f"/badges/{award.badge.uuid}/image", 1),
        (f"/awards/{award.uuid}/ob2/signed.jws", 5),  # award, key (locked: savepoint)
        (f"/awards/{award.uuid}/credential.jwt", 5),
    ):
        with django_assert_max_num_queries(most):
            assert client.get(url, **LD).status_code == 200, url


def test_unknown_and_unpublished(client: Any, world: Any) -> None:
    for url in (
        f"/awards/{UNKNOWN}/ob2",
        f"/awards/{UNKNOWN}/ob2/badge.png",
        f"/awards/{UNKNOWN}/ob2/signed.jws",
        f"/awards/{UNKNOWN}/credential.jwt",
        f"/badges/{UNKNOWN}/ob2",
        f"/badges/{UNKNOWN}/image",
        f"/issuers/{UNKNOWN}/ob2/revocations",
        "/awards/not-a-uuid/ob2",
    ):
        assert client.get(url, **LD).status_code == 404, url
    draft = badge_create(
        issuer=world.org_a,
        actor=world.admin,
        name="Brouillon",
        description="d",
        criteria="c",
        image_svg='<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>',
    )
    assert client.get(f"/badges/{draft.uuid}/ob2", **LD).status_code == 404
    assert client.get(f"/badges/{draft.uuid}/image").status_code == 404
    draft.status = "archived"
    draft.save()
    assert client.get(f"/badges/{draft.uuid}/ob2", **LD).status_code == 200
    assert client.post(f"/issuers/{world.org_a.uuid}/ob2/revocations").status_code == 405


def test_empty_revocation_list(client: Any, world: Any) -> None:
    listed = served(client, issuer_documents.ob2_revocation_list_url(world.org_b))
    assert listed["revokedAssertions"] == []
    assert listed["id"] == issuer_documents.ob2_revocation_list_url(world.org_b)
