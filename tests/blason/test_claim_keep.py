"""The claim page serves every case (issue 13, point 4): a person holding a claim code sees
their badge and keeps it in a backpack (an account made on the way, with a phone number or an
e-mail address, or the one signed in, in one click) or without any account (the baked picture,
the PDF certificate, LinkedIn, the public address), from the code's page or from their claim on
an event's link. Only the code's holder sees anything, and only that award."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from blason.backpack import sharing
from blason.backpack.models import Item
from blason.issuing.awarding import credentials
from blason.issuing.awarding import services as awards
from blason.issuing.claims import services as link_claims
from blason.issuing.models import Award
from obcore import baking
from tests.blason.test_claim_posters import laid_out_text

pytestmark = pytest.mark.django_db
HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture
def by_phone(world: Any, published: Any) -> Award:
    return awards.award_issue(
        badge=published, actor=world.admin, phone="06 12 34 56 78", name="Samir Benali"
    )


def claim_path(award: Award) -> str:
    return reverse("backpack:claim", args=[award.claim_code])


def certificate_path(award: Award) -> str:
    return reverse("backpack:claim_certificate", args=[award.claim_code])


def hrefs(text: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in HREF.findall(text)]


def unclaimed(award: Award) -> bool:
    award.refresh_from_db()
    return award.claimed_at is None and award.claimed_by is None


@pytest.fixture
def certificates(monkeypatch: Any) -> list[Any]:
    """The documents the certificate downloads were laid out from (WeasyPrint's boxes, whose
    text the tests read), kept as the view makes them."""
    made: list[Any] = []
    real = sharing.award_certificate_document

    def spy(award: Award, language: str) -> Any:
        made.append(real(award, language))
        return made[-1]

    monkeypatch.setattr(sharing, "award_certificate_document", spy)
    return made


# --- A valid code, without an account -------------------------------------------------------


def test_the_page_of_a_valid_code_offers_every_way_to_keep_it(client: Any, by_phone: Award) -> None:
    response = client.get(claim_path(by_phone), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.text
    assert "Accueil du public" in text
    assert "to Samir Benali" in text
    assert "Organisation A" in text
    # Into a backpack: sign up or sign in, and come back to this page.
    back = f"next=/claim/{by_phone.claim_code}"
    assert f"{reverse('account_signup')}?{back}" in text
    assert f"{reverse('account_login')}?{back}" in text
    # SMS on (as in every test): the phone first, no e-mail address needed.
    assert "Create my account with my phone number" in text
    assert f"{reverse('account_signup')}?method=email&amp;{back}" in text
    # Without an account: the picture, the certificate, LinkedIn, the public address.
    assert "Keep it without an account" in text
    links = hrefs(text)
    assert reverse("award_image", args=[by_phone.uuid, "png"]) in links
    assert reverse("award_image", args=[by_phone.uuid, "svg"]) in links
    assert f"{certificate_path(by_phone)}?lang=fr" in links
    assert f"{certificate_path(by_phone)}?lang=en" in links
    linkedin = next(link for link in links if link.startswith("https://www.linkedin.com/"))
    fields = {key: values[0] for key, values in parse_qs(urlsplit(linkedin).query).items()}
    assert fields["name"] == "Accueil du public"
    assert fields["organizationName"] == "Organisation A"
    assert fields["certUrl"] == credentials.award_url(by_phone)
    assert fields["certId"] == str(by_phone.uuid)
    assert f'value="{credentials.award_url(by_phone)}"' in text  # the address to copy
    # What "without an account" means, and that the code keeps working.
    assert "Blason keeps nothing for you" in text
    assert f"Keep your code, {by_phone.claim_code}: it stays good" in text
    # The number it was sent to, masked.
    assert "It was sent to the phone number ending in 78." in text
    for written in ("+33612345678", "0612345678", "06 12 34 56 78", "12 34 56"):
        assert written not in text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert unclaimed(by_phone)


def test_the_page_in_french(client: Any, by_phone: Award) -> None:
    text = client.get(claim_path(by_phone), HTTP_ACCEPT_LANGUAGE="fr").text
    assert "Gardez-le sans compte" in text
    assert "Rangez-le dans un sac à badges gratuit" in text
    assert "Créer mon compte avec mon numéro de téléphone" in text
    assert "Il a été envoyé au numéro de téléphone qui finit par 78." in text


def test_an_email_award_shows_its_address_masked(client: Any, world: Any, published: Any) -> None:
    award = awards.award_issue(
        badge=published, actor=world.admin, email="samir.benali@exemple.org", notify=False
    )
    text = client.get(claim_path(award), HTTP_ACCEPT_LANGUAGE="en").text
    assert "It was sent to the e-mail address s•••@e•••.org." in text
    assert "samir" not in text
    assert "exemple" not in text


def test_downloads_without_an_account_are_the_real_badge(
    client: Any, by_phone: Award, certificates: list[Any]
) -> None:
    links = hrefs(client.get(claim_path(by_phone)).text)
    png = next(link for link in links if link.endswith("/badge.png"))
    picture = client.get(png)
    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/png"
    assert baking.extract(picture.content).payload == by_phone.credential
    svg = next(link for link in links if link.endswith("/badge.svg"))
    assert baking.extract(client.get(svg).content).payload == by_phone.credential

    for language, words, file_name in (
        ("fr", "a reçu le badge", "certificat-accueil-du-public.pdf"),
        ("en", "has received the badge", "certificate-accueil-du-public.pdf"),
    ):
        pdf = client.get(next(link for link in links if link.endswith(f"lang={language}")))
        assert pdf.status_code == 200
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-")
        assert f'filename="{file_name}"' in pdf["Content-Disposition"]
        laid_out = laid_out_text(certificates[-1])
        for expected in ("Samir Benali", words, "Accueil du public", "Organisation A"):
            assert expected in laid_out
        assert credentials.award_url(by_phone).split("://", 1)[1] in laid_out  # where to check it
    assert len(certificates) == 2
    assert unclaimed(by_phone)  # downloading keeps nothing and uses up nothing


def test_the_code_still_collects_the_badge_after_keeping_it_without_an_account(
    client: Any, world: Any, by_phone: Award
) -> None:
    client.get(claim_path(by_phone))
    client.get(f"{certificate_path(by_phone)}?lang=fr")
    client.force_login(world.member)
    response = client.post(claim_path(by_phone))
    item = Item.objects.get(owner=world.member)
    assert response["Location"] == reverse("backpack:item", args=[item.uuid])
    assert item.award == by_phone


@pytest.mark.parametrize(
    "typed",
    [
        "{lower}",
        "{code} ",
        "{nodash}",
        "{spaced}",
        "{endash}",
        "{dots}",
        "{nbsp}",
        "{fullwidth}",
        "{lookalikes}",
    ],
)
def test_codes_typed_loosely(client: Any, world: Any, published: Any, typed: str) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, name="Inès")
    Award.objects.filter(pk=award.pk).update(claim_code="0A1B-2C3D")
    award.refresh_from_db()
    code = "0A1B-2C3D"
    variants = {
        "code": code,
        "lower": code.lower(),
        "nodash": code.replace("-", ""),
        "spaced": " 0A1B 2C3D ",
        "endash": "0a1b\u20132c3d",
        "dots": "0A1B.2C3D",
        "nbsp": "0A1B\u00a02C3D",
        "fullwidth": "".join(chr(ord(ch) + 0xFEE0) for ch in "0A1B-2C3D"),  # full-width forms
        "lookalikes": "oaib-2c3d",  # O for 0, I (or L) for 1
    }
    response = client.post(reverse("backpack:claim_enter"), {"code": typed.format(**variants)})
    assert response.status_code == 302
    assert response["Location"] == claim_path(award)
    # The address itself is read as leniently.
    assert client.get(f"/claim/{variants['lower']}").status_code == 200


# --- Codes that give nothing, or no more ----------------------------------------------------


def test_an_unknown_code(client: Any, world: Any, by_phone: Award) -> None:
    for path in ("/claim/ZZZZ-ZZZZ", "/claim/ZZZZ-ZZZZ/certificate.pdf?lang=fr"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404
        assert "We do not know this code" in response.text
        assert "Accueil du public" not in response.text
        assert str(by_phone.uuid) not in response.text


def test_an_expired_badge_can_still_be_kept(
    client: Any, world: Any, published: Any, certificates: list[Any]
) -> None:
    published.validity, published.validity_days = "duration", 30
    published.save()
    award = awards.award_issue(
        badge=published,
        actor=world.admin,
        name="Samir Benali",
        issued_at=timezone.now() - timedelta(days=60),
    )
    assert award.valid_until is not None
    response = client.get(claim_path(award), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "This badge was valid until" in response.text
    assert "You can still keep it" in response.text
    assert f"{certificate_path(award)}?lang=en" in hrefs(response.text)
    pdf = client.get(f"{certificate_path(award)}?lang=en")
    assert pdf.content.startswith(b"%PDF-")
    assert "valid until" in laid_out_text(certificates[-1])
    client.force_login(world.member)
    kept = client.post(claim_path(award))
    assert kept.status_code == 302
    assert Item.objects.get(owner=world.member).status == "expired"


def test_a_withdrawn_badge_gives_nothing(client: Any, world: Any, by_phone: Award) -> None:
    awards.award_revoke(award=by_phone, actor=world.admin, reason="Erreur de saisie")
    for path in (claim_path(by_phone), certificate_path(by_phone)):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 410
        assert "withdrawn" in response.text
        assert "Accueil du public" not in response.text
        assert str(by_phone.uuid) not in response.text
        assert "Erreur de saisie" not in response.text
    assert not response.content.startswith(b"%PDF")


def test_a_badge_collected_by_someone_else_gives_nothing(
    client: Any, world: Any, by_phone: Award
) -> None:
    client.force_login(world.member)
    client.post(claim_path(by_phone))
    client.logout()
    for path in (claim_path(by_phone), certificate_path(by_phone)):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 409
        assert "already been collected" in response.text
        assert "Accueil du public" not in response.text
        assert "Samir" not in response.text
        assert str(by_phone.uuid) not in response.text
    client.force_login(world.outsider)
    assert client.get(certificate_path(by_phone)).status_code == 409
    # Its holder still gets the certificate from the code (and from the backpack).
    client.force_login(world.member)
    assert client.get(certificate_path(by_phone)).content.startswith(b"%PDF-")


# --- Signed in: one click --------------------------------------------------------------------


def test_signed_in_keep_in_one_click(client: Any, world: Any, by_phone: Award) -> None:
    client.force_login(world.member)
    page = client.get(claim_path(by_phone), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert f'<form method="post" action="{claim_path(by_phone)}">' in page.text
    assert "Add to my badges" in page.text
    assert "It goes into the backpack of the account bob@example.org." in page.text
    assert "Or keep it without a backpack" in page.text  # the downloads stay offered
    assert reverse("account_signup") not in hrefs(page.text)
    response = client.post(claim_path(by_phone), HTTP_ACCEPT_LANGUAGE="en")
    item = Item.objects.get(owner=world.member)
    assert response["Location"] == reverse("backpack:item", args=[item.uuid])
    assert item.award == by_phone
    by_phone.refresh_from_db()
    assert by_phone.claimed_by == world.member
    # The page of the code now leads to the badge in the backpack.
    assert client.get(claim_path(by_phone))["Location"] == response["Location"]


def test_an_account_without_an_email_address_is_named_otherwise(
    client: Any, world: Any, by_phone: Award
) -> None:
    from blason.accounts.models import User
    from blason.accounts.services import phone_verify

    phone_only = User.objects.create_user(phone="+33698765432", display_name="Samir")
    phone_verify(user=phone_only, phone="+33698765432")
    client.force_login(phone_only)
    text = client.get(claim_path(by_phone), HTTP_ACCEPT_LANGUAGE="en").text
    assert "It goes into the backpack of the account +33698765432." in text


def test_phone_sign_up_is_offered_when_the_site_sends_sms(
    client: Any, settings: Any, by_phone: Award
) -> None:
    text = client.get(claim_path(by_phone), HTTP_ACCEPT_LANGUAGE="en").text
    back = f"next=/claim/{by_phone.claim_code}"
    assert "Create my account with my phone number" in text
    assert "No e-mail address needed" in text
    assert "Create my account with an e-mail address" in text
    links = hrefs(text)
    assert f"{reverse('account_signup')}?{back}" in links  # the phone way, shown first
    assert f"{reverse('account_signup')}?method=email&{back}" in links
    assert text.index("with my phone number") < text.index("with an e-mail address")


def test_closed_sign_up_still_offers_sign_in_and_keeping_without_an_account(
    client: Any, settings: Any, by_phone: Award
) -> None:
    settings.SIGNUP_OPEN = False
    text = client.get(claim_path(by_phone), HTTP_ACCEPT_LANGUAGE="en").text
    assert reverse("account_signup") not in text
    assert f"{reverse('account_login')}?next=/claim/{by_phone.claim_code}" in text
    assert "Keep it without an account" in text


# --- Someone without the code ----------------------------------------------------------------


def test_an_outsider_without_the_code_gets_nothing(
    client: Any, world: Any, published: Any, by_phone: Award, settings: Any
) -> None:
    """Another code of the same number shows only its own award; wrong codes show nothing and
    count towards the limit, after which even a right code (page or certificate) is refused."""
    other = awards.award_issue(
        badge=published,
        actor=world.admin,
        phone="+33612345678",
        name="Samir B.",
    )
    page = client.get(claim_path(other), HTTP_ACCEPT_LANGUAGE="en").text
    assert str(other.uuid) in page
    assert str(by_phone.uuid) not in page
    assert by_phone.claim_code not in page
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "claim": "3/m/ip"}
    client.force_login(world.outsider)
    guesses = [client.get(f"/claim/ZZZZ-ZZZ{n}/certificate.pdf").status_code for n in range(2)] + [
        client.post(reverse("backpack:claim_enter"), {"code": "ZZZZ-ZZZ9"}).status_code
    ]
    assert guesses == [404, 404, 404]
    for path in (claim_path(by_phone), certificate_path(by_phone)):
        refused = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert refused.status_code == 429
        assert "Too many requests" in refused.text
        assert "Accueil du public" not in refused.text
        assert not refused.content.startswith(b"%PDF")
    assert unclaimed(by_phone)
    assert not Item.objects.exists()


# --- The same choices on the page of a claim made through an event's link --------------------


def test_an_event_claim_offers_the_same_choices(
    client: Any, world: Any, published: Any, monkeypatch: Any
) -> None:
    from blason.issuing.claims import forms as claim_forms

    monkeypatch.setattr(claim_forms, "MIN_FILL_SECONDS", -1)
    link = link_claims.link_create(
        badge=published, actor=world.admin, title="Forum", opens_at=None, closes_at=None
    )
    form = client.get(reverse("issuing:claim_page", args=[link.token]))
    stamp = re.search(r'name="stamp" value="([^"]+)"', form.text)
    assert stamp
    made = client.post(
        reverse("issuing:claim_page", args=[link.token]),
        {"name": "Samir Benali", "email": "", "phone": "", "stamp": stamp.group(1)},
    )
    assert made.status_code == 302
    status = client.get(made["Location"], HTTP_ACCEPT_LANGUAGE="en")
    award = Award.objects.get()
    links = hrefs(status.text)
    assert award.claim_code in status.text
    assert "Keep it without an account" in status.text
    assert reverse("award_image", args=[award.uuid, "png"]) in links
    assert f"{certificate_path(award)}?lang=fr" in links
    assert any(link.startswith("https://www.linkedin.com/profile/add?") for link in links)
    assert f"{reverse('account_signup')}?next=/claim/{award.claim_code}" in links
    assert "backpack/share.js" in status.text
    # Once in a backpack, the claim's page says so and offers no more.
    client.force_login(world.member)
    client.post(claim_path(award))
    after = client.get(made["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "It is kept in a backpack already." in after.text
    assert certificate_path(award) not in after.text


# --- The way in: "I have a code" ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "label"), [("fr", "J\u2019ai un code"), ("en", "I have a code")]
)
def test_i_have_a_code_on_home_header_and_footer(
    client: Any, world: Any, language: str, label: str
) -> None:
    entry = f'href="{reverse("backpack:claim_enter")}">{label}</a>'

    def parts(path: str) -> tuple[str, str, str, str]:
        """The header's links (wide screens), the phone's menu, the main part, the footer."""
        text = client.get(path, HTTP_ACCEPT_LANGUAGE=language).text
        wide, rest = text.split('<details class="site-menu">', 1)
        menu, rest = rest.split("</details>", 1)
        main, footer = rest.split('<footer class="site-footer">', 1)
        return wide, menu, main, footer

    wide, menu, main, footer = parts(reverse("core:home"))
    assert entry in wide
    assert entry in menu
    assert entry in main  # the home page's own invitation
    assert f'href="{reverse("backpack:claim_enter")}"' in footer
    client.force_login(world.outsider)
    wide, menu, main, footer = parts(reverse("backpack:list"))
    assert entry in wide
    assert entry in menu
    assert f'href="{reverse("backpack:claim_enter")}"' in footer


def test_without_sms_the_page_offers_an_email_account(
    client: Any, by_phone: Award, settings: Any
) -> None:
    settings.SMS_BACKEND = ""
    text = client.get(claim_path(by_phone), HTTP_ACCEPT_LANGUAGE="en").text
    assert "Create my free account" in text
    assert "with my phone number" not in text
    assert "Keep it without an account" in text
