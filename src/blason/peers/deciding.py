"""Deciding a badge request once its answers reach the rule's number: the community awards the
badge, with the observations as evidence and each approval as an endorsement signed by its
validator (``endorsements``), or the request is refused and the person told what is missing.
Run in the transaction that records the deciding answer (``validation``), or that changes the
number (``validation.rule_set``)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils import timezone

from blason.core import audit
from blason.core.abuse import Origin
from blason.core.emails import send_templated
from blason.core.site import absolute_url
from blason.issuing.awarding import selectors as credentials
from blason.issuing.awarding import services as awards
from blason.issuing.models import Award
from blason.peers import endorsements, selectors
from blason.peers.models import BadgeRequest, Decision, RequestStatus, Validation


def decide(request: BadgeRequest, *, actor: Any) -> str:
    """Award or refuse ``request`` (locked, pending) when its answers meet the badge's rule:
    as many approvals as the rule needs award it, as many refusals close it. Returns the
    request's status."""
    rule = selectors.rule_of(request.badge)
    if rule is None:
        return request.status
    answers = list(
        Validation.objects.filter(request=request).select_related("validator").order_by("id")
    )
    approvals = [answer for answer in answers if answer.decision == Decision.APPROVE]
    refusals = [answer for answer in answers if answer.decision == Decision.REFUSE]
    if len(approvals) >= rule.approvals_needed:
        _award(request, approvals, actor=actor)
    elif len(refusals) >= rule.approvals_needed:
        _refuse(request, refusals, actor=actor)
    return request.status


def _award(request: BadgeRequest, approvals: list[Validation], *, actor: Any) -> Award:
    requester = request.requester
    award = awards.award_issue(
        badge=request.badge,
        actor=actor,
        # A phone account's badge goes to its verified number (held through the request).
        email=requester.email or "",
        phone="" if requester.email or not requester.phone_verified else requester.phone,
        name=request.requester_name,
        narrative=request.description,
        evidence=endorsements.award_evidence(request, approvals),
        language=request.language or None,
        notify=False,
        award_uuid=request.award_uuid,
        endorsements=[json.loads(approval.endorsement) for approval in approvals],
    )
    request.status = RequestStatus.AWARDED
    request.decided_at = timezone.now()
    request.award = award
    request.save(update_fields=["status", "decided_at", "award"])
    audit.record(
        action="peers.request.awarded",
        actor=actor,
        issuer=request.issuer,
        target=request,
        data={"award": str(award.uuid), "validators": [str(a.uuid) for a in approvals]},
    )
    _tell_requester(request, "peers/email/request_awarded", award=award, answers=approvals)
    return award


def _refuse(request: BadgeRequest, refusals: list[Validation], *, actor: Any) -> None:
    request.status = RequestStatus.REFUSED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    audit.record(
        action="peers.request.refused",
        actor=actor,
        issuer=request.issuer,
        target=request,
        data={"validators": [str(r.uuid) for r in refusals]},
    )
    _tell_requester(request, "peers/email/request_refused", answers=refusals)


def _tell_requester(
    request: BadgeRequest, template: str, *, answers: list[Validation], award: Award | None = None
) -> None:
    requester = request.requester
    if not requester.email:  # a phone account: it sees the answer on its requests page
        return
    send_templated(
        template_prefix=template,
        to=requester.email,
        context={
            "request": request,
            "badge": request.badge,
            "issuer": request.issuer,
            "award": award,
            "answers": answers,
            "award_link": credentials.award_url(award) if award else "",
            "link": absolute_url("peers:my_request", request.uuid),
            "site_name": settings.SITE_NAME,
        },
        language=request.language or getattr(requester, "language", "") or None,
        origin=Origin(issuer=request.issuer),
    )
