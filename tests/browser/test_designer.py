"""Designing a badge in a real browser: a Markdown description with its live preview, an
English translation, a ROME code that becomes a link; then the public page read in English and
in French. Every page is checked with axe-core.

Selectors use element ids and the page's structure rather than the new sentences, so the test
holds before and after their French translation is merged."""

from __future__ import annotations

import re
from typing import Any

import pytest

from blason.issuing.models import BadgeClass
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROME_URL = "https://candidat.francetravail.fr/metierscope/fiche-metier/M1607"


def test_design_a_bilingual_badge_linked_to_a_job(
    page: Any, world: Any, assert_accessible: Any
) -> None:
    sign_in(page, world.admin.email)
    page.goto(f"/spaces/{world.org_a.slug}/badges/new/")
    assert_accessible(page)

    page.fill("#id_name", "Accueil du public")
    page.fill("#id_description", "Sait **accueillir** et *orienter*.\n\n- écoute\n- oriente")
    preview = page.locator("#id_description_preview")
    preview.locator("strong", has_text="accueillir").wait_for()  # live preview (htmx)
    assert preview.locator("li").count() == 2
    page.fill("#id_criteria_items", "Accueille\nOriente")
    page.fill("#id_criteria", "Observé trois fois par l'équipe.")

    # The translation section is closed until opened.
    assert not page.locator("#id_translation_name").is_visible()
    page.locator("#translation-title").click()
    assert page.locator("#id_translation_name").get_attribute("lang") == "en"
    page.fill("#id_translation_name", "Welcoming the public")
    page.fill("#id_translation_description", "Knows how to **welcome** and guide people.")
    page.fill("#id_translation_criteria_items", "Welcomes\nGuides")
    page.fill("#id_translation_criteria", "Seen three times by the team.")
    # Choosing English as the badge's language makes the translation French, and back.
    page.select_option("#id_language", "en")
    assert page.locator("#id_translation_name").get_attribute("lang") == "fr"
    page.select_option("#id_language", "fr")
    assert page.locator("#id_translation_name").get_attribute("lang") == "en"

    # Typing a ROME code recognises the framework and writes the official address.
    page.fill("#id_alignments-0-code", "m1607")
    assert page.locator("#id_alignments-0-kind").input_value() == "ROME"
    assert page.locator("#id_alignments-0-url").input_value() == ROME_URL
    assert not page.locator("#id_alignments-0-framework").is_visible()
    page.fill("#id_alignments-0-name", "Développement informatique")
    # A second row, added in place, for a free entry.
    page.locator("[data-add-alignment]").click()
    page.locator("#id_alignments-1-kind").wait_for()
    assert page.evaluate("() => document.activeElement.id") == "id_alignments-1-kind"
    page.select_option("#id_alignments-1-kind", "other")
    assert page.locator("#id_alignments-1-framework").is_visible()
    page.fill("#id_alignments-1-name", "Notre grille d'observation")
    page.fill("#id_alignments-1-url", "https://example.org/grille")
    assert_accessible(page)

    page.select_option("#id_shape", "circle")
    page.locator("#image-preview img").wait_for()
    page.get_by_label("N'expire pas").check()
    page.locator(".actions button[type=submit]").first.click()
    page.get_by_role("heading", level=1, name="Accueil du public").wait_for()
    assert_accessible(page)
    badge = BadgeClass.objects.get(name="Accueil du public")
    assert badge.translations["en"]["name"] == "Welcoming the public"
    assert [a["code"] for a in badge.alignments] == ["M1607", ""]
    page.get_by_role("button", name="Publier").click()
    page.get_by_role("status").get_by_text("Le badge est publié.").wait_for()

    # The public page, in French (the page's language is the badge's): no lang needed.
    page.goto(f"/badges/{badge.uuid}")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Accueil du public"
    assert heading.get_attribute("lang") is None
    assert page.locator("main .markdown strong", has_text="accueillir").is_visible()
    link = page.locator(f'main a[href="{ROME_URL}"]')
    assert link.inner_text() == "ROME M1607 · Développement informatique"
    assert page.locator("main ul.alignment-list li").count() == 2
    assert_accessible(page)

    # In English: the translation, with the alignments' French names marked as French.
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Changer de langue").click()
    page.wait_for_url(f"**/badges/{badge.uuid}")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Welcoming the public"
    assert page.locator("main .markdown strong", has_text="welcome").is_visible()
    assert page.locator("main ol li").all_inner_texts() == ["Welcomes", "Guides"]
    assert page.locator("main ul.alignment-list").get_attribute("lang") == "fr"
    assert_accessible(page)


def test_designer_works_without_javascript(browser: Any, live_server: Any, world: Any) -> None:
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="fr-FR"
    )
    page = context.new_page()
    try:
        sign_in(page, world.admin.email)
        page.goto(f"/spaces/{world.org_a.slug}/badges/new/")
        assert not page.locator("[data-add-alignment]").is_visible()
        page.fill("#id_name", "Sans script")
        page.fill("#id_description", "Une description.")
        page.fill("#id_criteria", "Observé.")
        page.fill("#id_alignments-0-code", "RNCP34826")
        page.get_by_label("N'expire pas").check()
        page.locator("[data-save-and-add]").click()
        page.wait_for_url(re.compile(r"/edit/#alignments-title$"))
        # Saved, and back in the designer with a new blank row under the first link.
        assert page.locator("#id_alignments-0-code").input_value() == "RNCP34826"
        assert page.locator("#id_alignments-0-url").input_value() == (
            "https://www.francecompetences.fr/recherche/rncp/34826/"
        )
        page.fill("#id_alignments-1-code", "RS5063")
        page.locator(".actions button[type=submit]").first.click()
        page.get_by_role("heading", level=1, name="Sans script").wait_for()
        badge = BadgeClass.objects.get(name="Sans script")
        assert [a["code"] for a in badge.alignments] == ["RNCP34826", "RS5063"]
    finally:
        context.close()
