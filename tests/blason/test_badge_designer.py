"""The badge designer: editors design, publish and archive; others cannot."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from blason.core.models import AuditEntry, Membership
from blason.issuing.models import BadgeClass

pytestmark = pytest.mark.django_db

DESIGN = {
    "name": "Entraide",
    "description": "Aide les autres membres.",
    "criteria_items": "Propose son aide\n- Explique sans faire à la place\n\n",
    "criteria": "Observé par deux pairs.",
    "tags": "entraide, solidarité, entraide",
    "achievement_type": "Competency",
    "validity": "duration",
    "validity_days": "365",
    "valid_until": "",
    "image_source": "build",
    "shape": "hexagon",
    "colour": "#17622f",
    "icon": "hands",
    "image_text": "Entraide",
    "language": "fr",
    "alignments-TOTAL_FORMS": "0",
    "alignments-INITIAL_FORMS": "0",
}


def read(field: Any) -> bytes:
    with field.open("rb") as handle:
        data: bytes = handle.read()
    return data


def urls(world: Any) -> dict[str, str]:
    slug, badge = world.org_a.slug, world.badge_a.uuid
    return {
        "new": reverse("issuing:badge_new", args=[slug]),
        "edit": reverse("issuing:badge_edit", args=[slug, badge]),
        "status": reverse("issuing:badge_status", args=[slug, badge]),
        "preview": reverse("issuing:image_preview", args=[slug]),
    }


@pytest.mark.parametrize("name", ["new", "edit", "status", "preview"])
def test_outsiders_404_viewers_403(client: Any, world: Any, name: str) -> None:
    url = urls(world)[name]
    method = client.post if name == "status" else client.get
    client.force_login(world.outsider)
    assert method(url).status_code == 404
    client.force_login(world.member)
    assert method(url).status_code == 403


def test_editor_designs_a_badge_with_the_builder(client: Any, world: Any) -> None:
    Membership.objects.filter(user=world.member).update(role="editor")
    client.force_login(world.member)
    assert client.get(urls(world)["new"]).status_code == 200
    response = client.post(urls(world)["new"], DESIGN)
    badge = BadgeClass.objects.get(name="Entraide")
    assert response["Location"] == reverse("issuing:badge", args=[world.org_a.slug, badge.uuid])
    assert badge.status == "draft"
    assert badge.criteria_items == ["Propose son aide", "Explique sans faire à la place"]
    assert badge.tags == ["entraide", "solidarité"]
    assert (badge.validity, badge.validity_days, badge.achievement_type) == (
        "duration",
        365,
        "Competency",
    )
    svg = read(badge.image)
    assert svg.startswith(b"<svg")
    assert b"#17622f" in svg
    page = client.get(response["Location"])
    assert "Explique sans faire à la place" in page.text
    assert AuditEntry.objects.filter(action="issuing.badge.created", actor=world.member).exists()


def test_upload_png_and_hostile_svg(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    out = io.BytesIO()
    Image.new("RGB", (128, 128), "red").save(out, format="PNG")
    data = {**DESIGN, "image_source": "upload", "name": "Photo"}
    data["image_file"] = SimpleUploadedFile("badge.png", out.getvalue(), "image/png")
    assert client.post(urls(world)["new"], data).status_code == 302
    assert BadgeClass.objects.get(name="Photo").image.name.endswith(".png")
    hostile = (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 99 99" onload="x()">'
        b"<script>alert(1)</script><circle r='9'/></svg>"
    )
    data = {**DESIGN, "image_source": "upload", "name": "Vector"}
    data["image_file"] = SimpleUploadedFile("a.svg", hostile, "image/svg+xml")
    assert client.post(urls(world)["new"], data).status_code == 302
    content = read(BadgeClass.objects.get(name="Vector").image)
    assert b"script" not in content
    assert b"onload" not in content


def test_invalid_input_is_explained_and_nothing_is_saved(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    before = BadgeClass.objects.count()
    cases = [
        {**DESIGN, "validity": "duration", "validity_days": ""},
        {**DESIGN, "validity": "date", "valid_until": str(timezone.localdate() - timedelta(1))},
        {**DESIGN, "image_source": "upload"},
        {
            **DESIGN,
            "image_source": "upload",
            "image_file": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\nbroken", "image/png"),
        },
        {**DESIGN, "colour": "red"},
        {**DESIGN, "name": ""},
    ]
    for data in cases:
        response = client.post(urls(world)["new"], data, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert 'class="errors"' in response.text or "message-error" in response.text
    assert BadgeClass.objects.count() == before


def test_edit_publish_archive(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    badge = world.badge_a
    badge.status = "draft"
    badge.save()
    response = client.post(urls(world)["edit"], {**DESIGN, "image_source": "build"})
    assert response.status_code == 302
    badge.refresh_from_db()
    assert badge.name == "Entraide"
    client.post(urls(world)["status"], {"status": "published"})
    badge.refresh_from_db()
    assert badge.status == "published"
    client.post(urls(world)["status"], {"status": "archived"})
    badge.refresh_from_db()
    assert badge.status == "archived"
    client.post(urls(world)["edit"], {**DESIGN, "name": "Changed"})
    badge.refresh_from_db()
    assert badge.name == "Entraide"  # archived badges do not change
    actions = set(AuditEntry.objects.filter(issuer=world.org_a).values_list("action", flat=True))
    assert {"issuing.badge.updated", "issuing.badge.published", "issuing.badge.archived"} <= actions


def test_image_preview(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    response = client.get(
        urls(world)["preview"],
        {"shape": "star", "colour": "#a33a00", "icon": "heart", "image_text": "Top"},
    )
    assert response.status_code == 200
    assert "data:image/svg+xml;base64," in response.text
