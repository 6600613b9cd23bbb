"""Awards issued by the running application pass 1EdTech's badgecheck 1.2.0, and fail when they
should: the app serves every document on loopback (pytest-django's ``live_server``), badgecheck
fetches them over HTTP like any OB 2.0 verifier (hosted Assertion, BadgeClass, issuer, key,
RevocationList, images), and it is given the app's own downloads (signed JWS, baked PNG).

With CI=true a badgecheck that cannot be installed fails these tests instead of skipping them.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
import requests

from blason.issuing.awarding import services as awards
from blason.issuing.documents import award_documents
from tests.conftest import require_or_skip
from tests.interop.badgecheck_harness import BadgecheckUnavailable, ensure_venv, run_badgecheck

EMAIL = "Samir.Diallo@Example.org"
PHONE = "06 12 34 56 78"
PHONE_E164 = "+33612345678"


@pytest.fixture
def badgecheck() -> Any:
    try:
        return ensure_venv()
    except BadgecheckUnavailable as exc:
        require_or_skip(str(exc))


@pytest.fixture
def site(live_server: Any, settings: Any, published: Any) -> str:
    """Issued documents name the live server: ids, keys and lists all resolve on loopback."""
    settings.SITE_URL = live_server.url
    published.alignments = [
        {
            "name": "Accueillir un public",
            "url": "https://candidat.francetravail.fr/metierscope/fiche-metier/M1601",
            "framework": "ROME",
            "code": "M1601",
        }
    ]
    published.tags = ["accueil", "forum"]
    published.validity = "duration"
    published.validity_days = 365
    published.save()
    return str(live_server.url)


def download(url: str) -> bytes:
    response = requests.get(url, timeout=30)
    assert response.status_code == 200, (url, response.status_code)
    return response.content


def test_hosted_signed_and_baked_awards_pass_badgecheck(
    badgecheck: Any, site: str, world: Any, published: Any
) -> None:
    by_email = awards.award_issue(
        badge=published,
        actor=world.admin,
        email=EMAIL,
        name="Samir",
        narrative="A accueilli les visiteurs du **forum** toute la matinée.",
        evidence=[
            awards.EvidenceInput(url="https://example.org/photos/forum", narrative="Photos."),
            awards.EvidenceInput(narrative="Observé par deux pairs."),
        ],
    )
    by_phone = awards.award_issue(badge=published, actor=world.admin, phone=PHONE, name="Inès")
    signed = download(site + f"/awards/{by_email.uuid}/ob2/signed.jws").decode()
    baked = download(site + f"/awards/{by_email.uuid}/ob2/badge.png")
    hosted = award_documents.assertion_url(by_email.uuid)
    assert hosted.startswith(site)
    email = {"email": EMAIL.lower()}
    reports = run_badgecheck(
        badgecheck,
        site,
        [
            {"name": "hosted", "kind": "url", "data": hosted, "recipient": email},
            {
                "name": "phone",
                "kind": "url",
                "data": award_documents.assertion_url(by_phone.uuid),
                "recipient": {"telephone": PHONE_E164},
            },
            {"name": "signed", "kind": "jws", "data": signed, "recipient": email},
            {
                "name": "baked",
                "kind": "png",
                "data": base64.b64encode(baked).decode(),
                "recipient": email,
            },
            {
                "name": "someone-else",
                "kind": "url",
                "data": hosted,
                "recipient": {"email": "quelquun@example.org"},
            },
        ],
    )
    for name in ("hosted", "phone", "signed", "baked"):
        report = reports[name]
        assert report["valid"], (name, report["errors"])
        assert report["errors"] == []
        assert report["version"] == "2.0"
    assert reports["hosted"]["recipient"] == email
    assert reports["phone"]["recipient"] == {"telephone": PHONE_E164}
    assert reports["signed"]["recipient"] == email
    assert not reports["someone-else"]["valid"]
    assert any("recipient" in error.lower() for error in reports["someone-else"]["errors"])


def test_a_revoked_award_fails_badgecheck(
    badgecheck: Any, site: str, world: Any, published: Any
) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, email=EMAIL)
    kept = awards.award_issue(badge=published, actor=world.admin, email="autre@example.org")
    signed_before = download(site + f"/awards/{award.uuid}/ob2/signed.jws").decode()
    kept_signed = download(site + f"/awards/{kept.uuid}/ob2/signed.jws").decode()
    awards.award_revoke(award=award, actor=world.admin, reason="Attribué par erreur")
    gone = requests.get(
        award_documents.assertion_url(award.uuid),
        headers={"Accept": "application/ld+json"},
        timeout=30,
    )
    assert gone.status_code == 410
    assert gone.json()["revoked"] is True
    reports = run_badgecheck(
        badgecheck,
        site,
        [
            {"name": "hosted", "kind": "url", "data": award_documents.assertion_url(award.uuid)},
            {"name": "signed", "kind": "jws", "data": signed_before},
            {"name": "kept", "kind": "jws", "data": kept_signed},
        ],
    )
    # badgecheck reads the 410 body as an Assertion with its required properties missing (it
    # has no message of its own for a revoked hosted badge); the signed copy downloaded
    # before the revocation is found in the issuer's RevocationList, with the reason.
    assert not reports["hosted"]["valid"]
    assert any("recipient not present" in e for e in reports["hosted"]["errors"])
    assert not reports["signed"]["valid"]
    revoked = [e for e in reports["signed"]["errors"] if "revoked" in e.lower()]
    assert revoked
    assert "Attribué par erreur" in revoked[0]
    assert reports["kept"]["valid"], reports["kept"]["errors"]
