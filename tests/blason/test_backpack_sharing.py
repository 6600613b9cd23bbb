"""Sharing a badge from the backpack: the LinkedIn link filled with the certification, the
share section, and the PDF certificate (laid out by WeasyPrint, with a QR code to the badge's
public page)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from blason.backpack import claims, imports, sharing
from blason.issuing.awarding import credentials
from blason.issuing.awarding import services as awards
from tests.blason import other_platforms as op
from tests.blason.test_claim_posters import laid_out_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(world: Any, published: Any) -> Any:
    published.validity, published.validity_days = "duration", 365
    published.save()
    award = awards.award_issue(
        badge=published, actor=world.admin, phone="+33612345678", name="Inès Haddad"
    )
    return claims.claim_award(user=world.member, code=award.claim_code or "").item


def test_the_linkedin_link_carries_the_certification(item: Any) -> None:
    link = urlsplit(sharing.linkedin_url(item) or "")
    assert (link.scheme, link.netloc, link.path) == ("https", "www.linkedin.com", "/profile/add")
    fields = {key: values[0] for key, values in parse_qs(link.query).items()}
    assert fields["startTask"] == "CERTIFICATION_NAME"
    assert fields["name"] == item.name
    assert fields["organizationName"] == "Organisation A"
    assert fields["issueYear"] == str(item.issued_at.year)
    assert fields["issueMonth"] == str(item.issued_at.month)
    assert fields["expirationYear"] == str(item.expires_at.year)
    assert fields["certUrl"] == credentials.award_url(item.award)
    assert fields["certId"] == str(item.award.uuid)


def test_the_item_page_offers_sharing(client: Any, world: Any, item: Any) -> None:
    client.force_login(world.member)
    page = client.get(reverse("backpack:item", args=[item.uuid]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Add to my LinkedIn profile" in page.text
    assert credentials.award_url(item.award) in page.text
    assert reverse("backpack:item_certificate", args=[item.uuid]) in page.text


def test_an_imported_badge_has_no_share_address_but_a_certificate(client: Any, world: Any) -> None:
    imported = imports.import_badge(user=world.member, text=op.data_integrity().payload)
    assert sharing.public_url(imported) is None
    assert sharing.linkedin_url(imported) is None
    client.force_login(world.member)
    page = client.get(reverse("backpack:item", args=[imported.uuid]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Add to my LinkedIn profile" not in page.text
    document = sharing.certificate_document(imported, "Léa", "en")
    assert "/verify/" in laid_out_text(document)  # checked by uploading it


@pytest.mark.parametrize(
    ("language", "words", "file_name"),
    [("fr", "a reçu le badge", "certificat-"), ("en", "has received the badge", "certificate-")],
)
def test_the_certificate(
    client: Any, world: Any, item: Any, language: str, words: str, file_name: str
) -> None:
    document = sharing.certificate_document(item, "Inès Haddad", language)
    assert len(document.pages) == 1
    text = laid_out_text(document)
    assert "Inès Haddad" in text
    assert words in text
    assert item.name in text
    assert credentials.award_url(item.award).split("://", 1)[1] in text
    client.force_login(world.member)
    url = reverse("backpack:item_certificate", args=[item.uuid])
    response = client.get(url, {"lang": language})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert f'filename="{file_name}' in response["Content-Disposition"]


def test_cv_of_chosen_badges(client: Any, world: Any, item: Any) -> None:
    other = imports.import_badge(
        user=world.member, text=op.data_integrity(email="bob@example.org").payload
    )
    client.force_login(world.member)
    url = reverse("backpack:cv")
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert form.status_code == 200
    assert item.name in form.text
    assert other.name in form.text
    nothing = client.get(url, {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="en")
    assert nothing.status_code == 400
    assert "Choose at least one badge." in nothing.text
    response = client.get(url, {"items": [str(item.uuid), str(other.uuid)], "lang": "fr"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert 'filename="cv-badges.pdf"' in response["Content-Disposition"]
    document = sharing.cv_document([item, other], "Léa Martin", "fr")
    text = laid_out_text(document)
    for expected in ("Léa Martin", item.name, other.name):
        assert expected in text
    assert credentials.award_url(item.award).split("://", 1)[1] in text
    assert "2 Open Badges" in text


def test_cv_takes_only_ones_own_badges(client: Any, world: Any, item: Any) -> None:
    client.force_login(world.outsider)
    response = client.get(
        reverse("backpack:cv"), {"items": [str(item.uuid)], "lang": "fr"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert item.name not in response.text
