"""The backpack in a real browser: collecting a badge with its code on a phone (creating the
account on the way, e-mail verification included), and importing a badge baked by another
platform. Every page visited is checked with axe-core (WCAG 2.1 AA).

Button and link names are matched in French or English, so the tests hold whether or not the
French catalogue already has the backpack's strings.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import no_sideways_scroll
from tests.conftest import message_text
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    """Background tasks run in the test (set through ``settings`` so the task backends are
    rebuilt, whatever was configured before)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def either(french: str, english: str) -> re.Pattern[str]:
    return re.compile(f"^({re.escape(french)}|{re.escape(english)})$")


def submit(page: Any) -> None:
    page.locator("main form button[type=submit]").first.click()


def test_claim_with_a_code_on_a_phone(
    phone_page: Any, world: Any, published: Any, smtp_server: Any, assert_accessible: Any
) -> None:
    from blason.backpack.models import Item
    from blason.issuing.awarding import services as awards

    award = awards.award_issue(
        badge=published, actor=world.admin, phone="06 12 34 56 78", name="Samir"
    )
    code = award.claim_code or ""
    page = phone_page
    page.goto("/claim/")
    assert_accessible(page)
    no_sideways_scroll(page)
    # Typed the way people do on a phone: lower case, a space instead of the dash.
    page.locator("#id_code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name=either("Continuer", "Continue")).click()
    page.wait_for_url(f"**/claim/{code}")
    page.get_by_role("heading", level=1, name="Accueil du public").wait_for()
    assert_accessible(page)
    no_sideways_scroll(page)

    create = either(
        "Créer mon compte avec une adresse e-mail", "Create my account with an e-mail address"
    )
    page.get_by_role("link", name=create).click()
    page.wait_for_url("**/accounts/signup/**")
    assert_accessible(page)
    page.fill("#id_email", "samir@example.org")
    page.fill("#id_display_name", "Samir")
    page.fill("#id_password1", "un mot de passe assez long")
    page.fill("#id_password2", "un mot de passe assez long")
    page.fill("#id_birth_year", "2005")
    submit(page)
    page.wait_for_url("**/accounts/confirm-email/")

    (mail,) = smtp_server.wait_for(1)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", message_text(mail))
    assert link, message_text(mail)
    page.goto("/accounts/" + link.group(0).split("/accounts/", 1)[1])
    assert_accessible(page)
    submit(page)
    page.wait_for_url(f"**/claim/{code}")  # back to the badge, signed in

    page.get_by_role("button", name=either("Ajouter à mes badges", "Add to my badges")).click()
    page.wait_for_url("**/backpack/badges/**")
    page.get_by_role("heading", level=1, name="Accueil du public").wait_for()
    page.get_by_role("heading", name="Badge valide").wait_for()
    assert_accessible(page)
    no_sideways_scroll(page)

    item = Item.objects.get(owner__email="samir@example.org")
    assert item.award == award
    assert item.owner.phone == ""  # a code on paper proves nothing about the number

    # Share it to LinkedIn, copy its address, and download the certificate, in French.
    linkedin = page.get_by_role("link", name="Ajouter à mon profil LinkedIn")
    href = linkedin.get_attribute("href") or ""
    assert href.startswith("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME")
    assert f"certId={award.uuid}" in href
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copier l\u2019adresse").click()
    page.get_by_role("status").get_by_text("Adresse copiée.").wait_for()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.endswith(f"/awards/{award.uuid}")
    with page.expect_download() as download:
        page.get_by_role("link", name="en français").click()
    saved = download.value
    assert saved.suggested_filename == "certificat-accueil-du-public.pdf"
    assert Path(saved.path()).read_bytes().startswith(b"%PDF-")
    assert_accessible(page)

    page.locator(".site-menu > summary").click()  # on a phone, the site's links are in the menu
    page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name=either("Mes badges", "My badges")
    ).click()
    page.get_by_role("link", name="Accueil du public").wait_for()
    assert_accessible(page)
    no_sideways_scroll(page)


def test_import_a_baked_png_from_another_platform(
    page: Any, world: Any, tmp_path: Path, assert_accessible: Any
) -> None:
    from blason.backpack.models import Collection, Item
    from tests.blason import other_platforms

    badge = other_platforms.data_integrity(email="alice@example.org")
    image = tmp_path / "badge-autre-plateforme.png"
    image.write_bytes(other_platforms.baked_png(badge.payload, size=128, color="orange"))

    page.goto("/accounts/login/")
    page.fill("#id_login", world.admin.email)
    page.fill("#id_password", PASSWORD)
    submit(page)
    page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name=either("Mes badges", "My badges")
    ).click()
    page.wait_for_url("**/backpack/")
    assert_accessible(page)

    page.get_by_role("link", name=either("Importer un badge", "Import a badge")).click()
    assert_accessible(page)
    page.set_input_files("#id_file", str(image))
    page.get_by_role("button", name=either("Importer", "Import")).click()
    page.wait_for_url("**/backpack/badges/**")
    page.get_by_role("heading", level=1, name="Prise de parole").wait_for()
    page.get_by_role("heading", name="Badge valide").wait_for()
    assert page.get_by_text("alice@example.org").first.is_visible()
    assert page.locator(".item-head img").evaluate("img => img.naturalWidth") > 0
    assert_accessible(page)
    item = Item.objects.get(owner=world.admin)
    assert bytes(item.received) == image.read_bytes()

    # Importing it again is refused, with a way to the badge already kept.
    page.goto("/backpack/import/")
    page.set_input_files("#id_file", str(image))
    page.get_by_role("button", name=either("Importer", "Import")).click()
    page.get_by_role("alert").wait_for()
    assert_accessible(page)
    assert Item.objects.filter(owner=world.admin).count() == 1

    # Keep it in a collection.
    page.goto("/backpack/collections/")
    assert_accessible(page)
    page.fill("#id_name", "Recherche d'emploi")
    submit(page)
    page.get_by_role("heading", level=1, name="Recherche d'emploi").wait_for()
    assert_accessible(page)
    page.goto(f"/backpack/badges/{item.uuid}/")
    page.get_by_label("Recherche d'emploi").check()
    page.locator(f"form[action='/backpack/badges/{item.uuid}/collections/'] button").click()
    page.get_by_role("status").wait_for()
    assert list(Collection.objects.get().items.all()) == [item]
    page.goto(f"/backpack/?collection={Collection.objects.get().uuid}")
    page.get_by_role("link", name="Prise de parole").wait_for()
    assert_accessible(page)
