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


def table_opened_by_keyboard(page: Any, chart: str) -> Any:
    """A chart's data table by keyboard alone: Enter on its summary opens it, Tab puts the
    focus on its scrolling region (which a phone then scrolls sideways if it must)."""
    page.locator(f"{chart} + details summary").focus()
    page.keyboard.press("Enter")
    region = page.locator(f"{chart} + details .table-wrap")
    page.keyboard.press("Tab")
    assert region.evaluate("node => node === document.activeElement")
    assert region.locator("table").is_visible()
    return region


def tables_reached_by_keyboard(page: Any) -> None:
    """From the skills map's filter, Tab reaches each of its data tables' regions."""
    regions = page.locator("main .table-wrap[tabindex='0']")
    assert regions.count() >= 2
    page.locator("#id_competence").focus()
    reached = []
    for _step in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.className"))
    assert reached.count("table-wrap") >= 2


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
    region = table_opened_by_keyboard(page, "#chart-monthly")
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
    table_opened_by_keyboard(phone_page, "#chart-monthly")  # on the phone too
    table_opened_by_keyboard(phone_page, "#chart-top")
    no_sideways_scroll(phone_page)
    assert_accessible(phone_page)

    phone_page.goto("/account/territory/")
    phone_page.locator("#id_opted_out").check()
    phone_page.locator("main form button[type=submit]").click()
    assert phone_page.locator("#id_opted_out").is_checked()
    assert_accessible(phone_page)


def test_the_network_dashboard_and_skills_map_on_a_desktop_and_a_phone(
    page: Any, phone_page: Any, world: Any, assert_accessible: Any
) -> None:
    from blason.core.models import Issuer
    from blason.issuing.badges.alignments import normalise
    from blason.networks import services as networks
    from tests.blason.insights_fixtures import JANUARY, badge, give

    kitchen = badge(
        world,
        "Cuisine",
        alignments=[normalise(kind="ROME", code="G1602", name="Personnel de cuisine")],
    )
    Issuer.objects.filter(pk=world.org_a.pk).update(
        commune_code="59350", departement_code="59", region_code="32"
    )
    for n in range(6):
        give(world, kitchen, f"k{n}@example.org", JANUARY)
    for n in range(3):
        award = give(world, kitchen, f"a{n}@example.org", JANUARY)
        services.award_place_set(award=award, territory="02", actor=world.admin)
    made = networks.network_create(
        name="Réseau test", owner=world.member, region_code="32", departements=["02", "59"]
    )
    invited = networks.member_invite(network=made, issuer=world.org_a, actor=world.member)
    networks.invitation_accept(member=invited, actor=world.admin)
    services.facts_refresh()

    dashboard = f"/spaces/{made.issuer.slug}/insights/"
    sign_in(page, world.member.email, dashboard)
    assert "9" in page.locator(".insights-figures").inner_text()
    assert page.locator("#chart-monthly svg[role=img]").count() == 1
    assert_accessible(page)

    page.goto(f"/spaces/{made.issuer.slug}/insights/skills/")
    assert page.locator("svg.skills-map[role=group]").count() == 1
    assert page.locator('svg.skills-map [data-code="02"]').get_attribute("fill") == (
        "url(#map-hidden)"
    )
    territories = page.locator("#territories-caption").locator("xpath=ancestor::div[1]")
    assert "< 5" in territories.inner_text()
    assert "Lille" in territories.inner_text()
    # The data tables are reached with the keyboard: each scrolling region takes the focus.
    tables_reached_by_keyboard(page)
    assert_accessible(page)

    page.select_option("#id_territory", "59")
    page.locator("form.insights-filters button[type=submit]").click()
    page.wait_for_url("**territory=59*")
    assert "(G1602)" in page.locator("main").inner_text()
    assert_accessible(page)

    sign_in(phone_page, world.member.email, f"/spaces/{made.issuer.slug}/insights/skills/")
    assert phone_page.locator("svg.skills-map").is_visible()
    no_sideways_scroll(phone_page)
    assert_accessible(phone_page)
    tables_reached_by_keyboard(phone_page)
    phone_page.goto(dashboard)
    no_sideways_scroll(phone_page)
    assert_accessible(phone_page)
    region = table_opened_by_keyboard(phone_page, "#chart-monthly")
    assert "Organisation A" in region.inner_text()  # stacked by member issuer
    assert_accessible(phone_page)
