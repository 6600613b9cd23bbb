"""Hostile SVG badge images (issue 12, point 4): refused at upload with a clear message, and
never drawn on each request: every PNG of an SVG is drawn once, in a limited process, and kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from blason.issuing import awards, rendering
from blason.issuing.models import BadgeClass
from tests.blason.hostile_svgs import HOSTILE_SVGS, use_fan_out
from tests.blason.test_badge_designer import DESIGN, urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def draws(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    made: list[tuple[int, int]] = []
    real = rendering.draw

    def counted(svg: bytes, *, width: int, height: int) -> bytes:
        made.append((width, height))
        return real(svg, width=width, height=height)

    monkeypatch.setattr(rendering, "draw", counted)
    return made


@pytest.mark.parametrize("name", sorted(HOSTILE_SVGS))
def test_hostile_svg_upload_gets_a_clear_400(client: Any, world: Any, name: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data, message = HOSTILE_SVGS[name]
    client.force_login(world.admin)
    before = BadgeClass.objects.count()
    form = {**DESIGN, "image_source": "upload", "name": "Hostile"}
    form["image_file"] = SimpleUploadedFile("badge.svg", data, "image/svg+xml")
    response = client.post(urls(world)["new"], form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.text
    assert BadgeClass.objects.count() == before


def test_the_message_is_in_french_too(client: Any, world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.admin)
    form = {**DESIGN, "image_source": "upload", "name": "Hostile"}
    form["image_file"] = SimpleUploadedFile("badge.svg", use_fan_out(), "image/svg+xml")
    response = client.post(urls(world)["new"], form, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "trop complexe pour un badge" in response.text


def test_images_of_an_award_are_drawn_once_not_per_request(
    client: Any, world: Any, published: Any, draws: list[tuple[int, int]]
) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, email="ines@example.org")
    draws.clear()
    paths = [
        f"/awards/{award.uuid}/badge.png",
        f"/awards/{award.uuid}/ob2/badge.png",
        reverse("award_preview", args=[award.uuid]),
    ]
    for _round in range(3):
        for path in paths:
            response = client.get(path, HTTP_ACCEPT_LANGUAGE="fr")
            assert response.status_code == 200, path
            assert response["Content-Type"] == "image/png"
    # The badge at 512 was drawn when it was created; the card needs it at 400, and the card
    # itself: each once, whatever the number of requests.
    assert sorted(draws) == [(400, 400), (1200, 630)]


def test_a_hostile_svg_stored_before_the_limits_costs_one_bounded_attempt(
    client: Any, world: Any, published: Any, draws: list[tuple[int, int]], monkeypatch: Any
) -> None:
    """An SVG already in the storage (uploaded before the limits existed): no request draws it
    again after a failed attempt, and none answers 500."""
    monkeypatch.setattr(rendering, "TIME_LIMIT", 1)
    published.image.save("hostile.svg", ContentFile(use_fan_out(17, 2)))
    award = awards.award_issue(badge=published, actor=world.admin, email="ines@example.org")
    draws.clear()
    for _round in range(3):
        assert client.get(f"/awards/{award.uuid}/badge.png").status_code == 409
        assert client.get(f"/awards/{award.uuid}/badge.svg").status_code == 200
        # The card is drawn without the badge's image.
        assert client.get(reverse("award_preview", args=[award.uuid])).status_code == 200
    assert sorted(draws) == [(400, 400), (512, 512), (1200, 630)]
