"""Validators known by a phone number only (no e-mail address) hear of the badge requests
waiting for them by SMS: the daily digest, in their language, in one short SMS of GSM-7
characters with the link to the page where they answer; once per request, in the quiet hours
only at 08:00, within the SMS limits, and not at all when nothing waits for them any more."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from blason.accounts.models import User
from blason.accounts.services import phone_verify
from blason.core import sms
from blason.core.models import OutboxMessage, OutboxState
from blason.issuing.badges.services import badge_set_status
from blason.peers import request_sms, validation
from blason.peers.models import BadgeRequest, Validators
from tests.blason.peers_fixtures import Community, community_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NUMBER = "+33612345678"


def phone_member(community: Community, *, name: str, number: str = NUMBER, language: str = "fr"):
    person = User.objects.create_user(phone=number, display_name=name, language=language)
    phone_verify(user=person, phone=number)
    community.issuer.memberships.create(user=person, role="viewer")
    return person


def ask(community: Community, requester: Any = None) -> BadgeRequest:
    badge = community.badge
    if badge.status != "published":
        badge_set_status(badge=badge, actor=community.owner, status="published")
        badge.refresh_from_db()
        validation.rule_set(
            badge=badge,
            actor=community.facilitator,
            validators=Validators.MEMBERS,
            approvals_needed=3,
        )
    return validation.request_create(
        badge=badge,
        requester=requester or community.members[0],
        description="J'ai brossé Caramel.",
    )


def digest(capture: Any) -> tuple[int, int]:
    with capture(execute=True):
        return validation.digest_requests()


def test_a_phone_only_validator_gets_one_sms_in_french(
    community: Community, django_capture_on_commit_callbacks: Any
) -> None:
    yasmine = phone_member(community, name="Yasmine Kaci")
    ask(community)
    ask(community, requester=community.members[1])
    assert digest(django_capture_on_commit_callbacks) == (2, 8)  # 7 e-mails, 1 SMS
    (message,) = sms.outbox
    assert message.to == NUMBER
    link = "http://testserver" + reverse("peers:to_validate")
    assert message.body == (
        f"Blason : 2 demandes de badge attendent votre avis dans Collectif du mardi : {link}"
    )
    assert sms.is_gsm7(message.body)
    assert sms.segments(message.body) == 1
    row = OutboxMessage.objects.get(key=message.key)
    assert (row.state, row.scope) == (OutboxState.SENT, f"issuer:{community.issuer.uuid}")
    # The others got the e-mail, as before; nobody got both.
    assert len(mail.outbox) == 7
    assert yasmine.phone not in {m.to[0] for m in mail.outbox}

    # Each request is announced once: no second SMS for the same requests.
    sms.outbox.clear()
    assert digest(django_capture_on_commit_callbacks) == (0, 0)
    assert sms.outbox == []
    ask(community, requester=community.members[2])
    assert digest(django_capture_on_commit_callbacks) == (1, 7)
    (message,) = sms.outbox
    assert "1 demande de badge attend votre avis" in message.body


def test_in_english_and_a_long_space_name_still_fits(
    community: Community, django_capture_on_commit_callbacks: Any
) -> None:
    community.issuer.name = "Association des amis des ânes et des autres animaux du Luberon"
    community.issuer.save()
    phone_member(community, name="Tom", language="en")
    ask(community)
    digest(django_capture_on_commit_callbacks)
    (message,) = sms.outbox
    assert message.body.startswith("Blason: 1 badge request waits for your answer in Association")
    assert "..." in message.body
    assert sms.is_gsm7(message.body)
    assert sms.segments(message.body) == 1


def test_the_same_requests_are_never_told_twice(community: Community) -> None:
    person = phone_member(community, name="Yasmine Kaci")
    requests = [ask(community)]
    assert request_sms.record(person, requests) == 1
    assert request_sms.record(person, requests) == 1  # already recorded: the same SMS
    assert OutboxMessage.objects.filter(kind="sms").count() == 1


def test_at_night_the_sms_waits_for_eight(
    community: Community, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SMS_QUIET_HOURS = ("21:00", "08:00")
    night = datetime(2026, 3, 10, 22, 30, tzinfo=PARIS)
    monkeypatch.setattr(timezone, "now", lambda: night)
    phone_member(community, name="Yasmine Kaci")
    ask(community)
    validation.digest_requests()
    row = OutboxMessage.objects.get(kind="sms")
    assert row.state == OutboxState.PENDING
    assert row.next_attempt_at == datetime(2026, 3, 11, 8, 0, tzinfo=PARIS)
    assert sms.outbox == []


def test_the_number_limit_is_kept(
    community: Community, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SMS_RATE_LIMIT_NUMBER = "1/d"
    phone_member(community, name="Yasmine Kaci")
    with django_capture_on_commit_callbacks(execute=True):
        sms.send_sms(to=NUMBER, body="Votre code : 123456", urgent=True)
    ask(community)
    digest(django_capture_on_commit_callbacks)
    assert len(sms.outbox) == 1  # the code only
    row = OutboxMessage.objects.get(renderer=request_sms.RENDERER)
    assert row.state == OutboxState.REFUSED


def test_nothing_is_sent_when_nothing_waits_any_more(
    community: Community, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from blason.core import outbox

    settings.SMS_QUIET_HOURS = ("21:00", "08:00")
    night = datetime(2026, 3, 10, 22, 30, tzinfo=PARIS)
    monkeypatch.setattr(timezone, "now", lambda: night)
    phone_member(community, name="Yasmine Kaci")
    request = ask(community)
    validation.digest_requests()
    validation.request_withdraw(request=request, actor=request.requester)  # in the night
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 11, 8, 1, tzinfo=PARIS))
    outbox.deliver_due()
    assert sms.outbox == []
    assert OutboxMessage.objects.get(kind="sms").state == OutboxState.CANCELLED


def test_people_with_an_email_address_or_an_unverified_number_get_no_sms(
    community: Community, django_capture_on_commit_callbacks: Any
) -> None:
    unverified = User.objects.create_user(phone="+33698765432", display_name="Léo")
    community.issuer.memberships.create(user=unverified, role="viewer")
    community.members[3].phone = "+33611111111"
    community.members[3].save()
    ask(community)
    digest(django_capture_on_commit_callbacks)
    assert sms.outbox == []
    assert not request_sms.wants_sms(unverified)
