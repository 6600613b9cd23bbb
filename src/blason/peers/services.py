"""Writes of peer recognition: one atomic, audited function per action.

Why one module of over 400 lines: the writes of a workshop, from opening it to validating the
badge, share its locking and its checks of who acts (``_locked_open``, ``_take_part``), and each
is only right with the workshop's states in view; badge requests are apart (``validation``).

Every function checks who acts (``blason.peers.access``): only members take part, only
facilitators open, group, close and validate. A refused action raises ``ActionRefused`` (or
its subclass ``NotAllowed``) with a message for the person, and writes nothing.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.core import audit
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer, Membership
from blason.issuing.badges import services as badge_services
from blason.issuing.models import BadgeClass, BadgeStatus
from blason.peers import selectors
from blason.peers.access import (
    MEMBER_ROLE,
    NotAllowed,
    has_workshops,
    is_facilitator_role,
    require_facilitator,
    require_member,
)
from blason.peers.models import (
    CoDesign,
    CoDesigner,
    Comment,
    Criterion,
    CriterionGroup,
    JoinLink,
    Majority,
    Outcome,
    Participant,
    ValidationRule,
    Vote,
    VoteChoice,
    Workshop,
    WorkshopStatus,
)

MAX_GROUPS = 12  # branches around the badge: more would not read on a projector
MAX_CRITERIA = 200
MAX_QUORUM = 1000


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _refuse_personal_space(issuer: Issuer) -> None:
    if not has_workshops(issuer):
        raise ActionRefused(_("Workshops and join links are for groups, not personal spaces."))


# Joining a community by link or QR code ------------------------------------------------------


@transaction.atomic
def join_link_create(*, issuer: Issuer, actor: Any) -> JoinLink:
    """A new join link for the space; the previous one, if any, stops working."""
    require_facilitator(issuer, actor)
    _refuse_personal_space(issuer)
    now = timezone.now()
    for old in JoinLink.objects.select_for_update().filter(issuer=issuer, revoked_at__isnull=True):
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
    link = JoinLink.objects.create(issuer=issuer, token=secrets.token_urlsafe(18), created_by=actor)
    audit.record(action="peers.join_link.created", actor=actor, issuer=issuer, target=link)
    return link


@transaction.atomic
def join_link_revoke(*, link: JoinLink, actor: Any) -> JoinLink:
    require_facilitator(link.issuer, actor)
    link = JoinLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        raise ActionRefused(_("This link is already switched off."))
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    audit.record(
        action="peers.join_link.revoked",
        actor=actor,
        issuer=link.issuer,
        target=link,
        data={"uses": link.uses},
    )
    return link


@transaction.atomic
def join_by_link(*, link: JoinLink, user: Any) -> tuple[Membership, bool]:
    """Make ``user`` a member of the link's space. Returns the membership and whether it is
    new (someone already in the space keeps their role)."""
    link = JoinLink.objects.select_for_update().select_related("issuer").get(pk=link.pk)
    if link.revoked_at is not None:
        raise ActionRefused(_("This link no longer works. Ask the group for the new one."))
    existing = Membership.objects.filter(issuer=link.issuer, user=user).first()
    if existing is not None:
        return existing, False
    membership = Membership.objects.create(issuer=link.issuer, user=user, role=MEMBER_ROLE)
    JoinLink.objects.filter(pk=link.pk).update(uses=F("uses") + 1)
    audit.record(
        action="peers.member.joined",
        actor=user,
        issuer=link.issuer,
        target=membership,
        data={"user": str(user.uuid), "role": MEMBER_ROLE, "via": "join_link"},
    )
    return membership, True


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
    _refuse_personal_space(issuer)
    if rule not in ValidationRule.values:
        raise ActionRefused(_("Choose how the group validates the badge."))
    if majority not in Majority.values:
        raise ActionRefused(_("Choose the majority a criterion needs."))
    if not 1 <= quorum <= MAX_QUORUM:
        raise ActionRefused(
            _("The number for the rule must be between 1 and %(max)d.") % {"max": MAX_QUORUM}
        )
    if badge is None:
        name = _one_line(badge_name)
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
        title=_one_line(title)[:200] or badge.name,
        rule=rule,
        quorum=quorum,
        majority=majority,
        created_by=actor,
    )
    if start_from_badge and badge.criteria_items:
        _take_part(workshop, actor)
        Criterion.objects.bulk_create(
            Criterion(workshop=workshop, text=text[:300], author=actor, position=position)
            for position, text in enumerate(
                _one_line(item) for item in badge.criteria_items if _one_line(item)
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


def _locked_open(workshop: Workshop) -> Workshop:
    """The workshop, locked against a concurrent close; refused unless the vote is open."""
    fresh = (
        Workshop.objects.select_for_update().select_related("issuer", "badge").get(pk=workshop.pk)
    )
    if fresh.status != WorkshopStatus.OPEN:
        raise ActionRefused(_("The vote is closed: the criteria cannot change now."))
    return fresh


def _take_part(workshop: Workshop, user: Any) -> Participant:
    participant, _created = Participant.objects.get_or_create(workshop=workshop, user=user)
    return participant


def _group_of(workshop: Workshop, group: CriterionGroup | None) -> CriterionGroup | None:
    if group is not None and group.workshop_id != workshop.pk:
        raise ActionRefused(_("This group belongs to another workshop."))
    return group


def _clean_criterion(workshop: Workshop, text: str, *, exclude: int | None = None) -> str:
    text = _one_line(text)
    if not text:
        raise ActionRefused(_("Write the criterion first."))
    if len(text) > 300:
        raise ActionRefused(_("A criterion is at most 300 characters: say it in a few words."))
    same = Criterion.objects.filter(workshop=workshop, text__iexact=text)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ActionRefused(_("This criterion is already on the list."))
    return text


# Criteria, groups, comments and votes ---------------------------------------------------------


@transaction.atomic
def criterion_propose(
    *,
    workshop: Workshop,
    actor: Any,
    text: str,
    group: CriterionGroup | None = None,
    spoken_by: str = "",
) -> Criterion:
    """A member proposes a criterion. A facilitator typing someone's idea may name them in
    ``spoken_by`` (people without an account in the room)."""
    membership = require_member(workshop.issuer, actor)
    workshop = _locked_open(workshop)
    spoken_by = _one_line(spoken_by)[:100]
    if spoken_by and not is_facilitator_role(membership.role):
        raise NotAllowed(_("Only a facilitator types criteria in for someone else."))
    text = _clean_criterion(workshop, text)
    if Criterion.objects.filter(workshop=workshop).count() >= MAX_CRITERIA:
        raise ActionRefused(
            _("This workshop has reached %(max)d criteria.") % {"max": MAX_CRITERIA}
        )
    position = (
        Criterion.objects.filter(workshop=workshop).aggregate(top=Max("position"))["top"] or 0
    ) + 1
    criterion = Criterion.objects.create(
        workshop=workshop,
        group=_group_of(workshop, group),
        text=text,
        author=actor,
        spoken_by=spoken_by,
        position=position,
    )
    _take_part(workshop, actor)
    audit.record(
        action="peers.criterion.proposed",
        actor=actor,
        issuer=workshop.issuer,
        target=criterion,
        data={"workshop": str(workshop.uuid), "text": text},
    )
    return criterion


_UNCHANGED: Any = object()


@transaction.atomic
def criterion_edit(
    *,
    criterion: Criterion,
    actor: Any,
    text: str | None = None,
    group: Any = _UNCHANGED,
) -> int:
    """Rephrase a criterion (its author or a facilitator) or move it to another group (a
    facilitator). New words clear the votes, so that everyone votes on what it now says.
    Returns how many votes were cleared."""
    workshop = criterion.workshop
    membership = require_member(workshop.issuer, actor)
    facilitator = is_facilitator_role(membership.role)
    if not facilitator and criterion.author_id != getattr(actor, "pk", None):
        raise NotAllowed(_("Only its author or a facilitator can change a criterion."))
    if group is not _UNCHANGED and not facilitator:
        raise NotAllowed(_("Only a facilitator arranges the criteria in groups."))
    workshop = _locked_open(workshop)
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    changed: list[str] = []
    cleared = 0
    if text is not None and _one_line(text) != criterion.text:
        old_text = criterion.text
        criterion.text = _clean_criterion(workshop, text, exclude=criterion.pk)
        cleared, _detail = Vote.objects.filter(criterion=criterion).delete()
        changed.append("text")
        audit.record(
            action="peers.criterion.rephrased",
            actor=actor,
            issuer=workshop.issuer,
            target=criterion,
            data={"from": old_text, "text": criterion.text, "votes_cleared": cleared},
        )
    if group is not _UNCHANGED:
        group = _group_of(workshop, group)
        if (group.pk if group else None) != criterion.group_id:
            criterion.group = group
            changed.append("group")
            audit.record(
                action="peers.criterion.moved",
                actor=actor,
                issuer=workshop.issuer,
                target=criterion,
                data={"group": group.name if group else ""},
            )
    if changed:
        criterion.save(update_fields=[*changed, "updated_at"])
    return cleared


@transaction.atomic
def criterion_withdraw(*, criterion: Criterion, actor: Any) -> None:
    workshop = criterion.workshop
    membership = require_member(workshop.issuer, actor)
    if not is_facilitator_role(membership.role) and criterion.author_id != getattr(
        actor, "pk", None
    ):
        raise NotAllowed(_("Only its author or a facilitator can remove a criterion."))
    workshop = _locked_open(workshop)
    audit.record(
        action="peers.criterion.withdrawn",
        actor=actor,
        issuer=workshop.issuer,
        target=criterion,
        data={"workshop": str(workshop.uuid), "text": criterion.text},
    )
    criterion.delete()


@transaction.atomic
def vote_cast(*, criterion: Criterion, actor: Any, choice: str) -> Vote:
    """One vote per member per criterion: voting again changes the vote."""
    workshop = criterion.workshop
    require_member(workshop.issuer, actor)
    if choice not in VoteChoice.values:
        raise ActionRefused(_("Choose keep, drop or rephrase."))
    workshop = _locked_open(workshop)
    if not Criterion.objects.filter(pk=criterion.pk, workshop=workshop).exists():
        raise ActionRefused(_("This criterion has been removed."))
    vote, created = Vote.objects.update_or_create(
        criterion=criterion, voter=actor, defaults={"choice": choice}
    )
    _take_part(workshop, actor)
    audit.record(
        action="peers.vote.cast" if created else "peers.vote.changed",
        actor=actor,
        issuer=workshop.issuer,
        target=criterion,
        data={"choice": choice},
    )
    return vote


@transaction.atomic
def comment_add(*, criterion: Criterion, actor: Any, text: str) -> Comment:
    workshop = criterion.workshop
    require_member(workshop.issuer, actor)
    text = " ".join(line.strip() for line in (text or "").strip().splitlines()).strip()
    if not text:
        raise ActionRefused(_("Write your comment first."))
    if len(text) > 1000:
        raise ActionRefused(_("A comment is at most 1,000 characters."))
    workshop = _locked_open(workshop)
    comment = Comment.objects.create(criterion=criterion, author=actor, text=text)
    _take_part(workshop, actor)
    audit.record(
        action="peers.comment.added",
        actor=actor,
        issuer=workshop.issuer,
        target=criterion,
        data={"comment": str(comment.uuid)},
    )
    return comment


def _clean_group_name(workshop: Workshop, name: str, *, exclude: int | None = None) -> str:
    name = _one_line(name)
    if not name:
        raise ActionRefused(_("Give the group a name."))
    if len(name) > 100:
        raise ActionRefused(_("A group name is at most 100 characters."))
    same = CriterionGroup.objects.filter(workshop=workshop, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ActionRefused(_("There is already a group with this name."))
    return name


@transaction.atomic
def group_add(*, workshop: Workshop, actor: Any, name: str) -> CriterionGroup:
    require_facilitator(workshop.issuer, actor)
    workshop = _locked_open(workshop)
    name = _clean_group_name(workshop, name)
    count = CriterionGroup.objects.filter(workshop=workshop).count()
    if count >= MAX_GROUPS:
        raise ActionRefused(
            _("A workshop has at most %(max)d groups, so that the map stays readable.")
            % {"max": MAX_GROUPS}
        )
    top = CriterionGroup.objects.filter(workshop=workshop).aggregate(top=Max("position"))["top"]
    group = CriterionGroup.objects.create(workshop=workshop, name=name, position=(top or 0) + 1)
    audit.record(
        action="peers.group.added",
        actor=actor,
        issuer=workshop.issuer,
        target=group,
        data={"name": name},
    )
    return group


@transaction.atomic
def group_rename(*, group: CriterionGroup, actor: Any, name: str) -> CriterionGroup:
    workshop = group.workshop
    require_facilitator(workshop.issuer, actor)
    workshop = _locked_open(workshop)
    name = _clean_group_name(workshop, name, exclude=group.pk)
    if name != group.name:
        old = group.name
        group.name = name
        group.save(update_fields=["name"])
        audit.record(
            action="peers.group.renamed",
            actor=actor,
            issuer=workshop.issuer,
            target=group,
            data={"from": old, "name": name},
        )
    return group


@transaction.atomic
def group_remove(*, group: CriterionGroup, actor: Any) -> None:
    """Remove a group; its criteria stay, not grouped."""
    workshop = group.workshop
    require_facilitator(workshop.issuer, actor)
    workshop = _locked_open(workshop)
    audit.record(
        action="peers.group.removed",
        actor=actor,
        issuer=workshop.issuer,
        target=group,
        data={"name": group.name},
    )
    group.delete()


@transaction.atomic
def participant_show_name(*, workshop: Workshop, actor: Any, show: bool) -> Participant:
    """A member chooses whether their name is shown among the co-designers. After the badge
    is validated the choice still counts for badges awarded from then on."""
    require_member(workshop.issuer, actor)
    participant = _take_part(workshop, actor)
    if participant.show_name != show:
        participant.show_name = show
        participant.save(update_fields=["show_name"])
        CoDesigner.objects.filter(co_design__workshop=workshop, user=actor).update(show_name=show)
        audit.record(
            action="peers.participant.named" if show else "peers.participant.unnamed",
            actor=actor,
            issuer=workshop.issuer,
            target=workshop,
        )
    return participant


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
    workshop = _locked_open(workshop)
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
    return _one_line(getattr(user, "display_name", "") or "")[:150]


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
