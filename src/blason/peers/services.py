"""Writes of peer recognition: one atomic, audited function per action, the entry point of
the other modules for every write of this app.

The life of a workshop is here: opening it, closing the vote, reopening it, validating the
badge. Its other writes are beside it, by concern, and imported here: joining a community by
link (``joining``), the criteria, votes, comments and groups of an open workshop
(``criteria``), with what they all check and lock (``workshop_checks``); badge requests and
their validation are ``validation``.

Every function checks who acts (``blason.peers.access``): only members take part, only
facilitators open, group, close and validate. A refused action raises ``ActionRefused`` (or
its subclass ``NotAllowed``) with a message for the person, and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.core import audit
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer, Membership
from blason.issuing.badges import services as badge_services
from blason.issuing.models import BadgeClass, BadgeStatus
from blason.peers import selectors
from blason.peers.access import is_facilitator_role, require_facilitator
from blason.peers.criteria import MAX_CRITERIA as MAX_CRITERIA
from blason.peers.criteria import MAX_GROUPS as MAX_GROUPS
from blason.peers.criteria import comment_add as comment_add
from blason.peers.criteria import criterion_edit as criterion_edit
from blason.peers.criteria import criterion_propose as criterion_propose
from blason.peers.criteria import criterion_withdraw as criterion_withdraw
from blason.peers.criteria import group_add as group_add
from blason.peers.criteria import group_remove as group_remove
from blason.peers.criteria import group_rename as group_rename
from blason.peers.criteria import participant_show_name as participant_show_name
from blason.peers.criteria import vote_cast as vote_cast
from blason.peers.joining import join_by_link as join_by_link
from blason.peers.joining import join_link_create as join_link_create
from blason.peers.joining import join_link_revoke as join_link_revoke
from blason.peers.models import (
    CoDesign,
    CoDesigner,
    Criterion,
    Majority,
    Outcome,
    Participant,
    ValidationRule,
    Workshop,
    WorkshopStatus,
)
from blason.peers.workshop_checks import locked_open, one_line, refuse_personal_space, take_part

MAX_QUORUM = 1000


# Opening a workshop ------------------------------------------------------------------------


@transaction.atomic
def workshop_open(
    *,
    issuer: Issuer,
    actor: Any,
    badge: BadgeClass | None = None,
    badge_name: str = "",
    badge_description: str = "",
    title: str = "",
    rule: str = ValidationRule.PARTICIPANTS,
    quorum: int = 3,
    majority: str = Majority.HALF,
    start_from_badge: bool = True,
) -> Workshop:
    """Open a workshop for a draft ``badge`` of the space, or for a new draft badge named
    ``badge_name``. With ``start_from_badge``, the badge's current criteria are the first
    proposals."""
    require_facilitator(issuer, actor)
    refuse_personal_space(issuer)
    if rule not in ValidationRule.values:
        raise ActionRefused(_("Choose how the group validates the badge."))
    if majority not in Majority.values:
        raise ActionRefused(_("Choose the majority a criterion needs."))
    if not 1 <= quorum <= MAX_QUORUM:
        raise ActionRefused(
            _("The number for the rule must be between 1 and %(max)d.") % {"max": MAX_QUORUM}
        )
    if badge is None:
        name = one_line(badge_name)
        if not name or not badge_description.strip():
            raise ActionRefused(
                _(
                    "Choose a draft badge, or give the new badge a name and a sentence saying "
                    "what it recognises."
                )
            )
        badge = badge_services.badge_create(
            issuer=issuer,
            actor=actor,
            name=name[:200],
            description=badge_description.strip(),
            criteria="",
        )
    badge = BadgeClass.objects.select_for_update().get(pk=badge.pk)
    if badge.issuer_id != issuer.pk:
        raise ActionRefused(_("This badge belongs to another space."))
    if badge.status != BadgeStatus.DRAFT:
        raise ActionRefused(
            _("A workshop designs a draft badge: this one is already published or archived.")
        )
    if selectors.running_workshops_for(badge).exists():
        raise ActionRefused(_("A workshop is already running for this badge."))
    workshop = Workshop.objects.create(
        issuer=issuer,
        badge=badge,
        title=one_line(title)[:200] or badge.name,
        rule=rule,
        quorum=quorum,
        majority=majority,
        created_by=actor,
    )
    if start_from_badge and badge.criteria_items:
        take_part(workshop, actor)
        Criterion.objects.bulk_create(
            Criterion(workshop=workshop, text=text[:300], author=actor, position=position)
            for position, text in enumerate(
                one_line(item) for item in badge.criteria_items if one_line(item)
            )
        )
    audit.record(
        action="peers.workshop.opened",
        actor=actor,
        issuer=issuer,
        target=workshop,
        data={"badge": str(badge.uuid), "rule": rule, "quorum": quorum, "majority": majority},
    )
    return workshop


# Closing, reopening, validating ----------------------------------------------------------------


# French puts a (non-breaking) space before a colon ("Soins : brosser l'âne"), English does not.
GROUP_SEPARATORS = {"fr": "\u00a0: "}


def kept_criteria_lines(workshop: Workshop, badge: BadgeClass) -> list[str]:
    """The kept criteria as the badge's criteria list, group by group, each prefixed with its
    group's name, punctuated for the badge's language: "Soins : brosser l'âne"."""
    separator = GROUP_SEPARATORS.get((badge.language or "").split("-")[0], ": ")
    kept = selectors.criteria_of(workshop).filter(outcome=Outcome.KEPT)
    return [
        f"{criterion.group.name}{separator}{criterion.text}" if criterion.group else criterion.text
        for criterion in kept
    ]


def _write_criteria(workshop: Workshop, badge: BadgeClass, actor: Any) -> list[str]:
    lines = kept_criteria_lines(workshop, badge)
    badge_services.badge_update(badge=badge, actor=actor, criteria_items=lines)
    return lines


def _locked_badge(workshop: Workshop) -> BadgeClass:
    badge = (
        BadgeClass.objects.select_for_update().select_related("issuer").get(pk=workshop.badge_id)
    )
    if badge.status != BadgeStatus.DRAFT:
        raise ActionRefused(
            _("The badge is no longer a draft (it was published or archived in the designer).")
        )
    return badge


@transaction.atomic
def workshop_close(*, workshop: Workshop, actor: Any) -> Workshop:
    """Close the vote: each criterion is kept when its "keep" votes reach the majority, and
    the kept ones become the badge's criteria list."""
    require_facilitator(workshop.issuer, actor)
    workshop = locked_open(workshop)
    badge = _locked_badge(workshop)
    majority = Majority(workshop.majority)
    criteria = list(selectors.tallies_of(workshop))
    for criterion in criteria:
        kept = majority.passes(criterion.keep_count, criterion.vote_count)  # type: ignore[attr-defined]
        criterion.outcome = Outcome.KEPT if kept else Outcome.DROPPED
    kept_count = sum(1 for criterion in criteria if criterion.outcome == Outcome.KEPT)
    if not kept_count:
        raise ActionRefused(
            _(
                "No criterion has enough “keep” votes yet. Keep voting, or rephrase the "
                "criteria, then close the vote."
            )
        )
    Criterion.objects.bulk_update(criteria, ["outcome"])
    workshop.status = WorkshopStatus.CLOSED
    workshop.closed_at = timezone.now()
    workshop.save(update_fields=["status", "closed_at"])
    _write_criteria(workshop, badge, actor)
    audit.record(
        action="peers.workshop.closed",
        actor=actor,
        issuer=workshop.issuer,
        target=workshop,
        data={"kept": kept_count, "dropped": len(criteria) - kept_count},
    )
    return workshop


@transaction.atomic
def workshop_reopen(*, workshop: Workshop, actor: Any) -> Workshop:
    require_facilitator(workshop.issuer, actor)
    workshop = Workshop.objects.select_for_update().select_related("issuer").get(pk=workshop.pk)
    if workshop.status != WorkshopStatus.CLOSED:
        raise ActionRefused(_("Only a closed vote can be reopened."))
    _locked_badge(workshop)
    Criterion.objects.filter(workshop=workshop).update(outcome="")
    workshop.status = WorkshopStatus.OPEN
    workshop.closed_at = None
    workshop.save(update_fields=["status", "closed_at"])
    audit.record(
        action="peers.workshop.reopened", actor=actor, issuer=workshop.issuer, target=workshop
    )
    return workshop


def _public_name(user: Any) -> str:
    """Only the name people chose to show; never their e-mail address."""
    return one_line(getattr(user, "display_name", "") or "")[:150]


@transaction.atomic
def workshop_validate(*, workshop: Workshop, actor: Any) -> CoDesign:
    """The group validates the badge ("validé et tamponné") when its rule is met: the badge
    is published with the kept criteria, and who designed it is recorded."""
    require_facilitator(workshop.issuer, actor)
    workshop = Workshop.objects.select_for_update().select_related("issuer").get(pk=workshop.pk)
    if workshop.status == WorkshopStatus.VALIDATED:
        raise ActionRefused(_("This badge is already validated."))
    if workshop.status != WorkshopStatus.CLOSED:
        raise ActionRefused(_("Close the vote before validating the badge."))
    badge = _locked_badge(workshop)
    progress = selectors.rule_progress(workshop)
    if not progress.met:
        if progress.rule == ValidationRule.PARTICIPANTS:
            message = _(
                "The rule is not met yet: %(needed)d members must take part, %(reached)d did."
            )
        else:
            message = _(
                "The rule is not met yet: %(needed)d votes are needed, %(reached)d were cast."
            )
        raise ActionRefused(message % {"needed": progress.needed, "reached": progress.reached})
    lines = _write_criteria(workshop, badge, actor)
    if not lines:
        raise ActionRefused(_("No criterion was kept: reopen the vote."))
    if not badge.image:
        raise ActionRefused(
            _("Give the badge a picture before validating it: open the badge and choose Edit.")
        )
    badge_services.badge_set_status(badge=badge, actor=actor, status=BadgeStatus.PUBLISHED)
    now = timezone.now()
    found = selectors.contributors(workshop)
    people = {user.pk: user for user in get_user_model().objects.filter(pk__in=found)}
    shown = set(
        Participant.objects.filter(workshop=workshop, show_name=True).values_list(
            "user_id", flat=True
        )
    )
    facilitators = set(
        Membership.objects.filter(issuer=workshop.issuer, user_id__in=found).values_list(
            "user_id", "role"
        )
    )
    facilitator_ids = {user_id for user_id, role in facilitators if is_facilitator_role(role)}
    co_design = CoDesign.objects.create(
        badge=badge,
        workshop=workshop,
        validated_at=now,
        validated_by=actor,
        member_count=len(found),
        vote_count=sum(entry["votes"] for entry in found.values()),
        criteria_count=len(lines),
    )
    CoDesigner.objects.bulk_create(
        CoDesigner(
            co_design=co_design,
            user=people[user_id],
            name=_public_name(people[user_id]),
            show_name=user_id in shown and bool(_public_name(people[user_id])),
            facilitator=user_id in facilitator_ids,
            proposals=entry["proposals"],
            votes=entry["votes"],
        )
        for user_id, entry in found.items()
        if user_id in people
    )
    workshop.status = WorkshopStatus.VALIDATED
    workshop.validated_at = now
    workshop.save(update_fields=["status", "validated_at"])
    audit.record(
        action="peers.workshop.validated",
        actor=actor,
        issuer=workshop.issuer,
        target=workshop,
        data={
            "badge": str(badge.uuid),
            "co_designers": len(found),
            "criteria": len(lines),
            "rule": workshop.rule,
            "reached": progress.reached,
        },
    )
    return co_design
