"""Keeping a badge without any account, on a phone, in French (issue 13, point 4): Samir opens
the link he was sent, sees his badge, and keeps it without an account — he downloads the picture
with the badge inside and the PDF certificate, copies the badge's address and finds LinkedIn's
form filled in. Inès has a code on paper: she finds "J'ai un code" in the phone's menu and types
it as it comes. Every page is checked with axe-core, and nothing scrolls sideways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from blason.issuing.awarding import credentials
from blason.issuing.awarding import services as awards
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.models import Award
from obcore import baking
from obcore.verify import State, verify_credential
from tests.browser.helpers import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def downloaded(page: Any, locator: Any) -> tuple[str, bytes]:
    with page.expect_download() as info:
        locator.click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def test_keep_a_badge_without_an_account_on_a_phone(
    phone_page: Any,
    live_server: Any,
    settings: Any,
    world: Any,
    published: Any,
    assert_accessible: Any,
) -> None:
    settings.SITE_URL = live_server.url
    award = awards.award_issue(
        badge=published, actor=world.admin, phone="06 12 34 56 78", name="Samir Benali"
    )
    page = phone_page
    page.goto(f"/claim/{award.claim_code}")
    page.get_by_role("heading", level=1, name="Accueil du public").wait_for()
    assert page.get_by_text("Il a été envoyé au numéro de téléphone qui finit par 78.").is_visible()
    assert page.get_by_text("+33612345678").count() == 0
    assert page.get_by_role("heading", name="Rangez-le dans un sac à badges gratuit").is_visible()
    keep = page.locator("section[aria-labelledby=keep-files-title]")
    keep.get_by_role("heading", level=2, name="Gardez-le sans compte").scroll_into_view_if_needed()
    assert keep.get_by_text("Sans compte, Blason ne garde rien pour vous").is_visible()
    assert_accessible(page)
    no_sideways_scroll(page)

    # The picture, with the signed badge inside: it verifies.
    name, picture = downloaded(page, keep.get_by_role("link", name="Télécharger l'image (PNG)"))
    assert name == f"badge-{award.uuid}.png"
    assert baking.extract(picture).payload == award.credential
    report = verify_credential(picture, fetcher=LocalFetcher())
    assert report.state is State.VALID, report.checks

    # The certificate to print, in French.
    name, pdf = downloaded(page, keep.get_by_role("link", name="en français"))
    assert name == "certificat-accueil-du-public.pdf"
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 10_000

    # The address to share, and LinkedIn's form filled in.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    keep.get_by_role("button", name="Copier l\u2019adresse").click()
    keep.get_by_role("status").get_by_text("Adresse copiée.").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()") == credentials.award_url(award)
    linkedin = keep.get_by_role("link", name="Ajouter à mon profil LinkedIn")
    href = linkedin.get_attribute("href") or ""
    assert href.startswith("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME")
    assert f"certId={award.uuid}" in href
    assert keep.get_by_text(f"Gardez votre code, {award.claim_code}").is_visible()
    assert_accessible(page)

    award.refresh_from_db()
    assert award.claimed_at is None  # kept without an account: the code still collects it


def test_i_have_a_code_from_the_phone_menu(
    phone_page: Any, world: Any, published: Any, assert_accessible: Any
) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, name="Inès")
    Award.objects.filter(pk=award.pk).update(claim_code="0A1B-2C3D")
    page = phone_page
    page.goto("/")
    page.locator(".site-menu > summary").click()
    page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name="J\u2019ai un code"
    ).click()
    page.wait_for_url("**/claim/")
    page.get_by_role("heading", level=1).wait_for()
    assert_accessible(page)
    no_sideways_scroll(page)
    # Written on paper, typed as it comes: lower case, a space, an O for the zero.
    page.locator("#id_code").fill("oa1b 2c3d")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/claim/0A1B-2C3D")
    page.get_by_role("heading", level=1, name="Accueil du public").wait_for()
    assert page.get_by_role("heading", name="Gardez-le sans compte").is_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
