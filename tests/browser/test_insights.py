"""A member reads their space's figures in a real browser, on a desktop and on a phone: the
charts are drawn, the data tables open and are reached with the keyboard, small groups read
"< 5", and every page passes axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

from typing import Any

import pytest

from blason.insights import services
from tests.blason.insights_fixtures import network
from tests.browser.helpers import no_sideways_scroll, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_on_a_desktop_and_a_phone(
    page: Any, phone_page: Any, world: Any, assert_accessible: Any
) -> None:
    net = network(world)
    services.facts_refresh()
    url = "/spaces/org-a/insights/"
    sign_in(page, world.member.email, url)
    figures = page.locator(".insights-figures")
    assert "11" in figures.inner_text()
    assert "9" in figures.inner_text()
    assert page.locator("#chart-monthly svg[role=img]").count() == 1
    assert page.locator("#chart-top svg[role=img]").count() == 1
    assert_accessible(page)

    # The monthly chart's table, by keyboard: its summary opens it, its region takes the focus.
    summary = page.locator("#chart-monthly + details summary")
    summary.focus()
    page.keyboard.press("Enter")
    region = page.locator("#chart-monthly + details .table-wrap")
    page.keyboard.press("Tab")
    assert region.evaluate("node => node === document.activeElement")
    assert "2025" in region.inner_text()
    assert_accessible(page)

    # One badge: two earners read "< 5".
    page.select_option("#id_badge", str(net.cuisine.uuid))
    page.locator("form.insights-filters button[type=submit]").click()
    page.wait_for_url("**badge=*")
    assert "< 5" in page.locator(".insights-figures").inner_text()
    assert_accessible(page)

    sign_in(phone_page, world.member.email, url)
    assert phone_page.locator("#chart-monthly svg").is_visible()
    no_sideways_scroll(phone_page)
    assert_accessible(phone_page)

    phone_page.goto("/account/territory/")
    phone_page.locator("#id_opted_out").check()
    phone_page.locator("main form button[type=submit]").click()
    assert phone_page.locator("#id_opted_out").is_checked()
    assert_accessible(phone_page)
