"""A child's account in a real browser, on a phone, in French: the child signs up with a
phone number (born 12 years ago), types the SMS code, and gives a parent's mobile number; the
parent opens the link in the SMS, reads what they agree to and agrees, lands on the child's
account, then deletes it. axe-core checks every page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://\S+/guardian/\S+")


def submit(page: Any, name: str | None = None) -> None:
    if name is None:
        page.locator("main form button[type=submit]").first.click()
    else:
        page.get_by_role("button", name=name).click()


def test_a_child_signs_up_and_a_parent_agrees_then_deletes(
    phone_page: Any,
    browser: Any,
    live_server: Any,
    settings: Any,
    assert_accessible: Any,
) -> None:
    from blason.accounts.models import User
    from blason.core import sms

    settings.SMS_QUIET_HOURS = None  # the SMS to the parent leaves at once, whatever the hour
    page = phone_page
    page.goto("/accounts/signup/")
    assert_accessible(page)
    page.fill("#id_display_name", "Léa Martin")
    page.fill("#id_phone", "06 12 34 56 78")
    page.fill("#id_birth_year", str(timezone.localdate().year - 12))
    submit(page)
    page.wait_for_url("**/accounts/phone/verify/")
    (code,) = sms.outbox
    page.fill("#id_code", code.body.split()[0])
    submit(page)
    page.wait_for_url("**/guardian/waiting/")
    assert "attend l'accord d'un parent" in page.locator("h1").inner_text()
    assert_accessible(page)
    sms.outbox.clear()
    page.fill("#id_contact", "07 98 76 54 32")
    submit(page)
    page.wait_for_url("**/guardian/waiting/")
    assert "+33798765432" in page.locator(".message-success").first.inner_text()
    assert_accessible(page)

    (message,) = sms.outbox
    assert message.to == "+33798765432"
    consent = LINK.search(message.body)
    assert consent, message.body

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
    assert "+33612345678" in parent.content()
    assert_accessible(parent)
    assert User.objects.get(phone="+33612345678").is_active

    parent.get_by_role("link", name="Supprimer ce compte").click()
    assert_accessible(parent)
    parent.get_by_label("Je comprends").check()
    submit(parent, "Supprimer le compte définitivement")
    parent.wait_for_selector("h1:has-text('Le compte est supprimé')")
    assert_accessible(parent)
    assert not User.objects.filter(phone="+33612345678").exists()

    parent.goto("/guardian/consent/nonsense/")
    assert "Ce lien n'est pas valide" in parent.locator("h1").inner_text()
    assert_accessible(parent)
    parent.goto("/guardian/")
    assert_accessible(parent)
    parent.context.close()
