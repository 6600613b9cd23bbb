"""The A4 poster of a badge that takes requests: one page laid out in the language asked for,
with the badge, its rule and a QR code of the request page; for the members of the space."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from blason.issuing.badges.services import badge_set_status
from blason.issuing.models import BadgeStatus
from blason.peers import request_posters, selectors, validation
from blason.peers.models import PeerRule
from tests.blason.peers_fixtures import Community, community_fixture  # noqa: F401
from tests.blason.test_claim_posters import laid_out_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(community: Community) -> PeerRule:
    badge_set_status(badge=community.badge, actor=community.owner, status=BadgeStatus.PUBLISHED)
    community.badge.refresh_from_db()
    return validation.rule_set(
        badge=community.badge, actor=community.owner, validators="holders", approvals_needed=2
    )


def test_the_poster_is_one_page_with_the_badge_its_rule_and_the_code(
    community: Community, rule: PeerRule
) -> None:
    document = request_posters.poster_document(community.badge, rule, "en")
    assert len(document.pages) == 1
    text = laid_out_text(document)
    assert "Ask for the badge “Soigner les ânes”" in text
    assert "Brosse l'âne" in text  # the criteria, in the badge's language
    assert "those who have it can give it" in text
    assert "The badge is awarded when 2 validators approve." in text
    html = request_posters.poster_html(community.badge, rule, "en")
    code = request_posters.qr_code(community.badge)
    assert code.svg_data_uri(border=2, dark="#1c2330") in html
    assert request_posters.request_url(community.badge).endswith(
        f"/badges/{community.badge.uuid}/ask/"
    )
    assert request_posters.poster_pdf(community.badge, rule, "fr").startswith(b"%PDF-")


def test_members_download_it(community: Community, rule: PeerRule) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("peers:poster_pdf", args=[community.issuer.slug, community.badge.uuid])
    client.force_login(community.outsider)
    assert client.get(url).status_code == 404
    client.force_login(community.members[0])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="poster-soigner-les-anes.pdf"' in response["Content-Disposition"]
    PeerRule.objects.update(accepts_requests=False)
    assert selectors.open_rule_of(community.badge) is None
    assert client.get(url).status_code == 404
