"""A young person with only a phone (issue 13, point 3), in French on a phone-sized screen: signs
up with their number and the code received by SMS, finds the badge awarded to that number under
their name, signs out and signs in again with a new code. axe-core checks every page."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NUMBER = "+33612345678"


def sent() -> int:
    from blason.core import sms

    return len(sms.outbox)


def next_code(before: int) -> str:
    """The code in the first SMS with one among those sent (by the live server) after the
    first ``before`` ones."""
    from blason.core import sms

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for message in sms.outbox[before:]:
            found = re.search(r"\b(\d{6})\b", message.body)
            if found and message.to == NUMBER:
                return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no code sent: {sms.outbox[before:]}")


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways ({width}px)"


def test_sign_up_and_sign_in_with_a_phone(
    phone_page: Any, world: Any, published: Any, assert_accessible: Any
) -> None:
    from blason.accounts.models import User
    from blason.issuing.awarding import services as awards

    award = awards.award_issue(
        badge=published, actor=world.admin, phone="06 12 34 56 78", name="Inès Haddad"
    )
    page = phone_page

    page.goto("/accounts/signup/")
    page.get_by_role("heading", level=1, name="Créer mon compte").wait_for()
    assert_accessible(page)
    no_sideways_scroll(page)
    assert not page.locator("#id_email").count()  # the phone first, no e-mail address asked
    assert not page.locator("#id_password1").is_visible()  # a password only if wanted
    page.get_by_label("Votre prénom et votre nom").fill("Inès Haddad")
    page.get_by_label("Numéro de téléphone portable").fill("06 12 34 56 78")
    page.get_by_label("Année de naissance").fill("2001")
    before = sent()  # (the SMS of the award went out already)
    page.get_by_role("button", name="Recevoir un code par SMS").click()
    page.wait_for_url("**/accounts/phone/verify/")
    page.get_by_role("heading", level=1, name="Tapez le code reçu par SMS").wait_for()
    assert_accessible(page)
    no_sideways_scroll(page)
    page.get_by_label("Code reçu par SMS").fill(next_code(before))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(re.compile(r".*/backpack/$"))
    page.get_by_text("Accueil du public").first.wait_for()  # her badge arrived by itself
    assert_accessible(page)
    ines = User.objects.get(phone=NUMBER)
    assert ines.phone_verified
    assert ines.email is None
    assert award.backpack_items.get().owner == ines

    page.goto("/accounts/logout/")
    assert_accessible(page)
    page.locator("main").get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r".*/$"))

    page.goto("/accounts/login/")
    page.get_by_role("heading", level=1, name="Se connecter").wait_for()
    assert_accessible(page)
    no_sideways_scroll(page)
    page.get_by_role("link", name="Recevoir un code par SMS").click()
    page.wait_for_url("**/accounts/login/code/**")
    assert_accessible(page)
    page.get_by_label("Numéro de téléphone portable").fill("06 12 34 56 78")
    before = sent()
    page.get_by_role("button", name="Recevoir un code par SMS").click()
    page.wait_for_url("**/accounts/login/code/confirm/**")
    assert_accessible(page)
    no_sideways_scroll(page)
    page.get_by_label("Code reçu par SMS").fill(next_code(before))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(re.compile(r".*/backpack/$"))
    page.get_by_text("Accueil du public").first.wait_for()
