"""Reads of peer recognition, with their joins done: pages run a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from blason.core.models import Issuer
from blason.issuing.models import BadgeClass
from blason.peers.models import (
    CoDesign,
    CoDesigner,
    Comment,
    Criterion,
    CriterionGroup,
    JoinLink,
    Participant,
    ValidationRule,
    Vote,
    VoteChoice,
    Workshop,
)


def active_join_link(issuer: Issuer) -> JoinLink | None:
    return JoinLink.objects.filter(issuer=issuer, revoked_at__isnull=True).first()


def workshops_of(issuer: Issuer) -> QuerySet[Workshop]:
    return (
        Workshop.objects.filter(issuer=issuer)
        .select_related("badge")
        .annotate(
            criteria_count=Count("criteria", distinct=True),
            participant_count=Count("participants", distinct=True),
        )
        .order_by("-created_at")
    )


def running_workshops_for(badge: BadgeClass) -> QuerySet[Workshop]:
    return Workshop.objects.filter(badge=badge).exclude(status="validated")


def groups_of(workshop: Workshop) -> QuerySet[CriterionGroup]:
    return CriterionGroup.objects.filter(workshop=workshop).order_by("position", "id")


def with_tallies(criteria: QuerySet[Criterion]) -> QuerySet[Criterion]:
    return criteria.annotate(
        keep_count=Count("votes", filter=Q(votes__choice=VoteChoice.KEEP)),
        drop_count=Count("votes", filter=Q(votes__choice=VoteChoice.DROP)),
        rephrase_count=Count("votes", filter=Q(votes__choice=VoteChoice.REPHRASE)),
        vote_count=Count("votes"),
    )


def criteria_of(workshop: Workshop, user: Any = None) -> QuerySet[Criterion]:
    """The workshop's criteria in map order, with their tallies, their comments and the vote
    of ``user`` (``my_vote``, empty when they have not voted)."""
    criteria = with_tallies(
        Criterion.objects.filter(workshop=workshop).select_related("group", "author")
    ).order_by(Coalesce("group__position", 10_000), "group_id", "position", "id")
    if user is not None and getattr(user, "is_authenticated", False):
        mine = Vote.objects.filter(criterion=OuterRef("pk"), voter=user).values("choice")[:1]
        criteria = criteria.annotate(my_vote=Subquery(mine))
    return criteria.prefetch_related(
        Prefetch("comments", queryset=Comment.objects.select_related("author").order_by("id"))
    )


def tallies_of(workshop: Workshop) -> QuerySet[Criterion]:
    """Only what the live tallies need: one query."""
    return with_tallies(Criterion.objects.filter(workshop=workshop)).only(
        "id", "uuid", "workshop_id", "outcome"
    )


@dataclass(frozen=True)
class GroupView:
    """A branch of the mind map: a group (``None`` for criteria not grouped yet)."""

    group: CriterionGroup | None
    criteria: list[Criterion]

    @property
    def name(self) -> str:
        return self.group.name if self.group is not None else ""

    @property
    def key(self) -> str:
        return str(self.group.uuid) if self.group is not None else "ungrouped"


def grouped(groups: list[CriterionGroup], criteria: list[Criterion]) -> list[GroupView]:
    """Criteria arranged by group, in the groups' order; the ungrouped ones last (only when
    there are some). Empty groups are kept: the facilitator prepares branches in advance."""
    by_group: dict[int | None, list[Criterion]] = {group.pk: [] for group in groups}
    loose: list[Criterion] = []
    for criterion in criteria:
        if criterion.group_id in by_group:
            by_group[criterion.group_id].append(criterion)
        else:
            loose.append(criterion)
    views = [GroupView(group=group, criteria=by_group[group.pk]) for group in groups]
    if loose:
        views.append(GroupView(group=None, criteria=loose))
    return views


@dataclass(frozen=True)
class RuleProgress:
    rule: str
    needed: int
    participants: int
    votes: int

    @property
    def reached(self) -> int:
        return self.participants if self.rule == ValidationRule.PARTICIPANTS else self.votes

    @property
    def met(self) -> bool:
        return self.reached >= self.needed

    @property
    def percent(self) -> int:
        return min(100, self.reached * 100 // max(self.needed, 1))


def contributors(workshop: Workshop) -> dict[int, dict[str, int]]:
    """Each member who proposed or voted, with how many proposals and votes: two queries."""
    found: dict[int, dict[str, int]] = {}
    proposals = (
        Criterion.objects.filter(workshop=workshop, author__isnull=False)
        .values("author")
        .annotate(n=Count("id"))
    )
    for proposal in proposals:
        entry = found.setdefault(proposal["author"], {"proposals": 0, "votes": 0})
        entry["proposals"] = proposal["n"]
    votes = (
        Vote.objects.filter(criterion__workshop=workshop).values("voter").annotate(n=Count("id"))
    )
    for vote in votes:
        found.setdefault(vote["voter"], {"proposals": 0, "votes": 0})["votes"] = vote["n"]
    return found


def rule_progress(workshop: Workshop) -> RuleProgress:
    """How far the group is from its validation rule: members who took part (proposed or
    voted) and votes cast. Two queries."""
    found = contributors(workshop)
    return RuleProgress(
        rule=workshop.rule,
        needed=workshop.quorum,
        participants=len(found),
        votes=sum(entry["votes"] for entry in found.values()),
    )


def participant_of(workshop: Workshop, user: Any) -> Participant | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Participant.objects.filter(workshop=workshop, user=user).first()


@dataclass(frozen=True)
class CoDesignView:
    """What people may see of a badge's co-design: the named co-designers (those who chose to
    be named) and how many others took part."""

    co_design: CoDesign
    names: list[str]
    others: int

    @property
    def total(self) -> int:
        return len(self.names) + self.others


def co_design_of(badge: BadgeClass) -> CoDesignView | None:
    co_design = (
        CoDesign.objects.filter(badge=badge)
        .select_related("workshop")
        .prefetch_related(
            Prefetch("co_designers", queryset=CoDesigner.objects.order_by("name", "id"))
        )
        .first()
    )
    if co_design is None:
        return None
    designers = list(co_design.co_designers.all())
    names = [designer.public_name for designer in designers if designer.public_name]
    return CoDesignView(co_design=co_design, names=names, others=len(designers) - len(names))
