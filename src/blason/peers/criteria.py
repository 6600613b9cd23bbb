"""The writes of an open workshop: criteria proposed, edited and withdrawn, votes, comments,
groups of criteria, and whether a participant shows their name (services: keyword-only,
atomic, audited). Each locks the workshop against a concurrent close (``workshop_checks``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from blason.core import audit
from blason.core.exceptions import ActionRefused
from blason.peers.access import NotAllowed, is_facilitator_role, require_facilitator, require_member
from blason.peers.models import (
    CoDesigner,
    Comment,
    Criterion,
    CriterionGroup,
    Participant,
    Vote,
    VoteChoice,
    Workshop,
)
from blason.peers.workshop_checks import locked_open, one_line, take_part

MAX_GROUPS = 12  # branches around the badge: more would not read on a projector
MAX_CRITERIA = 200


def _group_of(workshop: Workshop, group: CriterionGroup | None) -> CriterionGroup | None:
    if group is not None and group.workshop_id != workshop.pk:
        raise ActionRefused(_("This group belongs to another workshop."))
    return group


def _clean_criterion(workshop: Workshop, text: str, *, exclude: int | None = None) -> str:
    text = one_line(text)
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
    workshop = locked_open(workshop)
    spoken_by = one_line(spoken_by)[:100]
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
    take_part(workshop, actor)
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
    workshop = locked_open(workshop)
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    changed: list[str] = []
    cleared = 0
    if text is not None and one_line(text) != criterion.text:
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
    workshop = locked_open(workshop)
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
    workshop = locked_open(workshop)
    if not Criterion.objects.filter(pk=criterion.pk, workshop=workshop).exists():
        raise ActionRefused(_("This criterion has been removed."))
    vote, created = Vote.objects.update_or_create(
        criterion=criterion, voter=actor, defaults={"choice": choice}
    )
    take_part(workshop, actor)
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
    workshop = locked_open(workshop)
    comment = Comment.objects.create(criterion=criterion, author=actor, text=text)
    take_part(workshop, actor)
    audit.record(
        action="peers.comment.added",
        actor=actor,
        issuer=workshop.issuer,
        target=criterion,
        data={"comment": str(comment.uuid)},
    )
    return comment


def _clean_group_name(workshop: Workshop, name: str, *, exclude: int | None = None) -> str:
    name = one_line(name)
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
    workshop = locked_open(workshop)
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
    workshop = locked_open(workshop)
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
    workshop = locked_open(workshop)
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
    participant = take_part(workshop, actor)
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
