"""The preview image of an award for social networks, and the tags that point to it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from blason.core.site import absolute
from blason.issuing.awarding import services as awards
from blason.issuing.documents import share_images

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(world: Any, published: Any) -> Any:
    return awards.award_issue(badge=published, actor=world.admin, email="ines@example.org")


def test_the_preview_image(client: Any, award: Any) -> None:
    response = client.get(reverse("award_preview", args=[award.uuid]), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (1200, 630)
    assert image.getpixel((280, 315))[:3] != (0xF4, 0xF6, 0xFB)  # the badge is drawn there
    svg = share_images.preview_svg(award, "fr")
    assert "Accueil du public" in svg
    assert "Attribué par Organisation A" in svg
    assert "ines@example.org" not in svg  # never the recipient


def test_a_long_name_is_wrapped_on_three_lines_at_most(award: Any) -> None:
    award.badge.name = "Accueillir " * 20
    svg = share_images.preview_svg(award, "en")
    assert svg.count('font-size="56"') == 3
    assert "…" in svg


def test_the_award_page_points_to_it(client: Any, award: Any) -> None:
    page = client.get(f"/awards/{award.uuid}", HTTP_ACCEPT="text/html")
    preview = absolute(reverse("award_preview", args=[award.uuid]))
    assert f'<meta property="og:image" content="{preview}">' in page.text
    assert '<meta name="twitter:card" content="summary_large_image">' in page.text
    assert f'<meta name="twitter:image" content="{preview}">' in page.text
