"""Children's accounts (issue 13, point 7): under the age of digital consent an account waits
for a parent's agreement, given or refused through a link; a parent sees and deletes the
account without one of their own; held accounts never confirmed are purged."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from blason.accounts.models import User
from blason.backpack import claims
from blason.core.models import AuditEntry, OutboxMessage
from blason.guardians import age, services, tasks
from blason.guardians.models import Guardianship, GuardianshipState
from blason.issuing.awarding import services as awards
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+")
CSRF = re.compile(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+')
THIS_YEAR = timezone.localdate().year
CHILD_YEAR = THIS_YEAR - 12
ADULT_YEAR = THIS_YEAR - 30
PARENT = "parent@example.org"


def sign_up(client: Any, *, email: str, year: int, language: str = "en") -> Any:
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "Léa",
            "birth_year": str(year),
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )


def sign_up_child(
    client: Any, capture: Any, *, email: str = "lea@example.org", language: str = "en"
) -> Any:
    """Sign up born 12 years ago, confirm the address as anyone does: the waiting page."""
    with capture(execute=True):
        response = sign_up(client, email=email, year=CHILD_YEAR, language=language)
    assert response["Location"] == reverse("account_email_verification_sent")
    (message,) = [m for m in mail.outbox if m.to == [email]]
    confirm = next(url for url in LINK.findall(message.body) if "/confirm-email/" in url)
    response = client.post(path_of(confirm))
    assert response["Location"] == reverse("guardians:held")
    mail.outbox.clear()
    return response


def path_of(url: str) -> str:
    return url.split("testserver", 1)[1]


def links_in(message: Any) -> list[str]:
    return [path_of(url) for url in LINK.findall(message.body) if "/guardian/" in url]


@pytest.fixture
def held_child(client: Any, django_capture_on_commit_callbacks: Any) -> Guardianship:
    """A child signed up (held) and gave a parent's address: the consent e-mail went out."""
    sign_up_child(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("guardians:held"), {"contact": PARENT})
    assert response.status_code == 302
    return Guardianship.objects.select_related("child").get(child__email="lea@example.org")


def consent_path(guardianship: Guardianship) -> str:
    (message,) = [m for m in mail.outbox if m.to == [PARENT]]
    (path,) = links_in(message)
    return path


def confirm(client: Any, guardianship: Guardianship, capture: Any) -> None:
    with capture(execute=True):
        response = client.post(consent_path(guardianship), {"decision": "agree"})
    assert response.status_code == 302
    assert response["Location"] == reverse("guardians:children")


# --- The age rule -----------------------------------------------------------------------------


def test_year_of_birth_alone_is_read_cautiously(settings: Any) -> None:
    settings.DIGITAL_CONSENT_AGE = 15
    today = date(2025, 6, 1)
    assert age.needs_guardian(2012, today=today)  # 13 at most
    # Turns 15 some day of 2025: may still be 14, so a parent is asked until the year ends.
    assert age.needs_guardian(2010, today=today)
    assert age.consent_until(2010) == date(2025, 12, 31)
    assert not age.needs_guardian(2010, today=date(2026, 1, 1))
    assert not age.needs_guardian(2009, today=today)
    settings.DIGITAL_CONSENT_AGE = 13
    assert not age.needs_guardian(2011, today=today)


# --- Sign-up ----------------------------------------------------------------------------------


def test_under_15_sign_up_is_held_and_the_parent_gets_a_link(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, email="lea@example.org", year=CHILD_YEAR)
    # First, as for anyone, the address is checked (an account for someone else's address
    # never reaches a parent).
    assert response["Location"] == reverse("account_email_verification_sent")
    child = User.objects.get(email="lea@example.org")
    assert not child.is_active
    (check,) = mail.outbox
    assert check.to == ["lea@example.org"]
    confirm = next(url for url in LINK.findall(check.body) if "/confirm-email/" in url)
    response = client.post(path_of(confirm))
    assert response["Location"] == reverse("guardians:held")
    assert EmailAddress.objects.get(user=child).verified
    child.refresh_from_db()
    assert not child.is_active
    assert "_auth_user_id" not in client.session  # the account waits; nobody is signed in
    mail.outbox.clear()
    guardianship = Guardianship.objects.get(child=child)
    assert guardianship.state == GuardianshipState.HELD
    # Kept: the last day the child may be under 15; not the year of birth itself.
    assert guardianship.consent_until == date(CHILD_YEAR + 15, 12, 31)
    assert not hasattr(child, "birth_year")

    page = client.get(reverse("guardians:held"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "waiting for a parent's agreement" in page.text
    assert "download its image and its certificate" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("guardians:held"), {"contact": " Parent@Example.org "})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [PARENT]
    assert "Léa asks for your agreement" in message.subject
    assert "lea@example.org" in message.body
    (path,) = links_in(message)
    assert path.startswith("/guardian/consent/")
    assert AuditEntry.objects.filter(action="guardians.consent.requested").exists()
    page = client.get(reverse("guardians:held"), HTTP_ACCEPT_LANGUAGE="en")
    assert "We sent a link to parent@example.org" in page.text


def test_15_or_older_signs_up_as_usual(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, email="sam@example.org", year=THIS_YEAR - 16)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="sam@example.org")
    assert user.is_active
    assert not Guardianship.objects.exists()
    (message,) = mail.outbox
    assert message.to == ["sam@example.org"]  # the usual verification e-mail


@pytest.mark.parametrize(
    ("year", "error"),
    [
        ("", "Give your year of birth."),
        ("12", "four digits"),
        (str(THIS_YEAR + 1), "has not come yet"),
    ],
)
def test_sign_up_needs_a_real_year(client: Any, year: str, error: str) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "x@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "birth_year": year,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert error in response.text
    assert not User.objects.exists()


def test_sign_up_form_says_why_it_asks_the_year(client: Any) -> None:
    page = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Année de naissance" in page.text
    assert "accord d'un parent" in page.text
    assert 'autocomplete="bday-year"' in page.text


def test_held_page_refuses_the_childs_own_address_and_a_phone_without_sms(
    client: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    sign_up_child(client, django_capture_on_commit_callbacks)
    settings.SMS_BACKEND = ""  # SMS off
    own = client.post(
        reverse("guardians:held"), {"contact": "LEA@example.org"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert own.status_code == 400
    assert "not your own" in own.text
    phone = client.post(
        reverse("guardians:held"), {"contact": "06 12 34 56 78"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert phone.status_code == 400
    assert "cannot send text messages" in phone.text
    bad = client.post(reverse("guardians:held"), {"contact": "parent@"})
    assert bad.status_code == 400
    assert mail.outbox == []


def test_held_page_sends_again_within_limits(
    client: Any, held_child: Guardianship, django_capture_on_commit_callbacks: Any
) -> None:
    statuses = []
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            statuses.append(client.post(reverse("guardians:held"), {"contact": PARENT}).status_code)
    assert statuses == [302, 302, 429]  # 3 an hour per account, the first one included


def test_a_new_parent_address_replaces_the_old_link(
    client: Any, held_child: Guardianship, django_capture_on_commit_callbacks: Any
) -> None:
    old = consent_path(held_child)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("guardians:held"), {"contact": "other@example.org"})
    assert client.get(old).status_code == 410
    (message,) = [m for m in mail.outbox if m.to == ["other@example.org"]]
    assert client.get(links_in(message)[0]).status_code == 200


def test_a_child_with_a_phone_and_a_parent_reached_by_sms(
    client: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    """The phone way: the child proves the number with the SMS code, is held, gives a parent's
    mobile number; the parent agrees from the SMS; the child then signs in with a code."""
    from blason.core import sms

    settings.SMS_QUIET_HOURS = None  # any hour (the quiet hours have their own test)
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "method": "phone",
                "phone": "06 12 34 56 78",
                "display_name": "Léa",
                "birth_year": str(CHILD_YEAR),
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    (code_sms,) = sms.outbox
    assert code_sms.to == "+33612345678"
    with capture(execute=True):
        response = client.post(response["Location"], {"code": code_sms.body.split()[0]})
    assert response["Location"] == reverse("guardians:held")
    child = User.objects.get(phone="+33612345678")
    assert child.phone_verified
    assert not child.is_active
    assert "_auth_user_id" not in client.session

    page = client.get(reverse("guardians:held"), HTTP_ACCEPT_LANGUAGE="en")
    assert "E-mail address or mobile number of a parent or guardian" in page.text
    # Another day, another browser: a code by SMS brings the child back to this page.
    back = client.__class__()
    with capture(execute=True):
        response = back.post(reverse("account_request_login_code"), {"phone": "06 12 34 56 78"})
    (code_sms,) = [m for m in sms.outbox if m is not code_sms]
    response = back.post(response["Location"], {"code": code_sms.body.split()[0]})
    assert response["Location"] == reverse("guardians:held")
    assert "_auth_user_id" not in back.session
    own = client.post(reverse("guardians:held"), {"contact": "+33 6 12 34 56 78"})
    assert own.status_code == 400  # the child's own number
    sms.outbox.clear()
    with capture(execute=True):
        response = client.post(reverse("guardians:held"), {"contact": "07 98 76 54 32"})
    assert response.status_code == 302
    (consent_sms,) = sms.outbox
    assert consent_sms.to == "+33798765432"
    assert "Léa (+33612345678)" in consent_sms.body
    (url,) = LINK.findall(consent_sms.body)
    sms.outbox.clear()

    parent = client.__class__()
    assert parent.get(path_of(url)).status_code == 200
    with capture(execute=True):
        assert parent.post(path_of(url), {"decision": "agree"}).status_code == 302
    (confirmed_sms,) = sms.outbox
    assert "/guardian/" in confirmed_sms.body
    child.refresh_from_db()
    assert child.is_active
    sms.outbox.clear()

    # The child signs in with a code by SMS, as anyone with a phone account does.
    signing = client.__class__()
    with capture(execute=True):
        response = signing.post(reverse("account_request_login_code"), {"phone": "06 12 34 56 78"})
    (login_sms,) = sms.outbox
    with capture(execute=True):
        response = signing.post(response["Location"], {"code": login_sms.body.split()[0]})
    assert signing.session["_auth_user_id"] == str(child.pk)
    sms.outbox.clear()

    # The parent asks for an access link with their number: it comes by SMS.
    with capture(execute=True):
        parent.post(reverse("guardians:start"), {"contact": "07 98 76 54 32"})
    (access_sms,) = sms.outbox
    (url,) = LINK.findall(access_sms.body)
    assert "/guardian/open/" in url
    assert parent.post(path_of(url)).status_code == 302
    assert "+33612345678" in parent.get(reverse("guardians:children")).text


def test_no_sms_to_a_parent_at_night(
    client: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from blason.core import sms

    settings.SMS_QUIET_HOURS = ("21:00", "08:00")
    sign_up_child(client, django_capture_on_commit_callbacks)
    night = timezone.make_aware(datetime(THIS_YEAR, 3, 10, 22, 30))
    with freeze_time(night), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("guardians:held"), {"contact": "07 98 76 54 32"})
        page = client.get(reverse("guardians:held"), HTTP_ACCEPT_LANGUAGE="en")
    assert sms.outbox == []
    assert "No text messages are sent at night: this one leaves at 8" in page.text
    row = OutboxMessage.objects.get(to="+33798765432")
    assert timezone.localtime(row.next_attempt_at).hour == 8


# --- A held account can do nothing ------------------------------------------------------------


def test_held_account_cannot_sign_in_nor_act(client: Any, held_child: Guardianship) -> None:
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "lea@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("guardians:held")
    assert "_auth_user_id" not in client.session
    # A sign-in link is not even sent.
    client.post(reverse("accounts:login_link"), {"email": "lea@example.org"})
    assert [m for m in mail.outbox if m.to == ["lea@example.org"]] == []
    # A session opened some other way is not a signed-in session.
    client.force_login(held_child.child)
    for name in ("backpack:profile_settings", "backpack:list", "core:space_create"):
        answer = client.get(reverse(name))
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("account_login"))
    answer = client.post(
        reverse("backpack:profile_settings"), {"enabled": "on", "name": "Léa", "slug": "lea"}
    )
    assert answer.status_code == 302
    from blason.backpack.models import PublicProfile

    assert not PublicProfile.objects.exists()


def test_held_page_without_a_held_account_sends_to_sign_in(client: Any, world: Any) -> None:
    response = client.get(reverse("guardians:held"))
    assert response["Location"] == f"{reverse('account_login')}?next=/guardian/waiting/"
    client.force_login(world.member)  # somebody else, signed in: nothing to show either
    assert client.get(reverse("guardians:held"))["Location"] == reverse("core:home")


# --- The parent's answer ----------------------------------------------------------------------


def test_consent_page_says_what_the_parent_agrees_to(client: Any, held_child: Guardianship) -> None:
    parent = client.__class__()
    page = parent.get(consent_path(held_child), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    for text in ("What you agree to", "lea@example.org", "Léa", "article 45", "I refuse"):
        assert text in page.text
    assert Guardianship.objects.get().is_held  # looking changes nothing


def test_parent_agrees_and_the_account_opens(
    client: Any, held_child: Guardianship, django_capture_on_commit_callbacks: Any
) -> None:
    parent = client.__class__()
    confirm(parent, held_child, django_capture_on_commit_callbacks)
    held_child.refresh_from_db()
    held_child.child.refresh_from_db()
    assert held_child.state == GuardianshipState.CONFIRMED
    assert held_child.child.is_active
    assert held_child.held_until is None
    assert AuditEntry.objects.filter(action="guardians.consent.given").exists()
    told = [m for m in mail.outbox if m.to == [PARENT] and "is open" in m.subject]
    assert told
    assert reverse("guardians:start") in told[0].body
    # The parent lands on the child's account.
    assert "lea@example.org" in parent.get(reverse("guardians:children")).text
    # The child now signs in as anyone does.
    child = client.__class__()
    response = child.post(
        reverse("account_login"), {"login": "lea@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert child.session["_auth_user_id"] == str(held_child.child.pk)


def test_parent_refuses_and_the_account_is_deleted(
    client: Any, held_child: Guardianship, django_capture_on_commit_callbacks: Any
) -> None:
    parent = client.__class__()
    path = consent_path(held_child)
    child_pk, child_uuid = held_child.child.pk, str(held_child.child.uuid)
    response = parent.post(path, {"decision": "refuse"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "The account is deleted" in response.text
    assert not User.objects.filter(pk=child_pk).exists()
    assert not EmailAddress.objects.filter(email="lea@example.org").exists()
    assert not Guardianship.objects.exists()
    # The messages naming the child went too, and the log keeps no name nor address.
    assert not OutboxMessage.objects.filter(to=PARENT).exists()
    for entry in AuditEntry.objects.all():
        assert "lea" not in f"{entry.actor_label} {entry.data}".lower(), entry.action
    assert AuditEntry.objects.filter(
        action="guardians.consent.refused", data__account=child_uuid
    ).exists()
    assert parent.get(path).status_code == 410
    # The address is free again.
    sign_up(client.__class__(), email="lea@example.org", year=CHILD_YEAR)
    assert User.objects.filter(email="lea@example.org", is_active=False).exists()


# --- The parent's area ------------------------------------------------------------------------


@pytest.fixture
def child_with_badge(
    client: Any,
    held_child: Guardianship,
    published: Any,
    world: Any,
    django_capture_on_commit_callbacks: Any,
) -> Guardianship:
    confirm(client.__class__(), held_child, django_capture_on_commit_callbacks)
    award = awards.award_issue(badge=published, actor=world.admin, name="Léa", notify=False)
    claims.claim_award(user=held_child.child, code=award.claim_code or "")
    mail.outbox.clear()
    held_child.refresh_from_db()
    return held_child


def ask_access_link(parent: Any, capture: Any, contact: str = PARENT) -> str:
    with capture(execute=True):
        response = parent.post(reverse("guardians:start"), {"contact": contact})
    assert response.status_code == 200
    (path,) = [path for m in mail.outbox for path in links_in(m) if "/guardian/open/" in path]
    mail.outbox.clear()
    return path


def test_parent_sees_and_deletes_the_childs_account(
    client: Any, child_with_badge: Guardianship, django_capture_on_commit_callbacks: Any
) -> None:
    parent = client.__class__()
    path = ask_access_link(parent, django_capture_on_commit_callbacks)
    assert path.startswith("/guardian/open/")
    assert parent.get(path).status_code == 200  # a button first: a mail scanner opens nothing
    assert parent.get(reverse("guardians:children")).status_code == 302
    response = parent.post(path)
    assert response["Location"] == reverse("guardians:children")
    page = parent.get(reverse("guardians:children"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Accueil du public" in page.text  # the child's badge
    assert "Organisation A" in page.text
    assert parent.post(path).status_code == 410  # the link worked once

    delete_url = reverse("guardians:child_delete", args=[child_with_badge.uuid])
    assert parent.get(delete_url).status_code == 200
    assert parent.post(delete_url, {}).status_code == 400  # the box must be ticked
    child_pk = child_with_badge.child.pk
    response = parent.post(delete_url, {"confirm": "on"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "The account is deleted" in response.text
    assert not User.objects.filter(pk=child_pk).exists()
    assert AuditEntry.objects.filter(action="guardians.child.deleted").exists()
    assert parent.get(delete_url).status_code == 404


def test_access_link_request_looks_the_same_for_unknown_addresses(
    client: Any, child_with_badge: Guardianship, django_capture_on_commit_callbacks: Any
) -> None:
    parent = client.__class__()
    with django_capture_on_commit_callbacks(execute=True):
        known = parent.post(reverse("guardians:start"), {"contact": PARENT})
        unknown = parent.post(reverse("guardians:start"), {"contact": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200

    def shown(response: Any, address: str) -> str:
        return CSRF.sub("", response.text.replace(address, "X"))

    assert shown(known, PARENT) == shown(unknown, "nobody@example.org")
    assert [m.to for m in mail.outbox] == [[PARENT]]


def test_a_held_account_is_not_opened_by_an_access_link(
    client: Any, held_child: Guardianship, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("guardians:start"), {"contact": PARENT})
    assert mail.outbox == []  # nothing agreed to yet: nothing to see


def test_children_page_runs_a_fixed_number_of_queries(
    client: Any,
    child_with_badge: Guardianship,
    published: Any,
    world: Any,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for number in range(5):
        award = awards.award_issue(
            badge=published, actor=world.admin, name=f"Léa {number}", notify=False
        )
        claims.claim_award(user=child_with_badge.child, code=award.claim_code or "")
    parent = client.__class__()
    parent.post(ask_access_link(parent, django_capture_on_commit_callbacks))
    with django_assert_max_num_queries(10):
        page = parent.get(reverse("guardians:children"))
    assert page.text.count("Accueil du public") == 6


# --- Links that cannot be used ----------------------------------------------------------------


def test_forged_links_are_refused(client: Any, held_child: Guardianship) -> None:
    token = consent_path(held_child).split("/")[-2]
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for url in (
        reverse("guardians:consent", args=[forged]),
        reverse("guardians:consent", args=["nonsense"]),
        reverse("guardians:open", args=[forged]),
        # A consent link is no access link: each kind is signed for its own use.
        reverse("guardians:open", args=[token]),
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, url
        assert "This link is not valid" in response.text
        assert client.post(url, {"decision": "agree"}).status_code == 400
    held_child.refresh_from_db()
    assert held_child.is_held


def test_expired_consent_link_is_refused(client: Any, held_child: Guardianship) -> None:
    path = consent_path(held_child)
    with freeze_time(timezone.now() + timedelta(days=15)):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 410
        assert "This link has expired" in response.text
        assert client.post(path, {"decision": "agree"}).status_code == 410
    held_child.child.refresh_from_db()
    assert not held_child.child.is_active


def test_reused_consent_link_is_refused(
    client: Any, held_child: Guardianship, django_capture_on_commit_callbacks: Any
) -> None:
    path = consent_path(held_child)
    confirm(client, held_child, django_capture_on_commit_callbacks)
    response = client.post(path, {"decision": "refuse"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "already been used" in response.text
    assert User.objects.filter(pk=held_child.child.pk, is_active=True).exists()


def test_expired_and_reused_access_links_are_refused(
    client: Any, child_with_badge: Guardianship, django_capture_on_commit_callbacks: Any
) -> None:
    parent = client.__class__()
    path = ask_access_link(parent, django_capture_on_commit_callbacks)
    with freeze_time(timezone.now() + timedelta(hours=1)):
        response = parent.post(path, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 410
        assert "This link has expired" in response.text
    assert parent.post(path).status_code == 302
    response = parent.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "already been used" in response.text


def test_parent_access_ends_after_an_hour(
    client: Any, child_with_badge: Guardianship, django_capture_on_commit_callbacks: Any
) -> None:
    parent = client.__class__()
    parent.post(ask_access_link(parent, django_capture_on_commit_callbacks))
    delete_url = reverse("guardians:child_delete", args=[child_with_badge.uuid])
    assert parent.get(delete_url).status_code == 200
    with freeze_time(timezone.now() + timedelta(minutes=61)):
        assert parent.get(reverse("guardians:children"))["Location"] == reverse("guardians:start")
        assert parent.get(delete_url).status_code == 404


# --- Outsiders --------------------------------------------------------------------------------


def test_outsiders_reach_no_childs_account(
    client: Any,
    world: Any,
    child_with_badge: Guardianship,
    django_capture_on_commit_callbacks: Any,
) -> None:
    delete_url = reverse("guardians:child_delete", args=[child_with_badge.uuid])
    # Anonymous, signed-in strangers, the child themself: no access without the parent's link.
    for who in (None, world.outsider, child_with_badge.child):
        other = client.__class__()
        if who is not None:
            other.force_login(who)
        assert other.get(reverse("guardians:children"))["Location"] == reverse("guardians:start")
        assert other.get(delete_url).status_code == 404
        assert other.post(delete_url, {"confirm": "on"}).status_code == 404
        assert other.get(reverse("guardians:start")).status_code == 200
    # Another parent, with a link to their own child, cannot reach this one.
    other_child = UserFactory(email="tom@example.org")
    other_guardianship = services.account_hold(user=other_child, birth_year=CHILD_YEAR)
    assert other_guardianship is not None
    services.consent_request(
        guardianship=other_guardianship, channel="email", contact="other@example.org"
    )
    services.consent_give(guardianship=other_guardianship)
    mail.outbox.clear()
    other_parent = client.__class__()
    other_parent.post(
        ask_access_link(other_parent, django_capture_on_commit_callbacks, "other@example.org")
    )
    page = other_parent.get(reverse("guardians:children"))
    assert "tom@example.org" in page.text
    assert "lea@example.org" not in page.text
    assert other_parent.post(delete_url, {"confirm": "on"}).status_code == 404
    assert User.objects.filter(pk=child_with_badge.child.pk).exists()


def test_the_claim_code_key_is_the_backpacks() -> None:
    from blason.backpack.views import PENDING_CODE
    from blason.guardians.views import CLAIM_CODE_SESSION_KEY

    assert CLAIM_CODE_SESSION_KEY == PENDING_CODE


def test_held_page_leads_back_to_the_badge_being_claimed(
    client: Any, published: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, name="Léa", notify=False)
    claim_url = reverse("backpack:claim", args=[award.claim_code])
    assert client.get(claim_url).status_code == 200
    sign_up_child(client, django_capture_on_commit_callbacks)
    page = client.get(reverse("guardians:held"))
    assert f'href="{claim_url}"' in page.text


# --- The purge --------------------------------------------------------------------------------


def test_purge_deletes_held_accounts_never_confirmed(
    client: Any, held_child: Guardianship, django_capture_on_commit_callbacks: Any
) -> None:
    recent = UserFactory(email="new@example.org")
    services.account_hold(user=recent, birth_year=CHILD_YEAR)
    adult = UserFactory(email="adult@example.org")
    child_pk = held_child.child.pk
    assert services.purge().held_deleted == 0
    with freeze_time(timezone.now() + timedelta(days=14, minutes=1)):
        call_command("purge_held_accounts", stdout=(out := __import__("io").StringIO()))
    assert "2 held account(s) deleted" in out.getvalue()
    assert not User.objects.filter(pk__in=[child_pk, recent.pk]).exists()
    assert User.objects.filter(pk=adult.pk).exists()
    assert not OutboxMessage.objects.filter(to=PARENT).exists()
    assert AuditEntry.objects.filter(action="guardians.account.purged").count() == 2
    assert services.purge().held_deleted == 0  # safe to run twice


def test_purge_ends_guardianship_when_the_child_comes_of_age(
    client: Any, child_with_badge: Guardianship
) -> None:
    child_pk = child_with_badge.child.pk
    with freeze_time(date(CHILD_YEAR + 15, 12, 31)):
        assert services.purge().guardianships_ended == 0
    with freeze_time(date(CHILD_YEAR + 16, 1, 1)):
        result = services.purge()
    assert result.guardianships_ended == 1
    assert User.objects.filter(pk=child_pk, is_active=True).exists()  # the account stays
    assert not Guardianship.objects.exists()  # the parent's address is forgotten
    assert not OutboxMessage.objects.filter(to=PARENT).exists()


def test_messages_to_a_parent_go_when_the_child_deletes_the_account(
    client: Any, child_with_badge: Guardianship
) -> None:
    key = f"guardians:{child_with_badge.uuid}:"
    assert OutboxMessage.objects.filter(key__startswith=key).exists()
    from blason.accounts.services import user_delete

    user_delete(user=child_with_badge.child)
    assert not Guardianship.objects.exists()
    services.purge()
    assert not OutboxMessage.objects.filter(key__startswith=key).exists()


def test_the_worker_purges_on_its_round(held_child: Guardianship, monkeypatch: Any) -> None:
    from blason.core import worker

    assert "blason.guardians.tasks.sweep" in worker.SWEEPS
    monkeypatch.setattr(tasks, "_last_sweep", None)
    with freeze_time(timezone.now() + timedelta(days=15)):
        worker.sweep()
    assert not User.objects.filter(pk=held_child.child.pk).exists()
    # The next rounds within ten minutes do not query again.
    recent = UserFactory(email="new@example.org")
    services.account_hold(user=recent, birth_year=CHILD_YEAR)
    with freeze_time(timezone.now() + timedelta(days=15)):
        tasks.sweep(set())
        assert User.objects.filter(pk=recent.pk).exists()
