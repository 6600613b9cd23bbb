"""An issuer's address (INSEE codes) and official numbers (SIRET, RNA): set on the space's
profile page, checked by form, and carried by its OB 3.0 Profile (``address``,
``otherIdentifier`` with ``ext:`` types) in its profile document and in every new award,
which still signs in safe mode and verifies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from blason.core.territory import siret_is_valid
from blason.issuing.awarding import services as awards
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.signing import issuer_documents as documents
from obcore.verify import verify_credential

pytestmark = pytest.mark.django_db

SIRET = "12345678900007"  # well-formed (its Luhn key is right), made up


def test_siret_checksum() -> None:
    assert siret_is_valid(SIRET)
    assert not siret_is_valid("12345678900008")
    assert not siret_is_valid("1234")


def test_the_profile_page_sets_the_address_and_numbers(
    client: Any, world: Any, published: Any
) -> None:
    client.force_login(world.admin)
    form = {
        "name": "Organisation A",
        "description": "",
        "url": "",
        "email": "",
        "place": "Roubaix",
        "siret": SIRET,
        "rna": "W595012345",
    }
    response = client.post(reverse("core:space_settings", args=["org-a"]), form)
    assert response.status_code == 302
    issuer = world.org_a
    issuer.refresh_from_db()
    assert (issuer.commune_code, issuer.departement_code, issuer.region_code) == (
        "59512",
        "59",
        "32",
    )
    profile = documents.profile_document(issuer)
    assert profile["address"]["addressRegion"] == "Hauts-de-France"
    assert profile["address"]["addressLocality"] == "Roubaix"
    assert {item["identifierType"] for item in profile["otherIdentifier"]} == {
        "ext:SIRET",
        "ext:RNA",
    }
    award = awards.award_issue(badge=published, actor=world.admin, name="Samir")
    credential = json.loads(award.credential)
    assert credential["issuer"]["otherIdentifier"][0]["identifier"] == SIRET
    assert credential["issuer"]["address"]["addressLocality"] == "Roubaix"
    assert verify_credential(award.credential, fetcher=LocalFetcher()).valid

    bad = {**form, "siret": "12345678901234", "place": "Xqzwville"}
    response = client.post(reverse("core:space_settings", args=["org-a"]), bad)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"siret", "place"}
    issuer.refresh_from_db()
    assert issuer.commune_code == "59512"  # nothing written


def test_the_address_is_picked_by_name_without_javascript(client: Any, world: Any) -> None:
    """No code is typed: the town's name (or postcode) is read when the form is sent; when
    several places answer, the page comes back with them to pick from (radio buttons)."""
    client.force_login(world.admin)
    url = reverse("core:space_settings", args=["org-a"])
    page = client.get(url).content.decode()
    assert 'name="place"' in page
    assert "commune_code" not in page
    assert "region_code" not in page
    form = {"name": "Organisation A", "description": "", "url": "", "email": ""}
    response = client.post(url, {**form, "place": "Saint-Martin"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="place_pick"' in page
    assert 'value="commune:' in page
    issuer = world.org_a
    response = client.post(url, {**form, "place": "Saint-Martin", "place_pick": "commune:59350"})
    assert response.status_code == 302
    issuer.refresh_from_db()
    assert (issuer.commune_code, issuer.departement_code, issuer.region_code) == (
        "59350",
        "59",
        "32",
    )
    # The page shows the place picked, by its name.
    assert "Lille" in client.get(url).content.decode()
    # Only a département, then nothing.
    assert client.post(url, {**form, "place": "departement:62"}).status_code == 302
    issuer.refresh_from_db()
    assert (issuer.commune_code, issuer.departement_code, issuer.region_code) == ("", "62", "32")
    assert client.post(url, {**form, "place": ""}).status_code == 302
    issuer.refresh_from_db()
    assert (issuer.commune_code, issuer.departement_code, issuer.region_code) == ("", "", "")
