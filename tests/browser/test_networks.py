"""A network in a real browser: a coordinator creates it and invites two issuers, one accepts;
an employer pastes a badge of the member on the verify page and sees that the network recognises
its issuer. French for the coordinator and the member, English for the employer; every page
is checked with axe-core.

Selectors are ids and form addresses, so the test reads the same in both languages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from blason.core.models import Role
from blason.issuing.awarding import services as awards
from blason.issuing.badges.services import badge_create
from blason.networks.models import MemberState, Network
from tests.browser.helpers import sign_in
from tests.conftest import BADGE_SVG
from tests.factories import IssuerFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_invites_a_member_accepts_an_employer_sees_the_recognition(
    page: Any, browser: Any, live_server: Any, settings: Any, assert_accessible: Any
) -> None:
    settings.SITE_URL = live_server.url
    coordinator = UserFactory(email="coordination@example.org", display_name="Nadia")
    mission, club = IssuerFactory(name="Mission Locale de Lille"), IssuerFactory(name="Club")
    owner = UserFactory(email="direction@example.org", display_name="Claire")
    MembershipFactory(issuer=mission, user=owner, role=Role.OWNER)

    sign_in(page, coordinator.email, reverse("networks:create"))
    assert_accessible(page)
    page.fill("#id_name", "Badgeons les Hauts-de-France")
    page.select_option("#id_region_code", "32")
    page.fill("#id_departements", "59 62")
    page.locator("main form button[type=submit]").click()
    network = Network.objects.get()
    page.wait_for_url(f"**/spaces/{network.issuer.slug}/network/")
    for issuer in (mission, club):
        page.fill("#id_issuer", f"{live_server.url}/issuers/{issuer.uuid}")
        page.locator("form[action$='/network/invite/'] button[type=submit]").click()
        page.wait_for_url(f"**/spaces/{network.issuer.slug}/network/")
    assert network.members.filter(state=MemberState.INVITED).count() == 2
    assert_accessible(page)
    page.context.clear_cookies()

    sign_in(page, owner.email, f"/spaces/{mission.slug}/networks/")
    assert_accessible(page)
    page.locator("form[action$='/accept/'] button[type=submit]").click()
    page.wait_for_url(f"**/spaces/{mission.slug}/networks/")
    assert_accessible(page)
    assert network.members.get(issuer=mission).state == MemberState.ACTIVE
    assert network.members.get(issuer=club).state == MemberState.INVITED

    badge = badge_create(
        issuer=mission,
        actor=owner,
        name="Atelier CV",
        description="A rédigé son CV.",
        criteria="CV relu avec un conseiller.",
        image_svg=BADGE_SVG,
        status="published",
    )
    award = awards.award_issue(badge=badge, actor=owner, name="Samir", notify=False)

    employer = browser.new_context(
        base_url=live_server.url, locale="en-GB", extra_http_headers={"Accept-Language": "en"}
    )
    try:
        visitor = employer.new_page()
        visitor.goto(reverse("verification:verify"))
        visitor.fill("#id_text", award.credential)
        visitor.locator("main form button[type=submit]").click()
        visitor.locator(".recognition").wait_for()
        text = visitor.locator(".recognition").inner_text()
        assert "Issuer recognised by Badgeons les Hauts-de-France" in text
        assert_accessible(visitor)
    finally:
        employer.close()
