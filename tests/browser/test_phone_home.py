"""An earner on a phone (issue 13, point 6): signing in leads to their badges; the header is one
line (the brand and a menu button, the links and the language inside the menu); a badge's page
shows share and download near the top, with native sharing (Web Share API) where the phone has
it and WhatsApp and copy-link otherwise. Every page is checked with axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the phone's share sheet receives, recorded in the page (Chromium on Linux has none).
FAKE_SHARE = """
window.__shared = [];
Object.defineProperty(navigator, "share", {
  value: (data) => { window.__shared.push(data); return Promise.resolve(); },
  configurable: true,
});
"""


def header_fits_in_one_line(page: Any) -> None:
    brand = page.locator(".site-header .brand").bounding_box()
    menu = page.locator(".site-menu > summary").bounding_box()
    assert brand, "the brand is shown"
    assert menu, "the menu button is shown"
    assert abs(brand["y"] - menu["y"]) < brand["height"], "side by side, on one line"
    height = page.locator(".site-header").bounding_box()["height"]
    assert height < 80, f"the header is {height}px high"
    assert not page.locator(".header-wide .site-nav").is_visible()
    assert not page.locator("#menu-language-select").is_visible()  # inside the closed menu
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways ({width}px)"


@pytest.fixture
def earner_badge(world: Any, published: Any, settings: Any, live_server: Any) -> Any:
    from blason.backpack import claims
    from blason.issuing.awarding import services as awards
    from tests.factories import UserFactory

    settings.SITE_URL = live_server.url
    earner = UserFactory(email="ines@example.org", display_name="Inès")
    award = awards.award_issue(
        badge=published, actor=world.admin, phone="+33612345678", name="Inès Haddad"
    )
    return claims.claim_award(user=earner, code=award.claim_code or "").item


def test_an_earner_on_a_phone(phones: Any, earner_badge: Any, assert_accessible: Any) -> None:
    item = earner_badge
    phone = phones()
    phone.context.add_init_script(FAKE_SHARE)
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"])

    # No space: home is "Mes badges".
    sign_in(phone, item.owner.email)
    phone.wait_for_url("**/backpack/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Mes badges"
    header_fits_in_one_line(phone)
    assert_accessible(phone)

    # The menu button opens the links and the language switch.
    phone.locator(".site-menu > summary").click()
    menu = phone.locator(".site-menu-panel")
    assert menu.get_by_role("link", name="Mes badges").is_visible()
    assert menu.locator("#menu-language-select").is_visible()
    assert_accessible(phone)
    menu.get_by_role("link", name="Mes badges").click()

    # The badge's page: share and download come before everything else.
    phone.get_by_role("link", name="Accueil du public").first.click()
    phone.wait_for_url(f"**/backpack/badges/{item.uuid}/")
    header_fits_in_one_line(phone)
    share_top = phone.locator("#share-title").bounding_box()["y"]
    download_top = phone.locator("#downloads-title").bounding_box()["y"]
    for later in ("#recipient-title", "#note-title", "#public-title"):
        assert share_top < download_top < phone.locator(later).bounding_box()["y"], later
    assert download_top < 2 * 740, "download is within two screens of the top"
    assert_accessible(phone)

    # Native sharing: the phone's share sheet receives the badge's address.
    share_url = phone.locator("#share-address").input_value()
    phone.get_by_role("button", name="Partager…").click()
    shared = phone.evaluate("() => window.__shared")
    assert shared == [{"title": "Accueil du public", "url": share_url}]

    # The fallbacks work without it: WhatsApp with the address, and copying the address.
    whatsapp = phone.get_by_role("link", name="Envoyer sur WhatsApp").get_attribute("href")
    link = urlsplit(whatsapp or "")
    assert (link.netloc, link.path) == ("wa.me", "/")
    assert share_url in parse_qs(link.query)["text"][0]
    phone.get_by_role("button", name="Copier l\u2019adresse").click()
    phone.get_by_role("status").get_by_text("Adresse copiée.").wait_for()
    assert phone.evaluate("() => navigator.clipboard.readText()") == share_url

    # The language switch inside the menu.
    phone.locator(".site-menu > summary").click()
    phone.locator("#menu-language-select").select_option("en")
    phone.locator(".site-menu-panel").get_by_role("button", name="Changer de langue").click()
    phone.wait_for_url(f"**/backpack/badges/{item.uuid}/")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert_accessible(phone)


def test_without_web_share_the_button_stays_hidden(
    phones: Any, earner_badge: Any, assert_accessible: Any
) -> None:
    item = earner_badge
    phone = phones()
    sign_in(phone, item.owner.email)
    phone.goto(f"/backpack/badges/{item.uuid}/")
    assert phone.evaluate("() => typeof navigator.share") == "undefined"
    assert not phone.locator("[data-web-share]").is_visible()
    assert phone.get_by_role("link", name="Envoyer sur WhatsApp").is_visible()
    assert phone.get_by_role("button", name="Copier l\u2019adresse").is_visible()
    assert_accessible(phone)
