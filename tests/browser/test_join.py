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
