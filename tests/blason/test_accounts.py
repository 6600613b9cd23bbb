"""Accounts through HTTP, with e-mail delivered to a real SMTP server on loopback."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from blason.accounts.models import User
from blason.core.models import AuditEntry
from tests.conftest import message_text
from tests.factories import PASSWORD, IssuerFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+")


def test_sign_up_verify_email_and_sign_in(
    client: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "Nadia@Example.org",
                "password1": "a long enough passphrase",
                "password2": "a long enough passphrase",
                "display_name": "Nadia",
                "birth_year": "1990",
            },
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    assert response.status_code == 302
    user = User.objects.get(email__iexact="nadia@example.org")
    assert user.display_name == "Nadia"
    assert user.language == "fr"
    assert not EmailAddress.objects.get(user=user).verified
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"].lower() == "nadia@example.org"
    body = message_text(mail)
    confirm_url = next(url for url in LINK.findall(body) if "/confirm-email/" in url)
    path = confirm_url.split("testserver", 1)[1]
    assert client.get(path).status_code == 200  # a page with a button, not a GET side effect
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "nadia@example.org", "password": "a long enough passphrase"},
    )
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert AuditEntry.objects.filter(action="accounts.user.signed_up", actor=user).exists()
    assert AuditEntry.objects.filter(action="accounts.email.verified", actor=user).exists()


def test_unverified_account_cannot_sign_in(client: Any) -> None:
    user = UserFactory()
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")


def test_failed_logins_lock_the_account_for_a_while(client: Any) -> None:
    user = UserFactory()
    for _ in range(6):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200  # the form again, with an explanation, not signed in
    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_failed_logins_from_one_client_do_not_lock_the_owner_out(client: Any) -> None:
    """An attacker's wrong passwords lock the account for the attacker's address only: its
    owner, elsewhere, still signs in with the right password (issue 12, point 9)."""
    user = UserFactory()
    for _ in range(6):
        client.post(
            reverse("account_login"),
            {"login": user.email, "password": "wrong"},
            REMOTE_ADDR="203.0.113.66",
        )
    attacker = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.66",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Too many failed login attempts" in attacker.text
    assert "_auth_user_id" not in client.session
    owner = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert owner.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_is_rate_limited_per_address(client: Any, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    statuses = [
        client.post(
            reverse("account_login"), {"login": "x@example.org", "password": "pw"}
        ).status_code
        for _ in range(5)
    ]
    assert statuses[0] == 200
    assert statuses[-1] == 429


def test_sign_up_is_rate_limited(client: Any, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "3/m/ip"}
    statuses = [
        client.post(
            reverse("account_signup"),
            {"email": f"x{n}@example.org", "password1": "pw", "password2": "pw"},
        ).status_code
        for n in range(5)
    ]
    assert statuses[-1] == 429


def test_login_link_signs_in_once(
    client: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:login_link"), {"email": user.email.upper()})
    assert response.status_code == 200
    (mail,) = smtp_server.wait_for(1)
    assert "sign-in link" in mail["Subject"]
    link = LINK.findall(message_text(mail))[0]
    path = link.split("testserver", 1)[1]
    page = client.get(path)
    assert page.status_code == 200
    assert "_auth_user_id" not in client.session  # GET alone does not sign in
    assert client.post(path).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    assert client.post(path).status_code == 400  # one time only
    assert client.get(path).status_code == 400


def test_login_link_for_unknown_address_looks_the_same(
    client: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:login_link"), {"email": "nobody@example.org"})
    assert response.status_code == 200
    assert b"nobody@example.org" in response.content
    assert smtp_server.messages == []


def test_login_link_requests_are_rate_limited(client: Any) -> None:
    user = UserFactory()
    statuses = [
        client.post(reverse("accounts:login_link"), {"email": user.email}).status_code
        for _ in range(5)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[-1] == 429


def test_bad_login_link_is_a_clear_400(client: Any) -> None:
    response = client.get(reverse("accounts:login_link_confirm") + "?token=forged")
    assert response.status_code == 400
    assert b"no longer works" in response.content or "ne fonctionne plus" in response.text


def test_change_language_is_remembered_on_the_account(client: Any) -> None:
    user = UserFactory(language="fr")
    client.force_login(user)
    response = client.post(
        reverse("accounts:set_language"), {"language": "en", "next": "/dashboard/"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    page = client.get(reverse("core:dashboard"), HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="en">' in page.text
    assert AuditEntry.objects.filter(action="accounts.language.changed").exists()


def test_settings_page_updates_profile(client: Any) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:settings"), {"display_name": "New Name", "language": "fr"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.language) == ("New Name", "fr")


def test_delete_account(client: Any) -> None:
    user = UserFactory()
    client.force_login(user)
    assert client.post(reverse("accounts:delete"), {"confirm": "nope"}).status_code == 400
    response = client.post(reverse("accounts:delete"), {"confirm": "DELETE"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert AuditEntry.objects.filter(action="accounts.user.deleted").exists()


def test_last_owner_of_a_shared_space_cannot_delete_account(client: Any) -> None:
    owner, other = UserFactory(), UserFactory()
    issuer = IssuerFactory(name="Shared space")
    MembershipFactory(issuer=issuer, user=owner, role="owner")
    MembershipFactory(issuer=issuer, user=other, role="viewer")
    client.force_login(owner)
    page = client.get(reverse("accounts:delete"))
    assert b"Shared space" in page.content
    response = client.post(reverse("accounts:delete"), {"confirm": "DELETE"})
    assert response.status_code == 400
    assert User.objects.filter(pk=owner.pk).exists()


def test_accept_language_is_respected_and_french_is_the_default(client: Any) -> None:
    assert '<html lang="en">' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").text
    assert '<html lang="fr">' in client.get("/", HTTP_ACCEPT_LANGUAGE="de").text
    french = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").text
    assert "Aller au contenu principal" in french


def test_change_email_needs_the_new_address_verified(
    client: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory(email="old@example.org")
    client.force_login(user)
    assert client.get(reverse("account_email")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"), {"action_add": "", "email": "new@example.org"}
        )
    assert response.status_code == 302
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "new@example.org"
    new = EmailAddress.objects.get(email="new@example.org")
    assert not new.verified
    path = "/accounts/" + LINK.findall(message_text(mail))[0].split("/accounts/", 1)[1]
    client.post(path)
    new.refresh_from_db()
    assert new.verified
    user.refresh_from_db()
    # Several verified addresses per account (badges sent to any of them reach the backpack):
    # the new one is added, the main one stays until the person chooses another.
    assert user.email == "old@example.org"
    assert EmailAddress.objects.get(email="old@example.org").verified
    assert AuditEntry.objects.filter(action="accounts.email.verified", actor=user).exists()


@pytest.mark.parametrize(
    ("after", "back"),
    [("/claim/7KQ2-M9XD", True), ("/claim/", True), ("/backpack/", False), ("", False)],
)
def test_without_sms_a_person_who_came_to_keep_a_badge_is_sent_back_to_it(
    client: Any, settings: Any, after: str, back: bool
) -> None:
    """With no text messages on the site, the sign-up page offers to keep a badge without an
    account: back to the claim page the person came from (an address of ``backpack:claim``),
    otherwise to the page where a code is typed."""
    settings.SMS_BACKEND = ""
    query = {"next": after} if after else {}
    page = client.get(reverse("account_signup"), query, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "No text messages on this site" in page.text
    going_back = f'<a href="{after}">Or keep your badge without an account: go back to it'
    assert (going_back in page.text) is back
    typing = (
        f'<a href="{reverse("backpack:claim_enter")}">Or keep your badge without an account: '
        "type its code"
    )
    assert (typing in page.text) is not back
