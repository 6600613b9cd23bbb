"""The first-day journey in a real browser: sign up, verify the e-mail, sign in, switch language.

Every page on the way is checked with axe-core (WCAG 2.1 AA). E-mail goes through a real SMTP
server on loopback, and the link in it is opened like a person would.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import message_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page: Any) -> None:
    page.locator("main form button[type=submit]").first.click()


def test_sign_up_verify_sign_in_and_switch_language(
    page: Any, live_server: Any, smtp_server: Any, assert_accessible: Any
) -> None:
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert_accessible(page)

    page.get_by_role("link", name="Créer un compte gratuit").click()
    assert_accessible(page)
    page.get_by_role("link", name="Je préfère utiliser une adresse e-mail").click()
    page.fill("#id_email", "lea@example.org")
    page.fill("#id_display_name", "Léa")
    page.fill("#id_password1", "un mot de passe assez long")
    page.fill("#id_password2", "un mot de passe assez long")
    page.fill("#id_birth_year", "1995")
    submit(page)
    page.wait_for_url("**/accounts/confirm-email/")
    assert_accessible(page)

    (mail,) = smtp_server.wait_for(1)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", message_text(mail))
    assert link, message_text(mail)
    path = "/accounts/" + link.group(0).split("/accounts/", 1)[1]
    page.goto(path)
    assert_accessible(page)
    submit(page)
    page.wait_for_url("**/backpack/")  # she belongs to no space: her home is her badges
    assert page.get_by_role("heading", level=1).inner_text() == "Mes badges"
    assert_accessible(page)

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/")
    page.get_by_role("link", name="Se connecter").first.click()
    assert_accessible(page)
    page.fill("#id_login", "lea@example.org")
    page.fill("#id_password", "un mot de passe assez long")
    submit(page)
    page.wait_for_url("**/backpack/")

    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Changer de langue").click()
    page.wait_for_url("**/backpack/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "My badges"
    assert_accessible(page)

    # The choice follows the person, not the browser: sign out and in again.
    page.get_by_role("link", name="My account").click()
    assert page.locator("#id_language").input_value() == "en"
    assert_accessible(page)


def test_skip_link_is_first_and_moves_focus_to_main(page: Any, assert_accessible: Any) -> None:
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert "skip-link" in focused
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert_accessible(page)


def test_member_pages_on_a_phone(phone_page: Any, world: Any, assert_accessible: Any) -> None:
    page = phone_page
    page.goto("/accounts/login/")
    page.fill("#id_login", world.admin.email)
    page.fill("#id_password", "correct horse battery staple")
    submit(page)
    page.wait_for_url("**/dashboard/")
    assert_accessible(page)
    page.get_by_role("link", name="Organisation A").click()
    assert_accessible(page)
    for name in ("Membres", "Activité", "Profil"):
        page.get_by_role("navigation", name="Espace").get_by_role("link", name=name).click()
        assert_accessible(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, "the page scrolls sideways on a phone"


def test_login_link_page_is_accessible(page: Any, assert_accessible: Any) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="M'envoyer un lien de connexion").click()
    assert_accessible(page)
    page.fill("#id_email", "personne@example.org")
    submit(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Vérifiez vos e-mails"
    assert_accessible(page)


def test_create_a_space_and_invite_someone(
    page: Any, world: Any, smtp_server: Any, assert_accessible: Any
) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", world.member.email)
    page.fill("#id_password", "correct horse battery staple")
    submit(page)
    page.get_by_role("link", name="Créer un espace").click()
    assert_accessible(page)
    page.get_by_label("un collectif ou un groupe de pairs").check()
    page.fill("#id_name", "Collectif du jeudi")
    submit(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Collectif du jeudi"
    page.get_by_role("navigation", name="Espace").get_by_role("link", name="Membres").click()
    page.fill("#id_email", "nina@example.org")
    page.select_option("#id_role", "reviewer")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.get_by_role("status").get_by_text("Invitation envoyée à nina@example.org.").wait_for()
    assert_accessible(page)
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "nina@example.org"


def test_design_a_badge_with_the_image_builder(
    page: Any, world: Any, assert_accessible: Any
) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", world.admin.email)
    page.fill("#id_password", "correct horse battery staple")
    submit(page)
    page.goto(f"/spaces/{world.org_a.slug}/")
    page.get_by_role("link", name="Concevoir un nouveau badge").click()
    assert_accessible(page)
    page.fill("#id_name", "Prise de parole")
    page.fill("#id_description", "Ose parler devant le groupe.")
    page.fill("#id_criteria_items", "Présente une idée\nÉcoute les réponses")
    page.fill("#id_criteria", "Observé par deux pairs.")
    page.select_option("#id_shape", "star")
    page.fill("#id_image_text", "Parole")
    page.locator("#image-preview img").wait_for()  # htmx preview of the builder
    page.get_by_label("N'expire pas").check()
    submit(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Prise de parole"
    assert page.get_by_text("Écoute les réponses").is_visible()
    page.get_by_role("button", name="Publier").click()
    page.get_by_role("status").get_by_text("Le badge est publié.").wait_for()
    assert_accessible(page)


def test_verify_a_badge_without_an_account(page: Any, assert_accessible: Any) -> None:
    import json

    from tests.blason.test_verify_page import signed_credential

    page.goto("/")
    page.get_by_role("link", name="Vérifier un badge").click()
    assert_accessible(page)
    good = signed_credential()
    page.fill("#id_text", json.dumps(good))
    submit(page)
    page.get_by_role("heading", name="Badge valide").wait_for()
    assert_accessible(page)
    good["credentialSubject"]["achievement"]["name"] = "Autre"
    page.fill("#id_text", json.dumps(good))
    submit(page)
    page.get_by_role("heading", name="Badge non valide").wait_for()
    assert_accessible(page)


def test_verify_a_revoked_badge_of_this_site(
    page: Any, world: Any, published: Any, assert_accessible: Any
) -> None:
    from blason.issuing.awarding import services as awards

    award = awards.award_issue(badge=published, actor=world.admin, email="lea@example.org")
    awards.award_revoke(award=award, actor=world.admin, reason="Attribué par erreur.")
    page.goto("/verify/")
    page.fill("#id_text", award.credential)
    page.fill("#id_recipient", "lea@example.org")
    submit(page)
    page.get_by_role("heading", name="Badge révoqué").wait_for()
    assert_accessible(page)


def test_award_a_badge_and_verify_it(
    page: Any, world: Any, smtp_server: Any, assert_accessible: Any
) -> None:
    from blason.issuing.badges.services import badge_create

    badge = badge_create(
        issuer=world.org_a,
        actor=world.admin,
        name="Accueil du public",
        description="Accueillir et orienter.",
        criteria="Observé trois fois.",
        image_svg='<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        '<circle cx="5" cy="5" r="4"/></svg>',
        status="published",
    )
    page.goto("/accounts/login/")
    page.fill("#id_login", world.admin.email)
    page.fill("#id_password", "correct horse battery staple")
    submit(page)
    page.goto(f"/spaces/{world.org_a.slug}/badges/{badge.uuid}/")
    assert_accessible(page)
    page.fill("#id_email", "samir@example.org")
    page.fill("#id_name", "Samir")
    page.get_by_role("button", name="Attribuer le badge").click()
    page.get_by_role("heading", level=1, name="Accueil du public").wait_for()
    assert page.get_by_text("à Samir", exact=True).is_visible()
    page.get_by_role("link", name="Vérifier ce badge").click()  # htmx swaps the verdict in
    page.get_by_role("heading", name="Badge valide").wait_for()
    assert_accessible(page)
    smtp_server.wait_for(1)
