"""Accounts with a phone number (issue 13, point 3): sign up and sign in with a code sent by SMS
through allauth's phone support, no e-mail address needed; an e-mail address added later; a
phone number added to, changed on and removed from an account; rate limits and wrong codes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from blason.accounts import services
from blason.accounts.models import User
from blason.core import sms
from blason.core.models import AuditEntry
from tests.conftest import message_text
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NUMBER = "+33612345678"
CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
def client(django_capture_on_commit_callbacks: Any) -> Client:
    """SMS and e-mail leave once the transaction commits: each request runs its callbacks."""

    class Committing(Client):
        def request(self, **request: Any) -> Any:
            with django_capture_on_commit_callbacks(execute=True):
                return super().request(**request)

    return Committing()


def last_code(to: str = NUMBER) -> str:
    messages = [m for m in sms.outbox if m.to == to]
    assert messages, f"no SMS to {to}: {sms.outbox}"
    found = CODE.search(messages[-1].body)
    assert found, messages[-1].body
    return found.group(1)


def sign_up(client: Any, **data: str) -> Any:
    return client.post(
        reverse("account_signup"),
        {
            "method": "phone",
            "display_name": "Samir Benali",
            "phone": "06 12 34 56 78",
            "birth_year": "2001",
            **data,
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )


def phone_user(number: str = NUMBER, **fields: Any) -> User:
    user = User.objects.create_user(phone=number, display_name="Samir Benali", language="fr")
    services.phone_verify(user=user, phone=number)
    for name, value in fields.items():
        setattr(user, name, value)
    user.save()
    return user


def test_sign_up_with_a_phone_number_and_the_sms_code(client: Any) -> None:
    page = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Recevoir un code par SMS" in page.text
    assert 'type="tel"' in page.text
    assert "Courriel" not in page.text
    response = sign_up(client, next="/backpack/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_verify_phone"))
    user = User.objects.get(phone=NUMBER)
    assert user.email is None
    assert not user.phone_verified
    assert not user.has_usable_password()  # no password needed
    (message,) = sms.outbox
    assert message.to == NUMBER
    assert "Ne le donnez à personne" in message.body  # in French, the language of the page
    waiting = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="fr")
    assert "Tapez le code reçu par SMS" in waiting.text
    assert 'autocomplete="one-time-code"' in waiting.text
    done = client.post(
        reverse("account_verify_phone"),
        {"code": last_code(), "next": "/backpack/"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert done.status_code == 302
    assert done["Location"] == "/backpack/"
    user.refresh_from_db()
    assert user.phone_verified
    assert user.phone_verified_at is not None
    assert client.get("/backpack/").status_code == 200  # signed in, no e-mail confirmation
    assert AuditEntry.objects.filter(action="accounts.phone.verified", actor=user).exists()
    assert str(user) == "Samir Benali"


def test_a_phone_account_may_have_a_password(client: Any) -> None:
    sign_up(client, password1="un mot de passe assez long")
    client.post(reverse("account_verify_phone"), {"code": last_code()})
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "06 12 34 56 78", "password": "un mot de passe assez long"},
    )
    assert response.status_code == 302
    assert client.get("/backpack/").status_code == 200


def test_three_wrong_codes_end_the_attempt(client: Any) -> None:
    sign_up(client)
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(2):
        again = client.post(reverse("account_verify_phone"), {"code": wrong})
        assert again.status_code == 200
        assert "code" in again.context["form"].errors
    third = client.post(reverse("account_verify_phone"), {"code": wrong})
    assert third.status_code == 302  # back to the start: a new code is needed
    late = client.post(reverse("account_verify_phone"), {"code": right})
    assert late.status_code == 302
    assert not User.objects.get(phone=NUMBER).phone_verified
    assert client.get("/backpack/").status_code == 302  # not signed in


def test_sign_in_with_a_code_by_sms(client: Any) -> None:
    user = phone_user()
    page = client.get(reverse("account_login") + "?next=/backpack/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Avec un code par SMS" in page.text
    assert 'href="/accounts/login/code/?next=/backpack/"' in page.text
    response = client.post(
        reverse("account_request_login_code"),
        {"phone": "06 12 34 56 78", "next": "/backpack/"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_confirm_login_code"))
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="fr")
    assert "Tapez le code reçu par SMS" in page.text
    done = client.post(
        reverse("account_confirm_login_code"), {"code": last_code(), "next": "/backpack/"}
    )
    assert done.status_code == 302
    assert done["Location"] == "/backpack/"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_wrong_sign_in_codes(client: Any) -> None:
    phone_user()
    client.post(reverse("account_request_login_code"), {"phone": NUMBER})
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(2):
        assert (
            client.post(reverse("account_confirm_login_code"), {"code": wrong}).status_code == 200
        )
    assert client.post(reverse("account_confirm_login_code"), {"code": wrong}).status_code == 302
    client.post(reverse("account_confirm_login_code"), {"code": right})
    assert "_auth_user_id" not in client.session


def test_an_unknown_number_learns_nothing_on_the_page(client: Any) -> None:
    response = client.post(reverse("account_request_login_code"), {"phone": "06 98 76 54 32"})
    assert response.status_code == 302  # the same page as for a known number
    (message,) = sms.outbox
    assert message.to == "+33698765432"
    assert "/accounts/signup/" in message.body
    assert not CODE.search(message.body)


def test_sign_in_codes_are_rate_limited_per_number(client: Any) -> None:
    phone_user()
    for _ in range(3):  # each time from a new session (as a robot would)
        fresh = client.__class__()
        assert (
            fresh.post(reverse("account_request_login_code"), {"phone": NUMBER}).status_code == 302
        )
    refused = client.__class__().post(
        reverse("account_request_login_code"),
        {"phone": "06 12 34 56 78"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 200
    assert "Too many" in refused.text
    assert len([m for m in sms.outbox if m.to == NUMBER]) == 3


def test_verification_codes_are_rate_limited_per_number(client: Any) -> None:
    sign_up(client)
    resent = client.post(
        reverse("account_verify_phone"), {"action": "resend"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert resent.status_code == 302
    assert len(sms.outbox) == 1  # one code per 30 seconds to a number
    page = client.get(reverse("account_verify_phone"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "vous envoyez trop de requêtes" in page.text


def test_a_number_already_in_an_account_makes_no_second_account(client: Any) -> None:
    owner = phone_user()
    response = sign_up(client, display_name="Quelqu'un")
    assert response.status_code == 302
    assert list(User.objects.filter(phone=NUMBER)) == [owner]
    (message,) = sms.outbox
    assert "a déjà un compte" in message.body
    assert not CODE.search(message.body)


def test_a_half_finished_sign_up_does_not_keep_the_number(client: Any) -> None:
    sign_up(client)  # never typed the code
    cache.clear()  # (a new code to the same number within 30 seconds is refused)
    other = client.__class__()
    sign_up(other, display_name="Samir B.")
    other.post(reverse("account_verify_phone"), {"code": last_code()})
    verified = User.objects.get(phone=NUMBER, phone_verified=True)
    assert verified.display_name == "Samir B."
    assert User.objects.filter(phone=NUMBER).count() == 1  # the first one lost it


def test_add_a_phone_number_to_an_email_account(client: Any, world: Any) -> None:
    client.force_login(world.member)
    page = client.get(reverse("backpack:identities"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Ajouter mon numéro de téléphone" in page.text
    response = client.post(reverse("account_change_phone"), {"phone": "06 12 34 56 78"})
    assert response.status_code == 302
    done = client.post(reverse("account_verify_phone"), {"code": last_code()})
    assert done.status_code == 302
    member = User.objects.get(pk=world.member.pk)
    assert (member.phone, member.phone_verified) == (NUMBER, True)
    assert member.email == "bob@example.org"


def test_change_the_number_after_verifying_the_new_one(client: Any, world: Any) -> None:
    services.phone_verify(user=world.member, phone=NUMBER)
    client.force_login(world.member)
    client.post(reverse("account_change_phone"), {"phone": "06 98 76 54 32"})
    assert User.objects.get(pk=world.member.pk).phone == NUMBER  # until the code comes back
    client.post(reverse("account_verify_phone"), {"code": last_code("+33698765432")})
    assert User.objects.get(pk=world.member.pk).phone == "+33698765432"


def test_a_phone_only_account_keeps_its_number(client: Any) -> None:
    user = phone_user()
    client.force_login(user)
    page = client.get(reverse("backpack:identities"))  # in French, the account's language
    assert "Retirer mon numéro" not in page.text
    assert "ajoutez et confirmez d'abord une adresse e-mail" in page.text
    client.post(reverse("accounts:phone_remove"))
    assert User.objects.get(pk=user.pk).phone == NUMBER


def test_add_an_email_address_to_a_phone_account(client: Any, smtp_server: Any) -> None:
    user = phone_user()
    client.force_login(user)
    page = client.get(reverse("account_email"), HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200
    assert "Courriel" not in page.text
    added = client.post(reverse("account_email"), {"action_add": "", "email": "samir@example.org"})
    assert added.status_code == 302
    (mail,) = smtp_server.wait_for(1)
    body = message_text(mail)
    link = next(url for url in re.findall(r"https?://\S+", body) if "/confirm-email/" in url)
    client.post(link.split("testserver", 1)[1])
    assert EmailAddress.objects.get(user=user, email="samir@example.org").verified
    user.refresh_from_db()
    assert user.email == "samir@example.org"
    # Now the number may go: the address is a way in.
    client.post(reverse("accounts:phone_remove"))
    assert User.objects.get(pk=user.pk).phone == ""


def test_without_sms_the_pages_say_so_and_offer_the_other_ways(client: Any, settings: Any) -> None:
    settings.SMS_BACKEND = ""
    page = client.get(
        reverse("account_signup") + "?next=/claim/ABCD-EFGH-J", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "ne permet pas" in page.text or "pas disponible" in page.text
    assert 'name="email"' in page.text
    assert 'name="phone"' not in page.text
    assert 'href="/claim/ABCD-EFGH-J"' in page.text  # keep the badge without an account
    login = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Avec un code par SMS" not in login.text
    code = client.get(reverse("account_request_login_code"), HTTP_ACCEPT_LANGUAGE="fr")
    assert 'name="phone"' not in code.text
    assert 'href="/claim/"' in code.text
    # A phone sign-up sent anyway creates nothing.
    response = sign_up(client)
    assert response.status_code == 200
    assert not User.objects.exists()


def test_signing_up_by_email_still_asks_to_confirm_the_address(
    client: Any, smtp_server: Any
) -> None:
    page = client.get(reverse("account_signup") + "?method=email", HTTP_ACCEPT_LANGUAGE="fr")
    assert 'name="email"' in page.text
    assert 'name="phone"' not in page.text
    response = client.post(
        reverse("account_signup"),
        {
            "method": "email",
            "email": "lea@example.org",
            "password1": "un mot de passe assez long",
            "password2": "un mot de passe assez long",
            "birth_year": "2001",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get("/backpack/").status_code == 302  # not in before the address is confirmed
    assert User.objects.get(email="lea@example.org").phone == ""


def test_phone_account_in_the_export_and_the_api_profile(world: Any) -> None:
    from blason.api.selectors import profile_of
    from blason.backpack.export import _profile

    user = phone_user()
    assert _profile(user)["phone"] == {"number": NUMBER, "verified": True}
    assert _profile(user)["email"] is None
    assert profile_of(user)["phone"] == NUMBER
    assert "email" not in profile_of(user)


def test_the_user_model_takes_a_phone_or_an_email() -> None:
    with pytest.raises(ValueError, match="e-mail address or a phone number"):
        User.objects.create_user()
    first = User.objects.create_user(phone="+33700000001")
    second = User.objects.create_user(phone="+33700000002")
    assert first.email is None
    assert second.email is None
    assert UserFactory(email="x@example.org").check_password(PASSWORD)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_text_message_is_one_sms(
    language: str, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.utils import translation

    from blason.accounts.adapters import AccountAdapter

    settings.SITE_URL = "https://badges.mission-locale.example.org"
    adapter = AccountAdapter()
    user = User(phone=NUMBER, language=language)
    with translation.override(language), django_capture_on_commit_callbacks(execute=True):
        adapter.send_verification_code_sms(user=user, phone=NUMBER, code="123456")
        adapter.send_unknown_account_sms(NUMBER)
        adapter.send_account_already_exists_sms(NUMBER)
    bodies = [message.body for message in sms.outbox]
    assert len(bodies) == 3
    for body in bodies:
        assert sms.is_gsm7(body), body
        assert sms.segments(body) == 1, body


ALLAUTH_DEFAULTS = (
    "Courriel",
    "c'est 127.0.0.1",
    "sûr(e)",
    "Vous devriez ajouter une adresse e-mail",
    "merci de vous enregistrer",
    "Envoyez-moi un code de connexion",
    "Current phone",
    "Change to",
)


def test_account_pages_read_naturally_in_french(client: Any, world: Any) -> None:
    pages = [
        reverse("account_signup"),
        reverse("account_signup") + "?method=email",
        reverse("account_login"),
        reverse("account_request_login_code"),
        reverse("account_reset_password"),
    ]
    for path in pages:
        text = client.get(path, HTTP_ACCEPT_LANGUAGE="fr").text
        assert not [words for words in ALLAUTH_DEFAULTS if words in text], path
    user = phone_user()
    client.force_login(user)
    for path in (
        reverse("account_email"),
        reverse("account_change_phone"),
        reverse("account_logout"),
        reverse("backpack:identities"),
        reverse("accounts:settings"),
    ):
        text = client.get(path).text  # the account's language: French
        assert not [words for words in ALLAUTH_DEFAULTS if words in text], path
    assert "pas obligatoire" in client.get(reverse("account_email")).text
