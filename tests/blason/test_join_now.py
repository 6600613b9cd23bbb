"""Joining a group from its link (the QR code shown in the room) with a name and a phone number
or an e-mail address (issue 13, point 8): a member at once and signed in, the number or address
confirmed later through allauth; an address or number already someone's never signs anyone in;
nothing by identity before verification; children held as at sign-up; rate limits, CSRF, bad
input, one transaction."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blason.accounts.models import User
from blason.backpack.models import Item
from blason.core import sms
from blason.core.models import AuditEntry, Membership, Role
from blason.guardians.models import Guardianship
from blason.issuing.awarding import services as awards
from blason.peers import services
from blason.peers.models import JoinLink, Workshop
from tests.blason.peers_fixtures import Community, community_fixture, open_workshop  # noqa: F401
from tests.factories import UserFactory

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

    return Committing(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def workshop(community: Community) -> Workshop:
    workshop = open_workshop(community)
    services.join_link_create(issuer=community.issuer, actor=community.facilitator)
    return workshop


@pytest.fixture
def url(workshop: Workshop) -> str:
    return reverse("peers:join", args=[JoinLink.objects.get(revoked_at__isnull=True).token])


def join(client: Any, url: str, **data: str) -> Any:
    return client.post(
        url,
        {"display_name": "Samir Benali", "contact": "06 12 34 56 78", "birth_year": "1990", **data},
    )


def counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        EmailAddress.objects.count(),
        Guardianship.objects.count(),
    )


def test_join_with_a_phone_number_member_at_once_confirm_later(
    client: Any, community: Community, workshop: Workshop, url: str
) -> None:
    page = client.get(url)
    assert page.status_code == 200
    assert "Join now" in page.text
    assert 'name="contact"' in page.text
    response = join(client, url)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "peers:workshop", args=[community.issuer.slug, workshop.uuid]
    )
    user = User.objects.get(phone=NUMBER)
    assert (user.display_name, user.phone_verified, user.email) == ("Samir Benali", False, None)
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user, issuer=community.issuer).role == Role.VIEWER
    assert AuditEntry.objects.filter(action="peers.member.joined", actor=user).exists()
    assert AuditEntry.objects.filter(action="accounts.user.signed_up", actor=user).exists()
    # Signed in at once; the group and their home remind them to confirm the number.
    room = client.get(response["Location"])
    assert room.status_code == 200
    assert "Confirm your number." in room.text
    assert "Confirm your number." in client.get(reverse("core:dashboard")).text
    # The code allauth sent by SMS, typed later on allauth's page.
    assert [m.to for m in sms.outbox] == [NUMBER]
    code = CODE.search(sms.outbox[-1].body)
    assert code
    verify = client.post(reverse("account_verify_phone"), {"code": code.group(1)})
    assert verify.status_code == 302
    user.refresh_from_db()
    assert user.phone_verified
    assert "Confirm your number." not in client.get(reverse("core:dashboard")).text


def test_join_with_an_e_mail_address_confirm_with_allauth_s_link(
    client: Any, community: Community, url: str
) -> None:
    response = join(client, url, contact="Samir@Example.org")
    assert response.status_code == 302
    user = User.objects.get(email="samir@example.org")
    assert Membership.objects.filter(user=user, issuer=community.issuer).exists()
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("samir@example.org", False, True)
    assert "Confirm your address." in client.get(reverse("core:dashboard")).text
    assert [m.to for m in mail.outbox] == [["samir@example.org"]]
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    path = link.group(0).split("testserver", 1)[-1]
    assert client.post(path).status_code == 302
    address.refresh_from_db()
    assert address.verified
    assert "Confirm your address." not in client.get(reverse("core:dashboard")).text


@pytest.mark.parametrize("contact", ["06 12 34 56 78", "taken@example.org"])
def test_an_address_or_number_already_an_account_s_signs_nobody_in(
    client: Any, url: str, contact: str
) -> None:
    owner = UserFactory(email="taken@example.org")
    owner.phone, owner.phone_verified = NUMBER, True
    owner.save()
    before = counts()
    response = join(client, url, contact=contact)
    assert response.status_code == 400
    assert "sign in below to join the group" in response.text
    assert "_auth_user_id" not in client.session
    assert counts() == before
    assert not sms.outbox
    assert not mail.outbox


def test_french_messages_on_bad_input(client: Any, url: str) -> None:
    before = counts()
    response = client.post(
        url,
        {"display_name": "", "contact": "pas un numéro", "birth_year": "3000"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    assert "Donnez votre nom." in response.text
    assert "numéro de portable" in response.text
    assert counts() == before


def test_an_unverified_account_gets_no_badge_by_identity(
    client: Any, url: str, world: Any, published: Any
) -> None:
    sent = awards.award_issue(
        badge=published, actor=world.admin, notify=False, phone=NUMBER, name="Samir Benali"
    )
    join(client, url)
    user = User.objects.get(phone=NUMBER)
    assert client.get(reverse("backpack:list")).status_code == 200
    assert not Item.objects.filter(owner=user).exists()
    assert sent.pk not in set(Item.objects.values_list("award_id", flat=True))


@pytest.mark.parametrize(
    ("contact", "first_page"),
    [("lea@example.org", "account_email_verification_sent"), (NUMBER, "account_verify_phone")],
)
def test_under_the_age_of_consent_the_account_is_held_and_joins_nothing(
    client: Any, community: Community, url: str, contact: str, first_page: str
) -> None:
    year = str(timezone.localdate().year - 12)
    response = join(client, url, contact=contact, birth_year=year)
    user = User.objects.get(display_name="Samir Benali")
    assert not user.is_active
    assert Guardianship.objects.filter(child=user).exists()
    assert not Membership.objects.filter(user=user).exists()
    assert "_auth_user_id" not in client.session
    # allauth's sign-up flow goes on: the address is checked first, then the waiting page.
    assert response.status_code == 302
    assert response["Location"] == reverse(first_page)


def test_one_transaction_nothing_written_when_joining_fails(
    client: Any, url: str, monkeypatch: Any
) -> None:
    def refuse(**kwargs: Any) -> Any:
        from blason.core.exceptions import ActionRefused

        raise ActionRefused("This link no longer works. Ask the group for the new one.")

    monkeypatch.setattr(services, "join_by_link", refuse)
    before = counts()
    response = join(client, url)
    assert response.status_code == 410
    assert counts() == before
    assert not sms.outbox


def test_closed_sign_up_and_revoked_link(
    client: Any, community: Community, url: str, settings: Any
) -> None:
    settings.SIGNUP_OPEN = False
    assert 'name="contact"' not in client.get(url).text
    response = join(client, url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    settings.SIGNUP_OPEN = True
    link = JoinLink.objects.get(revoked_at__isnull=True)
    services.join_link_revoke(link=link, actor=community.facilitator)
    before = counts()
    assert join(client, url).status_code == 410
    assert counts() == before


def test_rate_limited_by_allauth_s_signup_limit(client: Any, url: str, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/m/ip"}
    assert join(client, url, contact="a@example.org").status_code == 302
    client.logout()
    before = counts()
    assert join(client, url, contact="b@example.org").status_code == 429
    assert counts() == before


def test_csrf_is_required(url: str) -> None:
    strict = Client(enforce_csrf_checks=True)
    before = counts()
    response = strict.post(
        url, {"display_name": "X", "contact": "x@example.org", "birth_year": "1990"}
    )
    assert response.status_code == 403
    assert counts() == before


def test_an_outsider_link_is_404_and_a_signed_in_person_joins_as_before(
    client: Any, community: Community, url: str
) -> None:
    assert client.get(reverse("peers:join", args=["nope"])).status_code == 404
    assert join(client, reverse("peers:join", args=["nope"])).status_code == 404
    someone = UserFactory()
    client.force_login(someone)
    assert 'name="contact"' not in client.get(url).text
    before = User.objects.count()
    assert join(client, url, contact="other@example.org").status_code == 302
    assert User.objects.count() == before
    assert Membership.objects.filter(user=someone, issuer=community.issuer).exists()


def test_the_same_address_joining_twice_at_once_is_a_clear_400(
    client: Any, url: str, monkeypatch: Any
) -> None:
    """Two people send the same address at the same instant: both forms pass their checks,
    one account is written first, and the other request gets the form's own refusal (400),
    never a 500 nor a half-made account."""
    from allauth.account.internal.flows import manage_email

    UserFactory(email="twice@example.org")
    checks = {"done": 0}
    real = manage_email.email_already_exists

    def late(*args: Any, **kwargs: Any) -> Any:
        checks["done"] += 1
        if checks["done"] == 1:  # the first check ran before the other account was written
            return None
        return real(*args, **kwargs)

    monkeypatch.setattr(manage_email, "email_already_exists", late)
    before = counts()
    response = join(client, url, contact="twice@example.org")
    assert response.status_code == 400
    assert "sign in below to join the group" in response.text
    assert counts() == before
    assert checks["done"] == 2
