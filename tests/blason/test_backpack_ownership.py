"""Whose badge is it (issue 12, point 5)? Eve imports Alice's award by its address: it stays in
Eve's backpack marked "issued to someone else", and nothing presents it as Eve's — no public
page, no share page, no certificate, no CV, no LinkedIn link. Alice importing her own award, or
a badge from elsewhere naming one of her verified addresses, may do all of that; and a badge
becomes its holder's as soon as they verify the address it names."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account import signals
from allauth.account.models import EmailAddress
from django.urls import reverse

from blason.backpack import imports, profiles, recipients, sharing
from blason.backpack.models import Item, ItemRecipient
from blason.core.models import AuditEntry
from blason.issuing.awarding import credentials
from blason.issuing.awarding import services as awards
from tests.blason import other_platforms as op

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_award(world: Any, published: Any) -> Any:
    """An award of this site to Alice, whose account is ``world.member`` (bob@example.org)."""
    return awards.award_issue(badge=published, actor=world.admin, email="bob@example.org")


def _try_everything(client: Any, user: Any, item: Item) -> dict[str, Any]:
    client.force_login(user)
    page = client.get(reverse("backpack:item", args=[item.uuid]), HTTP_ACCEPT_LANGUAGE="en")
    made_public = client.post(reverse("backpack:item_public", args=[item.uuid]), {"public": "1"})
    certificate = client.get(reverse("backpack:item_certificate", args=[item.uuid]))
    cv = client.get(reverse("backpack:cv"), {"items": [str(item.uuid)], "lang": "en"})
    item.refresh_from_db()
    return {"page": page, "public": made_public, "certificate": certificate, "cv": cv}


def test_eve_cannot_present_alice_s_award_as_hers(
    client: Any, world: Any, alice_award: Any
) -> None:
    eve = world.outsider
    profiles.profile_save(user=eve, enabled=True, name="Eve", slug="eve")
    item = imports.import_badge(user=eve, text=credentials.award_url(alice_award))
    assert item.recipient == ItemRecipient.OTHER
    tried = _try_everything(client, eve, item)

    assert "Issued to someone else" in tried["page"].text
    assert "cannot be made public" in tried["page"].text
    assert reverse("backpack:item_certificate", args=[item.uuid]) not in tried["page"].text
    assert "Add to my LinkedIn profile" not in tried["page"].text
    assert not item.public
    assert not tried["certificate"].content.startswith(b"%PDF")
    assert tried["cv"].status_code == 400  # not among the badges a CV may show
    assert sharing.public_url(item) is None
    assert sharing.linkedin_url(item) is None
    assert sharing.embed_image_url(item) is None
    listing = client.get(reverse("backpack:list"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Délivré à quelqu\u2019un d\u2019autre" in listing.text

    # Even forced public in the database, it is published nowhere.
    Item.objects.filter(pk=item.pk).update(public=True)
    client.logout()
    assert client.get(reverse("backpack:shared", args=[item.uuid])).status_code == 404
    public_page = client.get(reverse("backpack:public_profile", args=["eve"]))
    assert alice_award.badge.name not in public_page.text
    assert credentials.award_url(alice_award) not in public_page.text


def test_alice_may_present_her_own_award(client: Any, world: Any, alice_award: Any) -> None:
    alice = world.member
    item = imports.import_badge(user=alice, text=credentials.award_url(alice_award))
    assert item.award == alice_award  # recognised as this site's award, compared as such
    assert item.recipient == ItemRecipient.OWNER
    tried = _try_everything(client, alice, item)
    assert "Issued to someone else" not in tried["page"].text
    assert item.public
    assert tried["certificate"].content.startswith(b"%PDF")
    assert tried["cv"].content.startswith(b"%PDF")
    assert sharing.linkedin_url(item) is not None
    # Her backpack does not collect the same award a second time.
    client.get(reverse("backpack:list"))
    assert Item.objects.filter(owner=alice).count() == 1


def test_a_badge_from_elsewhere_is_matched_by_its_hashed_identifier(
    client: Any, world: Any
) -> None:
    mine = imports.import_badge(
        user=world.member, text=op.data_integrity(number=7, email="bob@example.org").payload
    )
    someone_else_s = imports.import_badge(
        user=world.member, text=op.data_integrity(number=8).payload
    )
    assert mine.recipient == ItemRecipient.OWNER
    assert someone_else_s.recipient == ItemRecipient.OTHER


def test_verifying_the_address_a_badge_names_makes_it_one_s_own(client: Any, world: Any) -> None:
    lea = world.outsider
    item = imports.import_badge(user=lea, text=op.data_integrity(number=9).payload)
    assert item.recipient == ItemRecipient.OTHER
    address = EmailAddress.objects.create(user=lea, email="lea@example.org", verified=True)
    signals.email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    item.refresh_from_db()
    assert item.recipient == ItemRecipient.OWNER
    assert AuditEntry.objects.filter(action="backpack.item.recipient_marked").count() == 1
    profiles.item_set_public(item=item, public=True)

    # Removing the address again: no longer provably hers, and private again.
    address.delete()
    signals.email_removed.send(sender=EmailAddress, request=None, user=lea, email_address=address)
    item.refresh_from_db()
    assert item.recipient == ItemRecipient.OTHER
    assert not item.public


def test_the_item_page_catches_up_with_identities_verified_elsewhere(
    client: Any, world: Any
) -> None:
    """An address verified by a way that sends no signal (an operator, a script): the badge's
    page marks it again when it is opened."""
    lea = world.outsider
    item = imports.import_badge(user=lea, text=op.data_integrity(number=10).payload)
    EmailAddress.objects.create(user=lea, email="lea@example.org", verified=True)
    client.force_login(lea)
    client.get(reverse("backpack:item", args=[item.uuid]))
    item.refresh_from_db()
    assert item.recipient == ItemRecipient.OWNER
    assert recipients.refresh(lea) == 0


def test_the_same_id_from_another_issuer_is_another_badge(client: Any, world: Any) -> None:
    """The import page keeps a credential once per id *and* issuer (issue 11, point 4)."""
    first, second = op.data_integrity(number=11), op.data_integrity(number=11)  # two issuers
    assert first.id == second.id
    client.force_login(world.member)
    url = reverse("backpack:import")
    for badge, status in [(first, 302), (second, 302), (first, 409)]:
        answer = client.post(url, {"text": badge.payload}, HTTP_ACCEPT_LANGUAGE="en")
        assert answer.status_code == status, answer.content[:500]
    warned = client.post(
        url, {"text": op.data_integrity(number=12).payload}, HTTP_ACCEPT_LANGUAGE="fr", follow=True
    )
    assert "délivré à quelqu\u2019un d\u2019autre" in warned.text
    assert Item.objects.filter(owner=world.member, credential_key=first.id).count() == 2


def test_an_ob2_badge_is_matched_by_its_recipient(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from blason.backpack import checking

    mine, theirs = op.ob2_hosted(number=13, email="bob@example.org"), op.ob2_hosted(number=14)
    for badge, mark in [(mine, ItemRecipient.OWNER), (theirs, ItemRecipient.OTHER)]:
        monkeypatch.setattr(checking, "make_fetcher", badge.fetcher)
        item = imports.import_badge(user=world.member, text=badge.payload)
        assert item.recipient == mark
