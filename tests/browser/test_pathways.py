"""Pathways in a real browser, on a phone (375 px, French): Samir (the French demo) signs in,
opens his backpack and sees "Vers les métiers de l'accueil 2 / 3", the missing badge greyed with
its "how to get it" link, and the fixture job offers near Lille; he looks in the Pas-de-Calais
instead and the choice is remembered; the pathway's public page; axe-core (WCAG 2.1 AA) on
every page visited."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JOB_OFFERS_PROVIDER = "fixtures"


def test_samir_sees_his_pathway_on_his_phone(phone_page: Any, assert_accessible: Any) -> None:
    from blason.core.demo import load_demo
    from blason.pathways.demo import PATHWAY

    load_demo()
    page = phone_page
    page.goto("/accounts/login/")
    page.fill("#id_login", "samir@demo.blason.test")
    page.fill("#id_password", "badges-demo-2026")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto("/backpack/")
    card = page.locator(".pathway-card", has_text=PATHWAY)
    card.wait_for()
    assert "2 / 3" in card.locator("h3").first.inner_text()
    progress = card.locator("progress")
    assert progress.get_attribute("max") == "3"
    assert progress.get_attribute("value") == "2"
    earned = card.locator(".pathway-entry.earned")
    missing = card.locator(".pathway-entry.missing")
    assert earned.count() == 2
    assert "Accueil téléphonique" in earned.first.inner_text()
    assert missing.count() == 1
    # The missing badge is greyed, with its "how to get it" link.
    assert "Bureautique de base" in missing.inner_text()
    grey = missing.locator("img").evaluate("img => getComputedStyle(img).filter")
    assert "grayscale" in grey
    link = missing.get_by_role("link")
    assert (
        link.get_attribute("href")
        == "https://mission-locale-lille.example.org/ateliers/bureautique"
    )
    # The fixture offers near Lille for the occupations the pathway leads to (M1601, M1607).
    offers = card.locator(".local-offers")
    assert "Offres près de chez vous" in offers.locator("h4").inner_text()
    assert "6 offres près de Lille, Nord (59350) (à moins de 20\u00a0km)" in offers.inner_text()
    assert offers.locator(".offer").count() == 5
    assert "Agent d'accueil en alternance (H/F)" in offers.inner_text()
    assert "Alternance" in offers.inner_text()
    assert "et 1 autre offre" in offers.inner_text()
    assert_accessible(page)
    no_sideways_scroll(page)

    # He looks in the Pas-de-Calais instead: no offer for these occupations there.
    page.locator(".offers-where summary").click()
    page.fill("#id_place", "Pas-de-Calais")
    page.locator(".offers-where button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/backpack/")
    offers = page.locator(".pathway-card", has_text=PATHWAY).locator(".local-offers")
    assert "0 offre — Pas-de-Calais (département 62)" in offers.inner_text()
    assert "Pas-de-Calais" in page.locator(".offers-where").inner_text()
    assert_accessible(page)

    page.locator(".pathway-card", has_text=PATHWAY).get_by_role("link", name=PATHWAY).click()
    page.get_by_role("heading", level=1, name=PATHWAY).wait_for()
    # Remembered: the public page looks in the Pas-de-Calais too.
    assert "Pas-de-Calais" in page.locator(".offers-where").inner_text()
    assert_accessible(page)
    no_sideways_scroll(page)
