"""Pathways in a real browser, on a phone: Samir (the French demo) opens his backpack and sees
"Vers les métiers de l'accueil" half-way, with the missing badges greyed and their links; the
pathway's public page; axe-core (WCAG 2.1 AA) on every page visited."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


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
    assert "1 / 2" in card.locator("h3").inner_text()
    progress = card.locator("progress")
    assert progress.get_attribute("max") == "2"
    assert progress.get_attribute("value") == "1"
    earned = card.locator(".pathway-entry.earned")
    missing = card.locator(".pathway-entry.missing")
    assert earned.count() == 1
    assert "Accueil téléphonique" in earned.inner_text()
    assert missing.count() == 2
    # A missing badge is greyed, with its "how to get it" link.
    first_missing = missing.first
    assert "Accueil physique et orientation" in first_missing.inner_text()
    grey = first_missing.locator("img").evaluate("img => getComputedStyle(img).filter")
    assert "grayscale" in grey
    link = first_missing.get_by_role("link")
    assert link.get_attribute("href") == "https://mission-locale-lille.example.org/immersions"
    assert_accessible(page)
    no_sideways_scroll(page)

    card.get_by_role("link", name=PATHWAY).click()
    page.get_by_role("heading", level=1, name=PATHWAY).wait_for()
    assert_accessible(page)
    no_sideways_scroll(page)
