"""Writes of badge requests and peer validation: one atomic, audited function per action, the
entry point of the other modules for these writes.

* ``rule_set``: a facilitator says who validates a badge's requests and how many answers decide.
* ``request_create`` / ``request_withdraw``: anyone with an account asks for a badge, saying what
  they did, with a link and/or a file; they may withdraw while it waits.
* ``validation_record``: a validator records what they observed in situation and approves or
  refuses. The rule cannot be bypassed: only validators named by the rule answer, the requester
  never answers their own request, nobody answers twice, and a refusal says what is missing.
  When the approvals reach the number, the request is decided in the same transaction
  (``deciding``: the community awards the badge, or the person is told what is missing).
* ``digest_requests`` and ``remind_validators`` (``reminders``, imported here): validators are
  told of the requests waiting for them, once a day and when they wait too long.

A refused action raises ``ActionRefused`` (or ``NotAllowed``) with a message for the person and
writes nothing.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.core import audit
from blason.core.exceptions import ActionRefused
from blason.core.services import personal_issuer_for
from blason.issuing.awarding import services as awards
from blason.issuing.models import BadgeClass, BadgeStatus
from blason.peers import endorsements, selectors
from blason.peers.access import (
    NotAllowed,
    ValidatorFacts,
    has_workshops,
    may_validate,
    require_facilitator,
)
from blason.peers.deciding import decide
from blason.peers.models import (
    BadgeRequest,
    Decision,
    PeerRule,
    RequestStatus,
    Validation,
    Validators,
)
from blason.peers.reminders import REMIND_AFTER_DAYS as REMIND_AFTER_DAYS
from blason.peers.reminders import digest_requests as digest_requests
from blason.peers.reminders import remind_validators as remind_validators

MAX_APPROVALS = 20
MAX_TEXT = 2000
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
        decide(_locked_pending(request), actor=actor)
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
    decide(request, actor=validator)
    return validation
