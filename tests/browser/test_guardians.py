"""A child's account in a real browser, on a phone, in French: the child signs up (born 12
years ago) and gives a parent's address; the parent opens the e-mailed link, reads what they
agree to and agrees, lands on the child's account, then deletes it. axe-core checks every page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import message_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://\S+/guardian/\S+")


def submit(page: Any, name: str | None = None) -> None:
    if name is None:
        page.locator("main form button[type=submit]").first.click()
    else:
        page.get_by_role("button", name=name).click()


def test_a_child_signs_up_and_a_parent_agrees_then_deletes(
    phone_page: Any, browser: Any, live_server: Any, smtp_server: Any, assert_accessible: Any
) -> None:
    from blason.accounts.models import User

    page = phone_page
    page.goto("/accounts/signup/")
    assert_accessible(page)
    page.fill("#id_email", "lea@example.org")
    page.fill("#id_display_name", "Léa")
    page.fill("#id_password1", "un mot de passe assez long")
    page.fill("#id_password2", "un mot de passe assez long")
    page.fill("#id_birth_year", str(timezone.localdate().year - 12))
    submit(page)
    page.wait_for_url("**/guardian/waiting/")
    assert "attend l'accord d'un parent" in page.locator("h1").inner_text()
    assert_accessible(page)
    page.fill("#id_contact", "parent@example.org")
    submit(page)
    page.wait_for_url("**/guardian/waiting/")
    assert "parent@example.org" in page.locator(".message-success").first.inner_text()
    assert_accessible(page)

    (mail,) = smtp_server.wait_for(1)
    consent = LINK.search(message_text(mail))
    assert consent, message_text(mail)

    parent = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        extra_http_headers={"Accept-Language": "fr"},
    ).new_page()
    parent.goto("/guardian/" + consent.group(0).split("/guardian/", 1)[1])
    assert "Ce que vous acceptez" in parent.content()
    assert_accessible(parent)
    submit(parent, "J'accepte\u00a0: ouvrir le compte")
    parent.wait_for_url("**/guardian/children/")
    assert "lea@example.org" in parent.content()
    assert_accessible(parent)
    assert User.objects.get(email="lea@example.org").is_active

    parent.get_by_role("link", name="Supprimer ce compte").click()
    assert_accessible(parent)
    parent.get_by_label("Je comprends").check()
    submit(parent, "Supprimer le compte définitivement")
    parent.wait_for_selector("h1:has-text('Le compte est supprimé')")
    assert_accessible(parent)
    assert not User.objects.filter(email="lea@example.org").exists()

    parent.goto("/guardian/consent/nonsense/")
    assert "Ce lien n'est pas valide" in parent.locator("h1").inner_text()
    assert_accessible(parent)
    parent.goto("/guardian/")
    assert_accessible(parent)
    parent.context.close()
