"""Writes of badge requests and peer validation: one atomic, audited function per action.

Why one module of over 400 lines: the writes of badge requests and validation share one rule
(who validates, how many answers decide) and one sequence (ask, answer, decide, award); each
function is only right with the others in view.

* ``rule_set``: a facilitator says who validates a badge's requests and how many answers decide.
* ``request_create`` / ``request_withdraw``: anyone with an account asks for a badge, saying what
  they did, with a link and/or a file; they may withdraw while it waits.
* ``validation_record``: a validator records what they observed in situation and approves or
  refuses. The rule cannot be bypassed: only validators named by the rule answer, the requester
  never answers their own request, nobody answers twice, and a refusal says what is missing.
  When the approvals reach the number, the community awards the badge in the same transaction,
  with the observations as evidence and each approval as an endorsement signed by its validator
  (``blason.peers.endorsements``); when the refusals reach it, the request is closed and the
  person is told what is missing (they may ask again when ready).
* ``digest_requests``: once a day, e-mails each validator the new requests waiting for them (an
  SMS to those with a phone number and no e-mail address, ``request_sms``).
* ``remind_validators``: e-mails validators about requests waiting for too long.

A refused action raises ``ActionRefused`` (or ``NotAllowed``) with a message for the person and
writes nothing.
"""

from __future__ import annotations

import datetime
import json
import secrets
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.core import audit
from blason.core.abuse import Origin
from blason.core.emails import send_templated
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer
from blason.core.services import personal_issuer_for
from blason.core.site import absolute_url
from blason.issuing.awarding import selectors as credentials
from blason.issuing.awarding import services as awards
from blason.issuing.models import Award, BadgeClass, BadgeStatus
from blason.peers import endorsements, request_sms, selectors
from blason.peers.access import (
    NotAllowed,
    ValidatorFacts,
    has_workshops,
    may_validate,
    require_facilitator,
)
from blason.peers.models import (
    BadgeRequest,
    Decision,
    PeerRule,
    RequestStatus,
    Validation,
    Validators,
)

MAX_APPROVALS = 20
MAX_TEXT = 2000
REMIND_AFTER_DAYS = 3
MAX_NAMED = 50


def _text(value: str, *, limit: int = MAX_TEXT) -> str:
    return "\n".join(line.rstrip() for line in (value or "").strip().splitlines())[:limit]


# The rule of a badge ---------------------------------------------------------------------------


@transaction.atomic
def rule_set(
    *,
    badge: BadgeClass,
    actor: Any,
    validators: str,
    approvals_needed: int,
    accepts_requests: bool = True,
    ambassador_badge: BadgeClass | None = None,
    reviewers: Sequence[Any] = (),
) -> PeerRule:
    """Who may validate requests for ``badge`` and how many answers decide. Only the space's
    facilitators (editors, owners) change it; every member reads it."""
    issuer = badge.issuer
    require_facilitator(issuer, actor)
    if not has_workshops(issuer):
        raise ActionRefused(_("Peer validation is for groups, not personal spaces."))
    if validators not in Validators.values:
        raise ActionRefused(_("Choose who validates the requests."))
    if not 1 <= approvals_needed <= MAX_APPROVALS:
        raise ActionRefused(
            _("The number of approvals must be between 1 and %(max)d.") % {"max": MAX_APPROVALS}
        )
    if validators == Validators.AMBASSADORS:
        if ambassador_badge is None:
            raise ActionRefused(_("Choose the badge the ambassadors have."))
        if ambassador_badge.issuer_id != issuer.pk or ambassador_badge.pk == badge.pk:
            raise ActionRefused(_("The ambassadors' badge must be another badge of this space."))
    else:
        ambassador_badge = None
    named = list(reviewers) if validators == Validators.NAMED else []
    if validators == Validators.NAMED:
        if not named:
            raise ActionRefused(_("Choose at least one validator."))
        if len(named) > MAX_NAMED:
            raise ActionRefused(_("Choose at most %(max)d validators.") % {"max": MAX_NAMED})
        member_ids = set(
            issuer.memberships.filter(user__in=named).values_list("user_id", flat=True)
        )
        if any(person.pk not in member_ids for person in named):
            raise ActionRefused(_("Validators must be members of this space."))
    BadgeClass.objects.select_for_update().filter(pk=badge.pk).first()
    rule, created = PeerRule.objects.get_or_create(
        badge=badge, defaults={"approvals_needed": approvals_needed, "updated_by": actor}
    )
    rule.validators = validators
    rule.approvals_needed = approvals_needed
    rule.accepts_requests = accepts_requests
    rule.ambassador_badge = ambassador_badge
    rule.updated_by = actor
    rule.save()
    rule.reviewers.set(named)
    audit.record(
        action="peers.rule.created" if created else "peers.rule.updated",
        actor=actor,
        issuer=issuer,
        target=rule,
        data={
            "badge": str(badge.uuid),
            "validators": validators,
            "approvals_needed": approvals_needed,
            "accepts_requests": accepts_requests,
            "ambassador_badge": str(ambassador_badge.uuid) if ambassador_badge else "",
            "named": [str(person.uuid) for person in named],
        },
    )
    # A smaller number may decide requests that already have enough answers: at once.
    decided = selectors.with_counts(
        BadgeRequest.objects.filter(badge=badge, status=RequestStatus.PENDING)
    ).filter(Q(approvals__gte=approvals_needed) | Q(refusals__gte=approvals_needed))
    for request in decided.order_by("created_at", "id"):
        _decide(_locked_pending(request), actor=actor)
    return rule


# Requests --------------------------------------------------------------------------------------


@transaction.atomic
def request_create(
    *,
    badge: BadgeClass,
    requester: Any,
    description: str,
    name: str = "",
    evidence_url: str = "",
    evidence_file: bytes | None = None,
    evidence_file_name: str = "",
    language: str = "",
) -> BadgeRequest:
    """``requester`` asks for ``badge``: what they did, and optionally a link and a file (PDF,
    PNG or JPEG, checked as for awards). ``name`` is how the group knows them (their account's
    name when not given). One pending request per person and badge."""
    if not getattr(requester, "is_authenticated", False):
        raise NotAllowed(_("Sign in to ask for a badge."))
    badge = BadgeClass.objects.select_for_update().select_related("issuer").get(pk=badge.pk)
    if badge.status != BadgeStatus.PUBLISHED or selectors.open_rule_of(badge) is None:
        raise ActionRefused(_("This badge cannot be asked for at the moment."))
    description = _text(description)
    if not description:
        raise ActionRefused(_("Say in a few words what you did."))
    name = " ".join((name or getattr(requester, "display_name", "") or "").split())[:150]
    if not name:
        raise ActionRefused(_("Give your name, as the group knows you."))
    if BadgeRequest.objects.filter(
        badge=badge, requester=requester, status=RequestStatus.PENDING
    ).exists():
        raise ActionRefused(_("You have already asked for this badge: your request is waiting."))
    evidence_url = (evidence_url or "").strip()
    if evidence_url and not evidence_url.lower().startswith(("https://", "http://")):
        raise ActionRefused(_("The link must be a web address starting with https://"))
    if len(evidence_url) > 500:
        raise ActionRefused(_("The link is too long (at most 500 characters)."))
    request = BadgeRequest(
        issuer=badge.issuer,
        badge=badge,
        requester=requester,
        requester_name=name,
        description=description,
        evidence_url=evidence_url,
        language=(language or getattr(requester, "language", "") or "")[:10],
    )
    if evidence_file:
        content_type = awards.evidence_file_type(evidence_file)
        extension = awards.EVIDENCE_TYPES[content_type]
        request.evidence_content_type = content_type
        request.evidence_file_name = (evidence_file_name or f"evidence.{extension}")[:200]
        # A random name, unrelated to the request's address: the file is private until the
        # badge is awarded (``request_file`` checks who asks).
        request.evidence_file.save(
            f"{secrets.token_urlsafe(18)}.{extension}", ContentFile(evidence_file), save=False
        )
    request.save()
    audit.record(
        action="peers.request.created",
        actor=requester,
        issuer=badge.issuer,
        target=request,
        data={"badge": str(badge.uuid), "file": bool(evidence_file), "link": bool(evidence_url)},
    )
    return request


def _locked_pending(request: BadgeRequest) -> BadgeRequest:
    fresh = (
        BadgeRequest.objects.select_for_update(of=("self",))
        .select_related("badge__issuer", "issuer", "requester")
        .get(pk=request.pk)
    )
    if fresh.status != RequestStatus.PENDING:
        raise ActionRefused(_("This request is already decided or withdrawn."))
    return fresh


@transaction.atomic
def request_withdraw(*, request: BadgeRequest, actor: Any) -> BadgeRequest:
    """The requester withdraws a waiting request."""
    if request.requester_id != getattr(actor, "pk", None):
        raise NotAllowed(_("Only the person who asked can withdraw a request."))
    request = _locked_pending(request)
    request.status = RequestStatus.WITHDRAWN
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    audit.record(
        action="peers.request.withdrawn", actor=actor, issuer=request.issuer, target=request
    )
    return request


# Validation ------------------------------------------------------------------------------------


def why_not_validate(
    request: BadgeRequest,
    user: Any,
    *,
    known: tuple[PeerRule | None, ValidatorFacts] | None = None,
) -> str:
    """Why ``user`` may not answer ``request`` (empty when they may). ``known``: the badge's
    rule and the person's ``selectors.validator_facts``, when the caller read them already."""
    if not getattr(user, "is_authenticated", False):
        return _("Sign in to validate.")
    if request.requester_id == user.pk:
        return _("You cannot validate your own request.")
    rule, facts = known or (selectors.rule_of(request.badge), selectors.validator_facts(user))
    if not may_validate(rule, request.issuer_id, facts):
        return _("The rule of this badge does not make you a validator.")
    if Validation.objects.filter(request=request, validator=user).exists():
        return _("You have already given your answer on this request.")
    return ""


@transaction.atomic
def validation_record(
    *,
    request: BadgeRequest,
    validator: Any,
    decision: str,
    observed_on: datetime.date,
    place: str,
    observation: str,
    comment: str = "",
) -> Validation:
    """``validator`` records what they observed in situation (date, place, what they saw) and
    approves or refuses (a refusal says what is missing, in ``comment``).

    When the approvals reach the rule's number the badge is awarded, in this transaction, by
    the community: evidence = the person's description and every observation; ``endorsement``
    = each approving validator's EndorsementCredential. When the refusals reach it, the
    request is refused. The requester is told by e-mail, in their language."""
    request = _locked_pending(request)
    reason = why_not_validate(request, validator)
    if reason:
        raise NotAllowed(reason)
    if decision not in Decision.values:
        raise ActionRefused(_("Choose whether you approve or not."))
    place = " ".join((place or "").split())[:200]
    observation = _text(observation)
    comment = _text(comment)
    if observed_on is None or observed_on > timezone.localdate():
        raise ActionRefused(_("Give the date you saw it (today or before)."))
    if not place:
        raise ActionRefused(_("Say where you saw it."))
    if not observation:
        raise ActionRefused(_("Say what you saw."))
    if decision == Decision.REFUSE and not comment:
        raise ActionRefused(_("Say what is missing, so that the person knows what to work on."))
    validation = Validation(
        request=request,
        validator=validator,
        decision=decision,
        observed_on=observed_on,
        place=place,
        observation=observation,
        comment=comment,
    )
    if decision == Decision.APPROVE:
        # The approval is signed with the validator's personal issuer, made first if need be
        # (an issuer of their own, recorded in the audit log like any other).
        personal = personal_issuer_for(validator)
        validation.endorsement = endorsements.sign_endorsement(validation, personal)
    validation.save()
    audit.record(
        action="peers.validation.approved"
        if decision == Decision.APPROVE
        else "peers.validation.refused",
        actor=validator,
        issuer=request.issuer,
        target=request,
        data={"validation": str(validation.uuid), "observed_on": observed_on.isoformat()},
    )
    _decide(request, actor=validator)
    return validation


def _decide(request: BadgeRequest, *, actor: Any) -> str:
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


# Reminders ------------------------------------------------------------------------------------


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
