"""A network in a real browser: a coordinator creates it and invites two issuers, one accepts;
an employer pastes a badge of the member on the verify page and sees that the network recognises
its issuer and the badge. Run twice: French for the coordinator and the member and English for
the employer, then the other way round; every page is checked with axe-core.

Selectors are ids and form addresses, so the test reads the same in both languages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from blason.core.models import Role
from blason.issuing.awarding import services as awards
from blason.issuing.badges.services import badge_create
from blason.networks import endorsements
from blason.networks.models import MemberState, Network
from tests.browser.helpers import sign_in
from tests.conftest import BADGE_SVG
from tests.factories import IssuerFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


WORDS = {
    # language: (the member's accept button, the issuer line, the badge line)
    "fr": (
        "Rejoindre Badgeons les Hauts-de-France",
        "Émetteur reconnu par Badgeons les Hauts-de-France",
        "Badge reconnu par Badgeons les Hauts-de-France",
    ),
    "en": (
        "Join Badgeons les Hauts-de-France",
        "Issuer recognised by Badgeons les Hauts-de-France",
        "Badge recognised by Badgeons les Hauts-de-France",
    ),
}

MEMBER = {
    "fr": "Membre du réseau Badgeons les Hauts-de-France",
    "en": "Member of the network Badgeons les Hauts-de-France",
}


def _context(browser: Any, live_server: Any, language: str) -> Any:
    locale = "fr-FR" if language == "fr" else "en-GB"
    return browser.new_context(
        base_url=live_server.url,
        locale=locale,
        extra_http_headers={"Accept-Language": language},
    )


@pytest.mark.parametrize(("language", "employer_language"), [("fr", "en"), ("en", "fr")])
def test_a_coordinator_invites_a_member_accepts_an_employer_sees_the_recognition(
    browser: Any,
    live_server: Any,
    settings: Any,
    assert_accessible: Any,
    language: str,
    employer_language: str,
) -> None:
    settings.SITE_URL = live_server.url
    coordinator = UserFactory(email="coordination@example.org", display_name="Nadia")
    mission, club = IssuerFactory(name="Mission Locale de Lille"), IssuerFactory(name="Club")
    owner = UserFactory(email="direction@example.org", display_name="Claire")
    MembershipFactory(issuer=mission, user=owner, role=Role.OWNER)

    people = _context(browser, live_server, language)
    try:
        page = people.new_page()
        sign_in(page, coordinator.email, reverse("networks:create"))
        assert page.locator("html").get_attribute("lang") == language
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
        accept = page.locator("form[action$='/accept/'] button[type=submit]")
        assert WORDS[language][0] in accept.inner_text()
        accept.click()
        page.wait_for_url(f"**/spaces/{mission.slug}/networks/")
        assert_accessible(page)
    finally:
        people.close()
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
    # The network recognises the badge too (signed endorsement): in the awards from now on.
    endorsements.endorsement_give(endorser=network.issuer, subject=badge, actor=coordinator)
    award = awards.award_issue(badge=badge, actor=owner, name="Samir", notify=False)

    employer = _context(browser, live_server, employer_language)
    try:
        visitor = employer.new_page()
        visitor.goto(reverse("verification:verify"))
        visitor.fill("#id_text", award.credential)
        visitor.locator("main form button[type=submit]").click()
        visitor.locator(".recognition").wait_for()
        text = visitor.locator(".recognition").inner_text()
        _accept, issuer_line, badge_line = WORDS[employer_language]
        assert issuer_line in text
        assert badge_line in text
        assert_accessible(visitor)
        # The member's public page says which network vouches for it.
        visitor.goto(reverse("issuer_profile", args=[mission.uuid]))
        trust = visitor.locator("#issuer-trust-title").locator("..").inner_text()
        assert MEMBER[employer_language] in trust
        assert_accessible(visitor)
    finally:
        employer.close()
