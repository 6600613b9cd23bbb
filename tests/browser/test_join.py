"""Joining a group in a real browser: the facilitator shows the join QR code (in projector mode
too) and a newcomer joins with its link on a phone. The workshop itself is part of the whole
journey (``test_peer_journey``). Every page is checked with axe-core.

Selectors are ids and form addresses, so the test reads the same in French and English."""

from __future__ import annotations

from typing import Any

import pytest

from blason.core.models import Membership, Role
from blason.peers.models import JoinLink
from tests.blason.peers_fixtures import Community, community_fixture  # noqa: F401
from tests.browser.helpers import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_joins_with_the_qr_code_link(
    page: Any, phones: Any, community: Community, world: Any, assert_accessible: Any
) -> None:
    slug = community.issuer.slug
    sign_in(page, community.owner.email, f"/spaces/{slug}/join-link/")
    page.locator("form[action$='/join-link/new/'] button[type=submit]").click()
    page.locator(".join-qr").wait_for()
    assert_accessible(page)
    page.locator("a[href$='/join-link/?projector=1']").click()
    page.locator(".join-projector .join-qr").wait_for()
    assert_accessible(page)
    link = JoinLink.objects.get(revoked_at__isnull=True)

    phone = phones()
    phone.goto(f"/join/{link.token}/")
    assert_accessible(phone)
    phone.locator(f"a[href^='/accounts/login/?next=%2Fjoin%2F{link.token}']").click()
    phone.fill("#id_login", world.outsider.email)
    phone.fill("#id_password", PASSWORD)
    phone.locator("main form button[type=submit]").first.click()
    phone.wait_for_url(f"**/join/{link.token}/")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(f"**/spaces/{slug}/workshops/")
    assert_accessible(phone)
    membership = Membership.objects.get(issuer=community.issuer, user=world.outsider)
    assert membership.role == Role.VIEWER


def test_joining_from_the_room_with_a_name_and_a_phone_number(
    phones: Any, community: Community, world: Any, published: Any, assert_accessible: Any
) -> None:
    """In French on a phone: a name and a number on the join page, a member at once; the badge
    sent to that number waits until the SMS code is typed, later, then arrives by itself."""
    import re
    import time

    from blason.accounts.models import User
    from blason.core import sms
    from blason.issuing.awarding import services as awards
    from blason.peers import services

    services.join_link_create(issuer=community.issuer, actor=community.facilitator)
    link = JoinLink.objects.get(revoked_at__isnull=True)
    award = awards.award_issue(
        badge=published, actor=world.admin, notify=False, phone="06 12 34 56 78", name="Inès Haddad"
    )
    phone = phones()
    phone.goto(f"/join/{link.token}/")
    phone.get_by_role("heading", level=2, name="Rejoindre maintenant").wait_for()
    assert_accessible(phone)
    before = len(sms.outbox)
    phone.get_by_label("Votre prénom et votre nom").fill("Inès Haddad")
    phone.get_by_label("Votre numéro de portable ou votre adresse e-mail").fill("06 12 34 56 78")
    phone.get_by_label("Année de naissance").fill("2001")
    phone.locator("form.join-now button[type=submit]").click()
    phone.wait_for_url(f"**/spaces/{community.issuer.slug}/workshops/")
    phone.get_by_text("Confirmez votre numéro.").wait_for()
    assert_accessible(phone)
    ines = User.objects.get(phone="+33612345678")
    assert Membership.objects.get(issuer=community.issuer, user=ines).role == Role.VIEWER
    assert not ines.phone_verified

    # Later: her home reminds her; her backpack is empty until she types the code.
    phone.goto("/")
    phone.wait_for_url("**/dashboard/")
    phone.get_by_text("Confirmez votre numéro.").wait_for()
    assert_accessible(phone)
    phone.goto("/backpack/")
    phone.get_by_role("heading", level=1).first.wait_for()
    assert_accessible(phone)
    assert not award.backpack_items.exists()
    deadline = time.monotonic() + 15
    code = None
    while code is None and time.monotonic() < deadline:
        for message in sms.outbox[before:]:
            found = re.search(r"\b(\d{6})\b", message.body)
            if found and message.to == "+33612345678":
                code = found.group(1)
        time.sleep(0.1)
    assert code, sms.outbox
    phone.goto("/")
    phone.get_by_role("link", name="Tapez le code").click()  # on her home's reminder
    phone.wait_for_url("**/accounts/phone/verify/")
    assert_accessible(phone)
    phone.get_by_label("Code reçu par SMS").fill(code)
    phone.get_by_role("button", name="Valider").click()
    phone.wait_for_url("**/accounts/phone/change/")
    assert_accessible(phone)
    ines.refresh_from_db()
    assert ines.phone_verified
    phone.goto("/backpack/")
    phone.get_by_text("Accueil du public").first.wait_for()  # her badge arrived by itself
    assert_accessible(phone)
    phone.goto("/")
    phone.get_by_role("heading", level=1).first.wait_for()
    assert phone.get_by_text("Confirmez votre numéro.").count() == 0
    assert award.backpack_items.get().owner == ines
