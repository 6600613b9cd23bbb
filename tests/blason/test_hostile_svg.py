"""Hostile SVG badge images (issue 12, point 4): refused at upload with a clear message, and
never drawn on each request: every PNG of an SVG is drawn once, in a limited process, and kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blason.issuing.awarding import services as awards
from blason.issuing.badges import rendering
from blason.issuing.models import BadgeClass
from tests.blason.hostile_svgs import HOSTILE_SVGS, use_fan_out
from tests.blason.test_badge_designer import DESIGN, urls
from tests.blason.test_images import draws  # noqa: F401 - the fixture counting drawings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", sorted(HOSTILE_SVGS))
def test_hostile_svg_upload_gets_a_clear_400(client: Any, world: Any, name: str) -> None:

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

    client.force_login(world.admin)
    form = {**DESIGN, "image_source": "upload", "name": "Hostile"}
    form["image_file"] = SimpleUploadedFile("badge.svg", use_fan_out(), "image/svg+xml")
    response = client.post(urls(world)["new"], form, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "trop complexe pour un badge" in response.text


def test_images_of_an_award_are_drawn_once_not_per_request(
    client: Any,
    world: Any,
    published: Any,
    draws: list[tuple[int, int]],  # noqa: F811 - the fixture imported above
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
    client: Any,
    world: Any,
    published: Any,
    draws: list[tuple[int, int]],  # noqa: F811 - the fixture imported above
    monkeypatch: Any,
) -> None:
    """An SVG already in the storage (uploaded before the limits existed): no request draws it
    again after a failed attempt, and none answers 500."""
    monkeypatch.setattr(rendering, "TIME_LIMIT", 1)
    published.image.save("hostile.svg", ContentFile(use_fan_out(16, 2)))  # seconds to draw
    award = awards.award_issue(badge=published, actor=world.admin, email="ines@example.org")
    draws.clear()
    for _round in range(3):
        assert client.get(f"/awards/{award.uuid}/badge.png").status_code == 409
        assert client.get(f"/awards/{award.uuid}/badge.svg").status_code == 200
        # The card is drawn without the badge's image.
        assert client.get(reverse("award_preview", args=[award.uuid])).status_code == 200
    assert sorted(draws) == [(400, 400), (512, 512), (1200, 630)]


@pytest.mark.parametrize("name", sorted(HOSTILE_SVGS))
def test_imported_badges_with_a_hostile_svg_image(client: Any, world: Any, name: str) -> None:
    """A badge from elsewhere baked into a hostile SVG, or naming one as its image: never a 500;
    the badge is kept without the image (an image is decoration), or refused with a 4xx."""
    import base64

    from blason.backpack.models import Item
    from obcore import baking
    from obcore.errors import BakingError
    from tests.blason import other_platforms as op

    data, _message = HOSTILE_SVGS[name]
    client.force_login(world.admin)
    try:
        baked = baking.bake(data, op.data_integrity(number=7).payload, version="3.0")
    except BakingError:
        baked = data
    response = client.post(
        "/backpack/import/",
        {"file": SimpleUploadedFile("badge.svg", baked)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code < 500
    for item in Item.objects.all():
        assert not item.image
    Item.objects.all().delete()

    image = "data:image/svg+xml;base64," + base64.b64encode(data).decode()
    badge = op.data_integrity(number=8, image={"id": image, "type": "Image"})
    response = client.post(
        "/backpack/import/",
        {"file": SimpleUploadedFile("badge.json", badge.payload.encode())},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code < 500
    item = Item.objects.get()
    assert not item.image
    assert client.get(reverse("backpack:item", args=[item.uuid])).status_code == 200


def test_an_imported_badge_keeps_a_harmless_svg_image(client: Any, world: Any) -> None:
    """The control of the test above: the same path keeps an ordinary image, drawn once."""
    import base64

    from blason.backpack.models import Item
    from tests.blason import other_platforms as op

    client.force_login(world.admin)
    image = "data:image/svg+xml;base64," + base64.b64encode(op.SVG.encode()).decode()
    badge = op.data_integrity(number=9, image={"id": image, "type": "Image"})
    client.post("/backpack/import/", {"file": SimpleUploadedFile("b.json", badge.payload.encode())})
    item = Item.objects.get()
    assert item.image_type == "svg"
    assert rendering.stored_png(bytes(item.image), width=512, height=512).startswith(b"\x89PNG")
