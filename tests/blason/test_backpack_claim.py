"""Collecting badges awarded on this site: the claim code (typed, in the e-mail, scanned), the
account created on the way, e-mail addresses as identities, and badges that arrive by themselves
(phone numbers and the "Is this badge yours?" questions: test_own_badges)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from blason.accounts.models import User
from blason.backpack import claims
from blason.backpack.models import Item
from blason.core.models import AuditEntry
from blason.issuing.awarding import credentials
from blason.issuing.awarding import services as awards
from blason.issuing.models import Award
from tests.conftest import message_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://\S+")


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    """Background tasks run in the test (set through ``settings`` so the task backends are
    rebuilt, whatever was configured before)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def claim_path(award: Award) -> str:
    return reverse("backpack:claim", args=[award.claim_code])


@pytest.fixture
def by_phone(world: Any, published: Any) -> Award:
    return awards.award_issue(
        badge=published, actor=world.admin, phone="06 12 34 56 78", name="Samir"
    )


def test_the_award_email_leads_to_the_claim_page(
    client: Any,
    world: Any,
    published: Any,
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        award = awards.award_issue(
            badge=published, actor=world.admin, email="lea@example.org", language="en"
        )
    (mail,) = smtp_server.wait_for(1)
    body = message_text(mail)
    links = LINK.findall(body)
    assert links[0] == f"http://testserver/claim/{award.claim_code}"  # the main link
    assert credentials.award_url(award) in links  # the award page stays
    assert award.claim_code in body
    assert "Keep it in your free backpack" in body
    response = client.get(links[0].removeprefix("http://testserver"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Accueil du public" in response.text
    assert "Create my account with my phone number" in response.text


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{spaced}", "  {nodash}  ", "{oil}"])
def test_a_typed_code_is_read_leniently(
    client: Any, world: Any, by_phone: Award, typed: str
) -> None:
    code = by_phone.claim_code or ""
    variants = {
        "code": code,
        "lower": code.lower(),
        "spaced": code.replace("-", " "),
        "nodash": code.replace("-", ""),
        "oil": code.replace("0", "O").replace("1", "l"),
    }
    response = client.post(reverse("backpack:claim_enter"), {"code": typed.format(**variants)})
    assert response.status_code == 302
    assert response["Location"] == claim_path(by_phone)


def test_unknown_and_malformed_codes(client: Any, world: Any) -> None:
    unknown = client.post(
        reverse("backpack:claim_enter"), {"code": "ZZZZ-ZZZZ"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert unknown.status_code == 404
    assert "We do not know this code" in unknown.text
    short = client.post(reverse("backpack:claim_enter"), {"code": "ABC"}, HTTP_ACCEPT_LANGUAGE="en")
    assert short.status_code == 400
    assert "8 letters and numbers" in short.text
    opened = client.get("/claim/ZZZZ-ZZZZ", HTTP_ACCEPT_LANGUAGE="en")
    assert opened.status_code == 404
    assert "We do not know this code" in opened.text


def test_anonymous_visitor_is_asked_to_sign_up_and_the_code_is_kept(
    client: Any, world: Any, by_phone: Award
) -> None:
    response = client.get(claim_path(by_phone), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Accueil du public" in response.text
    assert "Organisation A" in response.text
    next_query = f"next=/claim/{by_phone.claim_code}"
    assert f"{reverse('account_signup')}?{next_query}" in response.text
    assert f"{reverse('account_login')}?{next_query}" in response.text
    assert client.session["backpack_claim_code"] == by_phone.claim_code
    # Posting without an account goes to sign in, and comes back.
    posted = client.post(claim_path(by_phone))
    assert posted.status_code == 302
    assert posted["Location"].startswith(reverse("account_login"))
    assert Award.objects.get(pk=by_phone.pk).claimed_at is None


def test_sign_up_with_the_code_then_collect(
    client: Any,
    world: Any,
    by_phone: Award,
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.get(claim_path(by_phone))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{reverse('account_signup')}?next={claim_path(by_phone)}",
            {
                "email": "samir@example.org",
                "password1": "a long enough passphrase",
                "password2": "a long enough passphrase",
                "display_name": "Samir",
                "birth_year": "2005",
                "next": claim_path(by_phone),
            },
        )
    assert response.status_code == 302
    (mail,) = smtp_server.wait_for(1)
    confirm = next(url for url in LINK.findall(message_text(mail)) if "/confirm-email/" in url)
    response = client.post(confirm.split("testserver", 1)[1])
    assert response["Location"] == claim_path(by_phone)  # back to the badge once verified
    response = client.post(claim_path(by_phone), HTTP_ACCEPT_LANGUAGE="en")
    user = User.objects.get(email="samir@example.org")
    item = Item.objects.get(owner=user)
    assert response["Location"] == reverse("backpack:item", args=[item.uuid])
    by_phone.refresh_from_db()
    assert by_phone.claimed_by == user
    assert by_phone.claimed_at is not None
    assert item.award == by_phone
    assert item.status == "valid"  # checked right away against this site's documents
    assert "backpack_claim_code" not in client.session
    assert AuditEntry.objects.filter(
        action="backpack.award.claimed", issuer=world.org_a, actor=user
    ).exists()


def test_claiming_a_phone_award_collects_that_badge_only(
    client: Any, world: Any, published: Any, by_phone: Award
) -> None:
    other = awards.award_issue(badge=published, actor=world.admin, phone="+33612345678")
    client.force_login(world.member)
    response = client.post(claim_path(by_phone), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    # Holding the code proves this badge was given to the person, not that the number is theirs.
    assert [item.award for item in Item.objects.filter(owner=world.member)] == [by_phone]
    world.member.refresh_from_db()
    assert world.member.phone == ""
    other.refresh_from_db()
    assert other.claimed_by is None
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "This badge was awarded to the number +33612345678" in page.text
    assert "Confirm +33612345678 by SMS" in page.text
    listing = client.get(reverse("backpack:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert "new badge" not in listing.text
    assert not Item.objects.filter(owner=world.member, award=other).exists()


def test_someone_else_cannot_collect_a_collected_badge(
    client: Any, world: Any, by_phone: Award
) -> None:
    client.force_login(world.member)
    client.post(claim_path(by_phone), follow=True)
    item = Item.objects.get(owner=world.member)
    client.force_login(world.outsider)
    for response in (
        client.get(claim_path(by_phone), HTTP_ACCEPT_LANGUAGE="en"),
        client.post(claim_path(by_phone), HTTP_ACCEPT_LANGUAGE="en"),
    ):
        assert response.status_code == 409
        assert "already been collected" in response.text
        assert "Accueil du public" not in response.text  # nothing about the badge or its owner
        assert world.member.email not in response.text
    client.logout()
    anonymous = client.get(claim_path(by_phone), HTTP_ACCEPT_LANGUAGE="en")
    assert anonymous.status_code == 409
    assert "Accueil du public" not in anonymous.text
    # The person who collected it is taken to their badge.
    client.force_login(world.member)
    again = client.get(claim_path(by_phone))
    assert again["Location"] == reverse("backpack:item", args=[item.uuid])
    assert Item.objects.count() == 1


def test_claiming_again_after_removing_brings_the_badge_back(
    client: Any, world: Any, by_phone: Award
) -> None:
    client.force_login(world.member)
    client.post(claim_path(by_phone))
    item = Item.objects.get()
    client.post(reverse("backpack:item_remove", args=[item.uuid]))
    assert not Item.objects.exists()
    client.get(reverse("backpack:list"))  # not collected again by itself
    assert not Item.objects.exists()
    assert client.get(claim_path(by_phone)).status_code == 200
    client.post(claim_path(by_phone))
    assert Item.objects.filter(owner=world.member).count() == 1


def test_a_withdrawn_badge_cannot_be_collected(client: Any, world: Any, by_phone: Award) -> None:
    awards.award_revoke(award=by_phone, actor=world.admin, reason="Erreur")
    client.force_login(world.member)
    response = client.get(claim_path(by_phone), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "withdrawn" in response.text
    assert client.post(claim_path(by_phone)).status_code == 410
    assert not Item.objects.exists()


def test_guessing_codes_is_rate_limited_even_for_a_right_guess(
    client: Any, world: Any, settings: Any, by_phone: Award
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "claim": "3/m/ip"}
    statuses = [
        client.post(reverse("backpack:claim_enter"), {"code": f"ZZZZ-ZZZ{n}"}).status_code
        for n in range(3)
    ]
    assert statuses == [404, 404, 404]
    limited = client.get(claim_path(by_phone), HTTP_ACCEPT_LANGUAGE="en")
    assert limited.status_code == 429
    assert "Too many requests" in limited.text
    assert "Accueil du public" not in limited.text
    assert client.post(reverse("backpack:claim_enter"), {"code": "ZZZZ-ZZZ9"}).status_code == 429


def test_known_codes_do_not_use_up_the_limit(
    client: Any, world: Any, settings: Any, by_phone: Award
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "claim": "2/m/ip"}
    for _ in range(5):
        assert client.get(claim_path(by_phone)).status_code == 200


def test_an_email_award_offers_to_add_its_address(
    client: Any,
    world: Any,
    published: Any,
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    award = awards.award_issue(
        badge=published, actor=world.admin, email="Charlie.Pro@Example.org", notify=False
    )
    client.force_login(world.outsider)
    response = client.post(claim_path(award), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "This badge was sent to charlie.pro@example.org" in response.text
    assert "You collected it into your backpack: with its claim code" in response.text
    # allauth's own add-address flow: a confirmation link goes to the address.
    with django_capture_on_commit_callbacks(execute=True):
        added = client.post(
            reverse("account_email"), {"action_add": "", "email": "charlie.pro@example.org"}
        )
    assert added.status_code == 302
    (mail,) = smtp_server.wait_for(1)
    item = Item.objects.get(owner=world.outsider)
    waiting = client.get(reverse("backpack:item", args=[item.uuid]), HTTP_ACCEPT_LANGUAGE="en")
    assert "We sent a link to charlie.pro@example.org" in waiting.text
    confirm = next(url for url in LINK.findall(message_text(mail)) if "/confirm-email/" in url)
    client.post(confirm.split("testserver", 1)[1])
    assert EmailAddress.objects.get(email="charlie.pro@example.org").verified
    assert EmailAddress.objects.get(email="charlie@example.org").verified  # both kept
    page = client.get(reverse("backpack:item", args=[item.uuid]), HTTP_ACCEPT_LANGUAGE="en")
    assert "it was awarded to your address charlie.pro@example.org" in page.text


def test_badges_awarded_to_a_verified_address_arrive_by_themselves(
    client: Any,
    world: Any,
    published: Any,
    django_assert_max_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = awards.award_issue(badge=published, actor=world.admin, email="ALICE@example.org")
    revoked = awards.award_issue(badge=published, actor=world.admin, email="alice@example.org")
    awards.award_revoke(award=revoked, actor=world.admin, reason="Erreur")
    awards.award_issue(badge=published, actor=world.admin, email="bob@example.org")
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("backpack:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert "1 new badge" in response.text
    item = Item.objects.get(owner=world.admin)
    assert item.award == first
    assert item.status == "valid"  # checked by the background task (run at once in tests)
    first.refresh_from_db()
    assert first.claimed_by == world.admin
    assert AuditEntry.objects.filter(action="backpack.awards.collected").count() == 1
    with django_assert_max_num_queries(14):  # 12, and the person's pathways (2: pathways)
        client.get(reverse("backpack:list"))
    assert Item.objects.filter(owner=world.admin).count() == 1


def test_a_newly_verified_address_collects_its_past_badges(
    client: Any, world: Any, published: Any
) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, email="old@example.org")
    user = UserFactory(email="new@example.org")
    EmailAddress.objects.create(user=user, email="old@example.org", verified=False)
    client.force_login(user)
    client.get(reverse("backpack:list"))
    assert not Item.objects.filter(owner=user).exists()  # not verified: not theirs yet
    EmailAddress.objects.filter(email="old@example.org").update(verified=True)
    client.get(reverse("backpack:list"))
    assert Item.objects.get(owner=user).award == award


def test_collecting_is_once_per_award(world: Any, published: Any) -> None:
    from blason.accounts.services import phone_verify

    phone_verify(user=world.member, phone="+33612345679")
    award = awards.award_issue(badge=published, actor=world.admin, phone="+33612345679")
    assert len(claims.collect_awards(user=world.member)) == 1
    assert claims.collect_awards(user=world.member) == []
    with pytest.raises(claims.AlreadyCollected):
        claims.claim_award(user=world.outsider, code=award.claim_code or "")


def test_identities_page_and_removing_a_phone(client: Any, world: Any) -> None:
    from blason.accounts.services import phone_verify

    phone_verify(user=world.member, phone="+33612345678")
    client.force_login(world.member)
    page = client.get(reverse("backpack:identities"), HTTP_ACCEPT_LANGUAGE="en")
    assert "+33612345678" in page.text
    assert world.member.email in page.text
    assert "Change my number" in page.text
    client.force_login(world.outsider)
    client.post(reverse("accounts:phone_remove"))  # their own (none): nothing happens
    assert User.objects.get(pk=world.member.pk).phone == "+33612345678"
    client.force_login(world.member)
    client.post(reverse("accounts:phone_remove"))
    member = User.objects.get(pk=world.member.pk)
    assert member.phone == ""
    assert not member.phone_verified


def test_awarder_sees_a_qr_code_with_the_claim_code(
    client: Any, world: Any, by_phone: Award
) -> None:
    client.force_login(world.admin)
    page = client.get(
        f"/awards/{by_phone.uuid}", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert by_phone.claim_code in page.text
    assert 'class="claim-qr"' in page.text
