"""A person recognises a peer in a few clicks, on a phone: their own issuer space, a badge made
with the image builder, an award by e-mail; then a badge for someone without e-mail, whose claim
code is shown; the awards list finds it. Every page is checked with axe-core."""

from __future__ import annotations

import time
from typing import Any

import pytest

from blason.issuing.models import Award
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_recognise_a_peer_from_a_phone_in_a_few_clicks(
    phone_page: Any, world: Any, smtp_server: Any, assert_accessible: Any
) -> None:
    page = phone_page
    started = time.monotonic()
    sign_in(page, world.member.email)
    page.get_by_role("button", name="Attribuer des badges en mon nom").click()
    page.get_by_role("link", name="Concevoir un nouveau badge").click()
    page.fill("#id_name", "Coup de main")
    page.fill("#id_description", "Merci pour ton aide précieuse !")
    page.fill("#id_criteria", "A aidé spontanément un membre du groupe.")
    page.fill("#id_image_text", "Merci")
    page.locator("#image-preview img").wait_for()
    page.locator("main form button[type=submit]").first.click()
    page.get_by_role("button", name="Publier").click()
    page.get_by_role("status").get_by_text("Le badge est publié.").wait_for()
    assert_accessible(page)
    page.fill("#id_name", "Samir")
    page.fill("#id_email", "samir@example.org")
    page.get_by_role("button", name="Attribuer le badge").click()
    page.get_by_role("heading", level=1, name="Coup de main").wait_for()
    elapsed = time.monotonic() - started
    assert elapsed < 120, f"recognising a peer took {elapsed:.0f} s"
    assert_accessible(page)
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "samir@example.org"
    award = Award.objects.get()
    assert award.issuer.kind == "individual"
    assert award.awarded_by == world.member

    # Someone without an e-mail address: the claim code is shown to hand over.
    page.go_back()
    page.reload()
    page.fill("#id_name", "Inès Haddad")
    page.fill("#id_phone", "06 12 34 56 78")
    page.get_by_role("button", name="Attribuer le badge").click()
    page.get_by_role("heading", level=1, name="Coup de main").wait_for()
    code = Award.objects.get(recipient_phone="+33612345678").claim_code
    assert page.locator(".claim-code").inner_text() == code
    assert_accessible(page)

    # The awards list of the space finds her by a piece of her phone number.
    page.goto(f"/spaces/{award.issuer.slug}/")
    page.get_by_role("navigation", name="Espace").get_by_role(
        "link", name="Attributions", exact=True
    ).click()
    page.fill("#id_q", "06 12 34")
    page.get_by_role("button", name="Rechercher").click()
    assert page.get_by_role("link", name="Inès Haddad").is_visible()
    assert not page.get_by_role("link", name="Samir").is_visible()
    assert_accessible(page)


def test_a_refused_award_keeps_what_was_typed(
    page: Any, world: Any, published: Any, assert_accessible: Any
) -> None:
    sign_in(page, world.admin.email)
    page.goto(f"/spaces/{world.org_a.slug}/badges/{published.uuid}/")
    page.fill("#id_name", "Inès")
    page.fill("#id_phone", "12")
    page.get_by_role("button", name="Attribuer le badge").click()
    page.get_by_text("Ce numéro de téléphone n'est pas valide").wait_for()
    assert page.input_value("#id_name") == "Inès"
    assert not Award.objects.exists()
    assert_accessible(page)
