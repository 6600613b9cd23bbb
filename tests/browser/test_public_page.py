"""An earner shows badges to the world in a real browser: makes an imported badge public,
turns their public page on, and a visitor on a phone sees the page and the badge's share page
and checks the badge. Every page is checked with axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.blason import other_platforms as op
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def either(french: str, english: str) -> re.Pattern[str]:
    return re.compile(f"^({re.escape(french)}|{re.escape(english)})$")


def test_show_a_badge_on_a_public_page(
    page: Any, phone_page: Any, world: Any, assert_accessible: Any, settings: Any, live_server: Any
) -> None:
    from blason.backpack import imports

    settings.SITE_URL = live_server.url  # the share addresses are absolute

    item = imports.import_badge(
        user=world.member, text=op.data_integrity(email=world.member.email).payload
    )
    sign_in(page, world.member.email)
    page.goto(f"/backpack/badges/{item.uuid}/")
    page.get_by_role("button", name=either("Le rendre public", "Make it public")).click()
    share = page.locator("#share-address")
    share_url = share.input_value()
    assert f"/shared/{item.uuid}" in share_url
    assert_accessible(page)

    page.get_by_role("link", name=either("Ma page publique", "My public page")).first.click()
    assert_accessible(page)
    page.locator("#id_enabled").check()
    page.locator("#id_name").fill("Bob L.")
    page.locator("#id_headline").fill("Cuisinier en herbe")
    page.locator("#id_slug").fill("bob-l")
    page.locator("main form button[type=submit]").click()
    assert page.locator("main a[href='/people/bob-l']").count() == 1

    visitor = phone_page
    visitor.goto("/people/bob-l")
    assert "Cuisinier en herbe" in visitor.locator("main").inner_text()
    assert_accessible(visitor)
    visitor.get_by_role("link", name="Prise de parole").click()
    visitor.wait_for_url(f"**/shared/{item.uuid}")
    assert_accessible(visitor)
    visitor.get_by_role(
        "button", name=either("Vérifier ce badge maintenant", "Check this badge now")
    ).click()
    verdict = visitor.locator(".verdict h2")
    assert verdict.inner_text() in ("Badge valide", "Valid badge")
    assert_accessible(visitor)
    width = visitor.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, "the share page scrolls sideways on a phone"
