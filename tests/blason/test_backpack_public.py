"""What an earner shows the world: the public page (off by default, only public badges and
collections, the chosen name and never an address), the share page of an imported badge (Open
Graph card, image, file as received, a check anyone can run), and nobody reaching what was not
made public, nor changing someone else's choices."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from blason.backpack import claims, imports, profiles, sharing
from blason.backpack.models import Collection, Item, PublicProfile
from blason.core.exceptions import ActionRefused
from blason.core.models import AuditEntry
from blason.core.site import absolute
from blason.issuing.awarding import credentials
from blason.issuing.awarding import services as awards
from tests.blason import other_platforms as op

pytestmark = pytest.mark.django_db


def imported(user: Any, number: int = 1) -> Item:
    """A badge from elsewhere awarded to the member's verified address (bob@example.org)."""
    badge = op.data_integrity(number=number, email=user.email)
    return imports.import_badge(user=user, text=badge.payload)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "#1f4fb8").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def page_on(world: Any) -> PublicProfile:
    return profiles.profile_save(
        user=world.member, enabled=True, name="Bob L.", slug="bob-l", headline="Cuisinier"
    )


def test_nothing_is_public_by_default(client: Any, world: Any) -> None:
    item = imported(world.member)
    assert not item.public
    assert sharing.public_url(item) is None
    assert client.get(reverse("backpack:shared", args=[item.uuid])).status_code == 404
    assert client.get(reverse("backpack:shared_download", args=[item.uuid])).status_code == 404
    profile = profiles.profile_save(user=world.member, enabled=False, name="Bob", slug="bob")
    assert client.get(profile.get_absolute_url()).status_code == 404


def test_the_public_page_shows_only_what_was_made_public(
    client: Any, world: Any, published: Any, page_on: PublicProfile
) -> None:
    shown, kept = imported(world.member, 1), imported(world.member, 2)
    award = awards.award_issue(badge=published, actor=world.admin, phone="+33612345678")
    from_here = claims.claim_award(user=world.member, code=award.claim_code or "").item
    for item in (shown, from_here):
        profiles.item_set_public(item=item, public=True)
    job = Collection.objects.create(owner=world.member, name="Emploi", public=True)
    secret = Collection.objects.create(owner=world.member, name="Secret jardin")
    job.entries.create(item=shown, position=0)
    job.entries.create(item=kept, position=1)
    secret.entries.create(item=shown, position=0)

    page = client.get(reverse("backpack:public_profile", args=["bob-l"]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Badges of Bob L." in page.text
    assert "Cuisinier" in page.text
    assert "bob@example.org" not in page.text
    assert sharing.public_url(shown) in page.text
    assert credentials.award_url(award) in page.text  # a badge from here leads to its award page
    assert str(kept.uuid) not in page.text
    assert "Emploi" in page.text
    assert "Secret jardin" not in page.text


def test_the_public_page_runs_a_bounded_number_of_queries(
    client: Any, world: Any, page_on: PublicProfile, django_assert_max_num_queries: Any
) -> None:
    collection = Collection.objects.create(owner=world.member, name="Emploi", public=True)
    for number in range(25):
        item = imported(world.member, number + 10)
        profiles.item_set_public(item=item, public=True)
        collection.entries.create(item=item, position=number)
    with django_assert_max_num_queries(8):
        page = client.get(page_on.get_absolute_url())
    assert page.status_code == 200
    assert page.text.count('class="card item-card"') == 50


def test_the_share_page_of_an_imported_badge(
    client: Any, world: Any, page_on: PublicProfile
) -> None:
    item = imported(world.member)
    Item.objects.filter(pk=item.pk).update(image=png_bytes(), image_type="png")
    client.force_login(world.member)
    client.post(reverse("backpack:item_public", args=[item.uuid]), {"public": "1"})
    item.refresh_from_db()
    assert item.public
    client.logout()

    url = reverse("backpack:shared", args=[item.uuid])
    assert sharing.public_url(item) == absolute(url)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Prise de parole" in page.text
    assert "Autre plateforme" in page.text
    assert "to Bob L." in page.text
    assert page_on.get_absolute_url() in page.text
    assert 'property="og:image" content="' + absolute(url) + '/preview.png"' in page.text
    assert 'name="twitter:card" content="summary_large_image"' in page.text

    preview = client.get(reverse("backpack:shared_preview", args=[item.uuid]))
    assert preview["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(preview.content)).size == (1200, 630)
    image = client.get(reverse("backpack:shared_image", args=[item.uuid]))
    assert image.content == png_bytes()
    assert "sandbox" in image["Content-Security-Policy"]
    download = client.get(reverse("backpack:shared_download", args=[item.uuid]))
    assert download.content == bytes(item.received)  # exactly as received
    assert json.loads(download.content)["id"] == item.credential_key

    linkedin = sharing.linkedin_url(item) or ""
    assert "certId=" + str(item.uuid) in linkedin


def test_anyone_can_check_a_shared_badge(client: Any, world: Any) -> None:
    item = imported(world.member)
    profiles.item_set_public(item=item, public=True)
    page = client.post(reverse("backpack:shared", args=[item.uuid]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Valid badge" in page.text
    assert "The signature is valid" in page.text
    assert "to Bob" not in page.text  # the holder is named only when their page is on


def test_a_tampered_shared_badge_is_reported_as_altered(client: Any, world: Any) -> None:
    item = imported(world.member)
    Item.objects.filter(pk=item.pk).update(
        credential=item.credential.replace("Prise de parole", "Prise de pouvoir"), public=True
    )
    page = client.post(reverse("backpack:shared", args=[item.uuid]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Badge not valid" in page.text


def test_a_badge_awarded_here_is_shared_by_its_award_page(
    client: Any, world: Any, published: Any
) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, phone="+33612345678")
    item = claims.claim_award(user=world.member, code=award.claim_code or "").item
    profiles.item_set_public(item=item, public=True)
    response = client.get(reverse("backpack:shared", args=[item.uuid]))
    assert response.status_code == 302
    assert response["Location"] == credentials.award_url(award).replace(absolute(""), "")
    assert client.get(reverse("backpack:shared_download", args=[item.uuid])).status_code == 404


def test_making_private_again_closes_the_share_page(client: Any, world: Any) -> None:
    item = imported(world.member)
    client.force_login(world.member)
    for public in ("1", "0"):
        client.post(reverse("backpack:item_public", args=[item.uuid]), {"public": public})
    client.logout()
    assert client.get(reverse("backpack:shared", args=[item.uuid])).status_code == 404
    actions = list(
        AuditEntry.objects.filter(action__startswith="backpack.item.").values_list(
            "action", flat=True
        )
    )
    assert "backpack.item.published" in actions
    assert "backpack.item.unpublished" in actions


def test_profile_settings(client: Any, world: Any) -> None:
    client.force_login(world.member)
    url = reverse("backpack:profile_settings")
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert 'value="bob"' in form.text  # an address suggested from the name, not the e-mail
    saved = client.post(
        url, {"enabled": "on", "name": "Bob L.", "slug": "bob-cuisine", "headline": ""}
    )
    assert saved.status_code == 302
    assert PublicProfile.objects.get(user=world.member).enabled
    assert client.get(reverse("backpack:public_profile", args=["bob-cuisine"])).status_code == 200
    off = client.post(url, {"name": "Bob L.", "slug": "bob-cuisine"})
    assert off.status_code == 302
    assert client.get(reverse("backpack:public_profile", args=["bob-cuisine"])).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"enabled": "on", "name": "", "slug": "bob"}, "Give the name to show on your page."),
        ({"name": "Bob", "slug": "verify"}, "This address is kept for the site."),
        ({"name": "Bob", "slug": "alice"}, "This address is taken."),
        ({"name": "Bob", "slug": "bob léa!"}, "Enter a valid “slug”"),
    ],
)
def test_profile_settings_refuse_clearly(
    client: Any, world: Any, data: dict[str, str], message: str
) -> None:
    profiles.profile_save(user=world.admin, enabled=True, name="Alice", slug="alice")
    client.force_login(world.member)
    response = client.post(reverse("backpack:profile_settings"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PublicProfile.objects.filter(user=world.member).exists()


def test_the_service_refuses_a_taken_address(world: Any) -> None:
    profiles.profile_save(user=world.admin, enabled=True, name="Alice", slug="alice")
    with pytest.raises(ActionRefused):
        profiles.profile_save(user=world.member, enabled=True, name="Bob", slug="alice")


def test_nobody_changes_someone_elses_choices(client: Any, world: Any) -> None:
    item = imported(world.member)
    collection = Collection.objects.create(owner=world.member, name="Emploi")
    client.force_login(world.outsider)
    for url in (
        reverse("backpack:item_public", args=[item.uuid]),
        reverse("backpack:collection_public", args=[collection.uuid]),
    ):
        assert client.post(url, {"public": "1"}).status_code == 404
    item.refresh_from_db()
    collection.refresh_from_db()
    assert not item.public
    assert not collection.public
    client.logout()
    response = client.post(reverse("backpack:profile_settings"), {"slug": "x"})
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_collection_is_made_public_by_its_owner(client: Any, world: Any) -> None:
    collection = Collection.objects.create(owner=world.member, name="Emploi")
    client.force_login(world.member)
    client.post(reverse("backpack:collection_public", args=[collection.uuid]), {"public": "1"})
    collection.refresh_from_db()
    assert collection.public
