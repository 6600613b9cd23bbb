"""Issue 13's acceptance, as one story on phones, in French, with axe-core on every page visited.

Nadia, an adviser of a Mission Locale (a member of the space who may award), awards a badge to a
young person known only by a phone number, through the award form. The SMS carries the claim
link. Inès opens it, creates her account with her number and the code sent by SMS, finds the
badge in her backpack, makes it public and shares it (its page shows it to anyone), signs out and
signs in again with a new code. She then gets a new number; her old one goes to Karim (a
recycled number): a badge Nadia gave Inès at the old number is still waiting there, uncollected.
Karim is given a badge at that number, claims it with his own code into an account made with the
number, and never sees Inès's badges: not in his backpack, not by itself, and once asked "Is this
badge yours?" about the one still waiting, he says no and it is never offered again. Samir keeps a
badge without any account: the picture with the signed badge inside and the PDF certificate,
downloaded from the claim page.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import no_sideways_scroll, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD_NUMBER = "+33612345678"  # Inès's, then Karim's
NEW_NUMBER = "+33798765432"  # Inès's new one
SAMIR = "+33655443322"
CLAIM_LINK = re.compile(r"https?://\S+/claim/([0-9A-Z]{4}-[0-9A-Z]{4})")


def person(phones: Any, address: str) -> Any:
    """A phone of its own, on its own connection: the site, behind its reverse proxy (a trusted
    one on loopback here), sees each person's address, as rate limits count per address."""
    page = phones()
    page.set_extra_http_headers({"Accept-Language": "fr", "X-Forwarded-For": address})
    return page


def months_later(number: str) -> None:
    """Forget the recent codes sent to ``number`` (allauth's per-number rate limits)."""
    from allauth.core import ratelimit
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")
    for action in ("verify_phone", "request_login_code"):
        ratelimit.clear(request, action=action, key=number)


def sent() -> int:
    from blason.core import sms

    return len(sms.outbox)


def wait_for_sms(to: str, before: int, pattern: re.Pattern[str], contains: str = "") -> re.Match:
    """The first match of ``pattern`` in an SMS to ``to`` among those sent (by the live server
    or its tasks) after the first ``before`` ones."""
    from blason.core import sms

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for message in sms.outbox[before:]:
            found = pattern.search(message.body)
            if found and message.to == to and contains in message.body:
                return found
        time.sleep(0.1)
    raise AssertionError(f"no such SMS to {to}: {sms.outbox[before:]}")


def sms_code(to: str, before: int) -> str:
    return wait_for_sms(to, before, re.compile(r"\b(\d{6})\b")).group(1)


def downloaded(page: Any, locator: Any) -> tuple[str, bytes]:
    with page.expect_download() as info:
        locator.click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def award_by_form(page: Any, check: Any, *, space: str, badge: Any, name: str, phone: str) -> None:
    """The adviser awards ``badge`` to a person known by a phone number, through the form of
    the badge's page; the award's page says an SMS is on its way."""
    page.goto(f"/spaces/{space}/badges/{badge.uuid}/")
    page.get_by_role("heading", level=1, name=badge.name).wait_for()
    check(page)
    no_sideways_scroll(page)
    form = page.locator("form", has=page.get_by_role("button", name="Attribuer le badge"))
    form.get_by_label("Nom").first.fill(name)
    form.locator("#id_phone").fill(phone)
    form.get_by_role("button", name="Attribuer le badge").click()
    page.get_by_role("heading", level=1, name=badge.name).wait_for()
    page.get_by_text(f"à {name}", exact=True).wait_for()
    assert page.get_by_text(re.compile(r"SMS (envoyé|en file)")).count(), page.content()
    check(page)
    no_sideways_scroll(page)


def sign_up_with_phone(page: Any, check: Any, *, name: str, number: str, local: str) -> None:
    """From a claim page: an account with a phone number and the code sent to it by SMS."""
    page.get_by_role("link", name="Créer mon compte avec mon numéro de téléphone").click()
    page.get_by_role("heading", level=1, name="Créer mon compte").wait_for()
    check(page)
    no_sideways_scroll(page)
    assert not page.locator("#id_email").count()  # no e-mail address asked
    page.get_by_label("Votre prénom et votre nom").fill(name)
    page.get_by_label("Numéro de téléphone portable").fill(local)
    page.get_by_label("Année de naissance").fill("2004")
    before = sent()
    page.get_by_role("button", name="Recevoir un code par SMS").click()
    page.wait_for_url("**/accounts/phone/verify/")
    page.get_by_role("heading", level=1, name="Tapez le code reçu par SMS").wait_for()
    check(page)
    no_sideways_scroll(page)
    page.get_by_label("Code reçu par SMS").fill(sms_code(number, before))
    page.get_by_role("button", name="Valider").click()


def keep_in_backpack(page: Any, check: Any, code: str, badge_name: str) -> None:
    """Back on the claim page after signing up: one tap puts the badge into the backpack."""
    page.wait_for_url(f"**/claim/{code}")
    page.get_by_role("heading", level=1, name=badge_name).wait_for()
    check(page)
    no_sideways_scroll(page)
    page.get_by_role("button", name="Ajouter à mes badges").click()
    page.wait_for_url(re.compile(r".*/backpack/.+"))
    page.get_by_role("heading", level=1, name=badge_name).wait_for()
    check(page)
    no_sideways_scroll(page)


def test_phone_first_acceptance(
    phones: Any,
    browser: Any,
    live_server: Any,
    settings: Any,
    world: Any,
    published: Any,
    assert_accessible: Any,
) -> None:
    from blason.accounts.models import User
    from blason.backpack.models import AwardQuestion, Item
    from blason.core.models import Membership
    from blason.issuing.awarding import credentials
    from blason.issuing.awarding import services as awards
    from blason.issuing.badges.services import badge_create
    from blason.issuing.documents.local_fetch import LocalFetcher
    from blason.issuing.models import Award
    from obcore import baking
    from obcore.verify import State, verify_credential
    from tests.conftest import BADGE_SVG
    from tests.factories import UserFactory

    settings.SITE_URL = live_server.url  # the links in the SMS lead to this server
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    check = assert_accessible
    space = world.org_a
    teamwork = badge_create(
        issuer=space,
        actor=world.admin,
        name="Travail en équipe",
        description="Travailler avec d'autres.",
        criteria="Observé en atelier.",
        image_svg=BADGE_SVG,
        status="published",
    )
    nadia = UserFactory(email="nadia@mission-locale.example", display_name="Nadia Roux")
    Membership.objects.create(issuer=space, user=nadia, role="awarder")

    # 1. Nadia awards "Accueil du public" to Inès, known by her number only, on her phone.
    adviser = person(phones, "198.51.100.7")
    adviser.goto("/accounts/login/")
    check(adviser)
    sign_in(adviser, nadia.email)  # (the same page, filled in)
    adviser.get_by_role("heading", level=1).first.wait_for()
    check(adviser)
    before = sent()
    award_by_form(
        adviser,
        check,
        space=space.slug,
        badge=published,
        name="Inès Haddad",
        phone="06 12 34 56 78",
    )
    first = Award.objects.get(badge=published)
    assert first.recipient_phone == OLD_NUMBER
    assert first.recipient_email == ""
    link = wait_for_sms(OLD_NUMBER, before, CLAIM_LINK, contains="Inès Haddad")
    assert link.group(1) == first.claim_code
    assert link.group(0).startswith(live_server.url)

    # 2. Inès opens the link, makes her account with her number and the code, keeps the badge.
    ines_phone = person(phones, "203.0.113.10")
    ines_phone.goto(link.group(0))
    ines_phone.get_by_role("heading", level=1, name="Accueil du public").wait_for()
    assert ines_phone.get_by_text("à Inès Haddad").is_visible()
    check(ines_phone)
    no_sideways_scroll(ines_phone)
    sign_up_with_phone(
        ines_phone, check, name="Inès Haddad", number=OLD_NUMBER, local="06 12 34 56 78"
    )
    keep_in_backpack(ines_phone, check, first.claim_code, "Accueil du public")
    ines = User.objects.get(phone=OLD_NUMBER)
    assert ines.phone_verified
    assert not ines.email
    item = Item.objects.get(owner=ines)
    assert item.award == first

    ines_phone.goto("/backpack/")
    ines_phone.get_by_role("link", name="Accueil du public").first.wait_for()
    check(ines_phone)
    no_sideways_scroll(ines_phone)

    # She makes it public and shares it: its page shows her badge to anyone.
    ines_phone.get_by_role("link", name="Accueil du public").first.click()
    ines_phone.wait_for_url(f"**/backpack/badges/{item.uuid}/")
    check(ines_phone)
    no_sideways_scroll(ines_phone)
    ines_phone.get_by_role("button", name="Rendre public").click()
    ines_phone.get_by_text("Ce badge est public").first.wait_for()
    check(ines_phone)
    no_sideways_scroll(ines_phone)
    share = ines_phone.locator("section[aria-labelledby=share-title]")
    assert share.get_by_role("link", name="Envoyer sur WhatsApp").is_visible()
    address = share.locator("#share-address").input_value()
    assert address == credentials.award_url(first)
    ines_phone.context.grant_permissions(["clipboard-read", "clipboard-write"])
    share.get_by_role("button", name="Copier l\u2019adresse").click()
    share.get_by_role("status").get_by_text("Adresse copiée.").wait_for()
    assert ines_phone.evaluate("() => navigator.clipboard.readText()") == address
    anyone = person(phones, "203.0.113.99")
    anyone.goto(address)
    anyone.get_by_role("heading", level=1, name="Accueil du public").wait_for()
    assert anyone.get_by_text("Inès Haddad").first.is_visible()
    assert "votre badge" not in anyone.content().lower()
    check(anyone)
    no_sideways_scroll(anyone)
    item.refresh_from_db()
    assert item.public

    # She signs out, and signs in again with a new code.
    ines_phone.goto("/accounts/logout/")
    check(ines_phone)
    ines_phone.locator("main").get_by_role("button", name="Se déconnecter").click()
    ines_phone.wait_for_url(re.compile(r".*/$"))
    check(ines_phone)
    ines_phone.goto("/accounts/login/")
    check(ines_phone)
    ines_phone.get_by_role("link", name="Recevoir un code par SMS").click()
    ines_phone.wait_for_url("**/accounts/login/code/**")
    check(ines_phone)
    ines_phone.get_by_label("Numéro de téléphone portable").fill("06 12 34 56 78")
    before = sent()
    ines_phone.get_by_role("button", name="Recevoir un code par SMS").click()
    ines_phone.wait_for_url("**/accounts/login/code/confirm/**")
    check(ines_phone)
    ines_phone.get_by_label("Code reçu par SMS").fill(sms_code(OLD_NUMBER, before))
    ines_phone.get_by_role("button", name="Valider").click()
    ines_phone.wait_for_url(re.compile(r".*/backpack/$"))
    ines_phone.get_by_role("link", name="Accueil du public").first.wait_for()
    check(ines_phone)

    # 3. Nadia gives Inès a second badge at the same number; before Inès opens her backpack
    # again, she gets a new number, and her old one goes to Karim: the badge waits there.
    awards.award_issue(badge=teamwork, actor=nadia, phone=OLD_NUMBER, name="Inès Haddad")
    ines_phone.goto("/accounts/phone/change/")
    check(ines_phone)
    before = sent()
    ines_phone.get_by_label("Numéro de téléphone portable").fill("07 98 76 54 32")
    ines_phone.get_by_role("button", name="Recevoir un code par SMS").click()
    ines_phone.get_by_label("Code reçu par SMS").fill(sms_code(NEW_NUMBER, before))
    check(ines_phone)
    ines_phone.get_by_role("button", name="Valider").click()
    ines_phone.wait_for_url(re.compile(r".*/accounts/phone/change/$"))
    ines_phone.get_by_role("heading", level=1).first.wait_for()
    assert "07 98 76 54 32" in ines_phone.content() or NEW_NUMBER in ines_phone.content()
    check(ines_phone)
    ines.refresh_from_db()
    assert ines.phone == NEW_NUMBER
    assert ines.phone_verified
    left = Award.objects.get(badge=teamwork)
    assert left.claimed_at is None  # Inès's, still waiting at the old number

    # 4. Months later Karim, with the recycled number, is given a badge by Nadia (through the
    # form). (The limits on codes sent to the number count over minutes: long passed by then.)
    months_later(OLD_NUMBER)
    before = sent()
    award_by_form(
        adviser,
        check,
        space=space.slug,
        badge=published,
        name="Karim Diallo",
        phone="06 12 34 56 78",
    )
    link = wait_for_sms(OLD_NUMBER, before, CLAIM_LINK, contains="Karim Diallo")
    karims = Award.objects.get(recipient_name="Karim Diallo")
    assert link.group(1) == karims.claim_code
    karim_phone = person(phones, "203.0.113.20")
    karim_phone.goto(link.group(0))
    karim_phone.get_by_role("heading", level=1, name="Accueil du public").wait_for()
    assert karim_phone.get_by_text("à Karim Diallo").is_visible()
    assert "Inès" not in karim_phone.content()
    check(karim_phone)
    no_sideways_scroll(karim_phone)
    sign_up_with_phone(
        karim_phone, check, name="Karim Diallo", number=OLD_NUMBER, local="06 12 34 56 78"
    )
    keep_in_backpack(karim_phone, check, karims.claim_code, "Accueil du public")
    karim = User.objects.get(phone=OLD_NUMBER)
    assert karim != ines

    # His backpack holds his badge only: neither Inès's collected badge nor the one waiting at
    # the number arrived; he is asked about the waiting one, says no, and it is gone for good.
    karim_phone.goto("/backpack/")
    karim_phone.get_by_role("link", name="Accueil du public").first.wait_for()
    check(karim_phone)
    no_sideways_scroll(karim_phone)
    assert karim_phone.get_by_role("link", name="Travail en équipe").count() == 0
    assert [i.award for i in Item.objects.filter(owner=karim)] == [karims]
    karim_phone.goto("/backpack/questions/")
    karim_phone.get_by_role("heading", level=1, name="Ce badge est-il à vous ?").wait_for()
    check(karim_phone)
    no_sideways_scroll(karim_phone)
    question = karim_phone.get_by_role("region", name="Travail en équipe")
    question.get_by_role("button", name=re.compile("Non, ce n.est pas moi")).click()
    karim_phone.wait_for_url(re.compile(r".*/backpack/$"))
    karim_phone.get_by_text("ne vous sera plus proposé").first.wait_for()
    karim_phone.get_by_role("link", name="Accueil du public").first.wait_for()
    check(karim_phone)
    assert AwardQuestion.objects.get(user=karim).answer == "no"
    karim_phone.goto("/backpack/questions/")
    karim_phone.get_by_text("Aucune question en attente").first.wait_for()
    check(karim_phone)
    karim_phone.goto("/backpack/")
    karim_phone.get_by_role("link", name="Accueil du public").first.wait_for()
    check(karim_phone)
    assert karim_phone.get_by_role("link", name="Travail en équipe").count() == 0
    assert "Inès" not in karim_phone.content()
    karim_phone.goto(f"/backpack/badges/{item.uuid}/")  # Inès's badge: no such page for him
    assert "Inès" not in karim_phone.content()
    check(karim_phone)
    left.refresh_from_db()
    assert left.claimed_at is None
    assert Item.objects.filter(owner=karim).count() == 1

    # Inès, with her new number, still has her badge (and not Karim's).
    ines_phone.goto("/backpack/")
    ines_phone.get_by_role("link", name="Accueil du public").first.wait_for()
    assert "Karim" not in ines_phone.content()
    check(ines_phone)
    assert [i.award for i in Item.objects.filter(owner=ines)] == [first]

    # 5. Samir keeps a badge without any account: the picture and the certificate.
    before = sent()
    award_by_form(
        adviser,
        check,
        space=space.slug,
        badge=teamwork,
        name="Samir Benali",
        phone="06 55 44 33 22",
    )
    link = wait_for_sms(SAMIR, before, CLAIM_LINK, contains="Samir Benali")
    samirs = Award.objects.get(recipient_name="Samir Benali")
    samir_phone = person(phones, "203.0.113.30")
    samir_phone.goto(link.group(0))
    samir_phone.get_by_role("heading", level=1, name="Travail en équipe").wait_for()
    keep = samir_phone.locator("section[aria-labelledby=keep-files-title]")
    keep.get_by_role("heading", level=2, name="Gardez-le sans compte").scroll_into_view_if_needed()
    check(samir_phone)
    no_sideways_scroll(samir_phone)
    name, picture = downloaded(
        samir_phone, keep.get_by_role("link", name="Télécharger l'image (PNG)")
    )
    assert name.endswith(".png")
    assert picture.startswith(b"\x89PNG\r\n\x1a\n")
    assert baking.extract(picture).payload == samirs.credential
    report = verify_credential(picture, fetcher=LocalFetcher())
    assert report.state is State.VALID, report.checks
    name, pdf = downloaded(samir_phone, keep.get_by_role("link", name="en français"))
    assert name.endswith(".pdf")
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 10_000
    check(samir_phone)
    samirs.refresh_from_db()
    assert samirs.claimed_at is None  # no account: the code still works later
    assert not User.objects.filter(phone=SAMIR).exists()
