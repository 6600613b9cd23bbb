"""A job fair, in real browsers: Claire (an awarder) opens a claim link that she approves
herself, downloads its poster; Samir, on his phone, scans the QR code and claims the badge with
his name and phone number; Claire approves; Samir's page then shows the badge, his claim
code and the ways to keep it. Every page is checked with axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from blason.issuing.claims import forms as claim_forms
from blason.issuing.models import Claim, ClaimLink, ClaimStatus
from tests.browser.helpers import sign_in
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_claim_at_a_job_fair_with_approval(
    page: Any,
    phone_page: Any,
    world: Any,
    published: Any,
    assert_accessible: Any,
    monkeypatch: Any,
) -> None:
    # The test types faster than a person: the form's "too fast" guard would stop it.
    monkeypatch.setattr(claim_forms, "MIN_FILL_SECONDS", -1)
    claire = UserFactory(email="claire@example.org", display_name="Claire")
    MembershipFactory(issuer=world.org_a, user=claire, role="awarder")

    # Claire opens a claim link from the badge's page.
    sign_in(page, claire.email)
    page.goto(f"/spaces/{world.org_a.slug}/badges/{published.uuid}/")
    assert_accessible(page)
    page.locator("a[href$='/claim-links/new/']").click()
    page.locator("#id_title").wait_for()
    assert_accessible(page)
    page.fill("#id_title", "Forum de l'emploi de Roubaix")
    page.fill("#id_max_claims", "300")
    page.check("#id_requires_approval")
    page.locator("main form button[type=submit]").first.click()
    page.locator("#share-title").wait_for()
    link = ClaimLink.objects.get()
    assert link.requires_approval
    assert link.max_claims == 300
    assert page.locator(".link-address").inner_text().endswith(f"/c/{link.token}")
    assert_accessible(page)

    # She downloads the poster, in French.
    page.select_option("#poster-language", "fr")
    with page.expect_download() as download:
        page.locator("form.poster-form button").click()
    poster = Path(download.value.path()).read_bytes()
    assert poster.startswith(b"%PDF-")
    assert len(poster) > 10_000
    assert download.value.suggested_filename.endswith(".pdf")

    # Samir scans the QR code: the claim page opens on his phone.
    phone_page.goto(f"/c/{link.token}")
    assert phone_page.get_by_role("heading", level=1).inner_text() == "Accueil du public"
    assert phone_page.locator(".claim-what").is_visible()  # what a badge is, in one sentence
    robots_field = phone_page.locator("#id_website").bounding_box()
    assert robots_field["x"] + robots_field["width"] <= 0  # off screen: only robots fill it
    button = phone_page.locator("main form button[type=submit]")
    assert button.bounding_box()["height"] >= 44
    assert_accessible(phone_page)
    phone_page.fill("#id_name", "Samir Benali")
    phone_page.fill("#id_phone", "06 12 34 56 78")
    button.click()
    phone_page.locator(".state-waiting").wait_for()
    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.PENDING
    assert claim.phone == "+33612345678"
    assert phone_page.url.endswith(f"/c/{link.token}/{claim.uuid}")
    assert_accessible(phone_page)

    # Claire sees the claim waiting and approves it.
    page.reload()
    queue = page.locator("#waiting")
    assert "Samir Benali" in queue.inner_text()
    assert_accessible(page)
    queue.locator(f"form[action$='/claims/{claim.uuid}/approve/'] button").click()
    page.locator(".message-success").wait_for()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ISSUED
    assert claim.decided_by == claire
    assert_accessible(page)

    # Samir's page now shows his badge, the code, and the ways to keep it: in a backpack, or
    # without an account (the same choices as the code's own page).
    phone_page.reload()
    phone_page.locator(".state-issued").wait_for()
    assert claim.award is not None
    code = claim.award.claim_code
    assert phone_page.locator(".code-box .claim-code").inner_text() == code
    assert phone_page.locator(f"a[href='/accounts/signup/?next=/claim/{code}']").is_visible()
    assert phone_page.locator(f"a[href='/awards/{claim.award.uuid}/badge.png']").is_visible()
    assert phone_page.locator(f"a[href='/claim/{code}/certificate.pdf?lang=fr']").is_visible()
    assert_accessible(phone_page)
