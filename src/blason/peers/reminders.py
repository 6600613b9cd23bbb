"""Telling validators about badge requests: once a day, each validator gets the new requests
waiting for them by e-mail (an SMS to those with a phone number and no e-mail address,
``request_sms``), and a reminder about requests waiting for too long."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from blason.core import audit
from blason.core.emails import send_templated
from blason.core.models import Issuer
from blason.core.site import absolute_url
from blason.peers import request_sms, selectors
from blason.peers.models import BadgeRequest, RequestStatus, Validation

REMIND_AFTER_DAYS = 3


@transaction.atomic
def digest_requests(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """E-mail each validator, once, the requests that arrived since the last digest and wait
    for their answer: one e-mail per person, whatever the number of requests; a person with a
    verified phone number and no e-mail address gets one SMS per space instead
    (``request_sms``). Each request is announced once (safe to run twice;
    ``remind_validators`` brings up those left waiting). Returns (requests announced, people
    told or being told)."""
    now = now or timezone.now()
    new = list(
        BadgeRequest.objects.select_for_update(of=("self",))
        .filter(status=RequestStatus.PENDING, announced_at__isnull=True)
        .select_related("badge__issuer", "issuer", "requester")
        .order_by("created_at", "id")
    )
    waiting, people = _waiting_validators(new)
    _send_to_validators(waiting, people, "peers/email/request_digest", by_sms=True)
    BadgeRequest.objects.filter(pk__in=[request.pk for request in new]).update(announced_at=now)
    return len(new), len(waiting)


def _waiting_validators(
    requests: list[BadgeRequest],
) -> tuple[dict[Any, list[BadgeRequest]], dict[int, Any]]:
    """For each validator who has not answered yet, the requests among ``requests`` that wait
    for them (never their own)."""
    waiting: dict[Any, list[BadgeRequest]] = defaultdict(list)
    people: dict[int, Any] = {}
    for request in requests:
        rule = selectors.rule_of(request.badge)
        if rule is None:
            continue
        answered = Validation.objects.filter(request=request).values("validator_id")
        for person in (
            selectors.validators_of(rule).exclude(pk=request.requester_id).exclude(pk__in=answered)
        ):
            people[person.pk] = person
            waiting[person.pk].append(request)
    return waiting, people


def _send_to_validators(
    waiting: dict[Any, list[BadgeRequest]],
    people: dict[int, Any],
    template_prefix: str,
    *,
    by_sms: bool = False,
) -> None:
    for person_id, requests in waiting.items():
        person = people[person_id]
        if not person.email:  # a phone account: an SMS (the digest), and the count on its home
            if by_sms:
                request_sms.record(person, requests)
            continue
        send_templated(
            template_prefix=template_prefix,
            to=person.email,
            context={
                "person": person,
                "requests": requests,
                "link": absolute_url("peers:to_validate"),
                "site_name": settings.SITE_NAME,
            },
            language=getattr(person, "language", "") or None,
        )


@transaction.atomic
def remind_validators(
    *, days: int = REMIND_AFTER_DAYS, now: datetime.datetime | None = None
) -> tuple[int, int]:
    """E-mail the validators who have not answered about requests waiting for more than
    ``days`` days, one e-mail per person listing their requests; a request is not brought up
    again within ``days`` days. Safe to run twice. Returns (requests, e-mails)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    due = list(
        BadgeRequest.objects.select_for_update(of=("self",))
        .filter(status=RequestStatus.PENDING, created_at__lt=cutoff)
        .exclude(reminded_at__gte=cutoff)
        .select_related("badge__issuer", "issuer", "requester")
        .order_by("created_at", "id")
    )
    waiting, people = _waiting_validators(due)
    _send_to_validators(waiting, people, "peers/email/validation_reminder")
    BadgeRequest.objects.filter(pk__in=[request.pk for request in due]).update(reminded_at=now)
    for issuer_id in {request.issuer_id for request in due}:
        audit.record(
            action="peers.request.reminded",
            issuer=Issuer.objects.get(pk=issuer_id),
            data={
                "requests": [str(r.uuid) for r in due if r.issuer_id == issuer_id],
                "validators": len(waiting),
            },
        )
    return len(due), len(waiting)
