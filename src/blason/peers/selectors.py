"""Reads of peer recognition, with their joins done: pages run a bounded number of queries.

Why one module of over 400 lines: the reads of one workshop page and its mind map (participants,
criteria with their votes and comments, groups, co-designers) are built together so that each
page runs a bounded number of queries; split, the prefetches that keep that bound would be
spread over several files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from blason.backpack import selectors as backpack_selectors
from blason.core import selectors as core_selectors
from blason.core.access import ROLE_ORDER
from blason.core.models import Issuer, Membership, Role
from blason.issuing.models import Award, BadgeClass, BadgeStatus
from blason.peers.access import ValidatorFacts, may_validate
from blason.peers.models import (
    BadgeRequest,
    CoDesign,
    CoDesigner,
    Comment,
    Criterion,
    CriterionGroup,
    Decision,
    JoinLink,
    Participant,
    PeerRule,
    RequestStatus,
    Validation,
    ValidationRule,
    Validators,
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


# Badge requests and peer validation -------------------------------------------------------------


def standing_awards() -> QuerySet[Award]:
    """Awards that count as "having the badge": neither revoked nor expired."""
    return Award.objects.filter(revoked_at__isnull=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now())
    )


def _held_by(user: Any) -> Q:
    """Awards held by ``user``: those provably theirs, as their backpack says it
    (``backpack.selectors.own_awards``: collected, asked for, or waiting at one of their
    verified identities under their name), never an award merely addressed to an address or
    number they verified (a typo, a number that changed hands)."""
    return backpack_selectors.own_awards(user)


def held_badge_ids(user: Any) -> frozenset[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(standing_awards().filter(_held_by(user)).values_list("badge_id", flat=True))


def validator_facts(user: Any) -> ValidatorFacts:
    """What ``access.may_validate`` needs about ``user``: three queries."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ValidatorFacts(user_id=None, roles={}, held_badges=frozenset(), named_in=frozenset())
    roles = dict(Membership.objects.filter(user=user).values_list("issuer_id", "role"))
    named = PeerRule.reviewers.through.objects.filter(user=user).values_list(
        "peerrule_id", flat=True
    )
    return ValidatorFacts(
        user_id=user.pk, roles=roles, held_badges=held_badge_ids(user), named_in=frozenset(named)
    )


def holders_of(badge: BadgeClass) -> QuerySet[Any]:
    """The accounts that have ``badge`` (see ``_held_by``)."""
    owners = backpack_selectors.award_owner_ids(standing_awards().filter(badge=badge))
    return get_user_model().objects.filter(pk__in=owners)


def validators_of(rule: PeerRule) -> QuerySet[Any]:
    """Everyone who may validate requests under ``rule``, as a queryset: the same people as
    ``access.may_validate`` says yes to."""
    issuer_id = rule.badge.issuer_id
    members = Membership.objects.filter(issuer_id=issuer_id)
    kind = rule.validators
    if kind == Validators.REVIEWERS:
        reviewer_roles = ROLE_ORDER[: ROLE_ORDER.index(Role.REVIEWER) + 1]
        members = members.filter(role__in=reviewer_roles)
    people = get_user_model().objects.filter(pk__in=members.values("user_id"), is_active=True)
    if kind == Validators.HOLDERS:
        people = people.filter(pk__in=holders_of(rule.badge).values("pk"))
    elif kind == Validators.AMBASSADORS:
        if rule.ambassador_badge is None:
            return people.none()
        people = people.filter(pk__in=holders_of(rule.ambassador_badge).values("pk"))
    elif kind == Validators.NAMED:
        people = people.filter(pk__in=rule.reviewers.values("pk"))
    return people


def rule_of(badge: BadgeClass) -> PeerRule | None:
    return (
        PeerRule.objects.select_related("badge__issuer", "ambassador_badge")
        .filter(badge=badge)
        .first()
    )


def open_rule_of(badge: BadgeClass) -> PeerRule | None:
    """The badge's rule when it takes requests now (published, rule not paused)."""
    if badge.status != BadgeStatus.PUBLISHED:
        return None
    rule = rule_of(badge)
    return rule if rule is not None and rule.accepts_requests else None


def with_counts(requests: QuerySet[BadgeRequest]) -> QuerySet[BadgeRequest]:
    return requests.annotate(
        approvals=Count("validations", filter=Q(validations__decision=Decision.APPROVE)),
        refusals=Count("validations", filter=Q(validations__decision=Decision.REFUSE)),
    )


def _validations() -> Prefetch[Any]:
    return Prefetch(
        "validations",
        queryset=Validation.objects.select_related("validator").order_by("created_at", "id"),
    )


def requests_of(user: Any) -> QuerySet[BadgeRequest]:
    """The requests ``user`` made, newest first, with their answers (for the explanations)."""
    return (
        with_counts(BadgeRequest.objects.filter(requester=user))
        .select_related("badge", "issuer", "badge__peer_rule", "award")
        .prefetch_related(_validations())
        .order_by("-created_at", "-id")
    )


def _eligible(facts: ValidatorFacts) -> Q:
    """``access.may_validate`` as a condition on requests (their badge's rule)."""
    reviewing = [
        issuer_id
        for issuer_id, role in facts.roles.items()
        if ROLE_ORDER.index(role) <= ROLE_ORDER.index(Role.REVIEWER)
    ]
    rule = "badge__peer_rule__"
    return (
        Q(**{f"{rule}validators": Validators.MEMBERS})
        | Q(**{f"{rule}validators": Validators.HOLDERS, "badge_id__in": facts.held_badges})
        | Q(
            **{
                f"{rule}validators": Validators.AMBASSADORS,
                f"{rule}ambassador_badge_id__in": facts.held_badges,
            }
        )
        | Q(**{f"{rule}validators": Validators.REVIEWERS, "issuer_id__in": reviewing})
        | Q(**{f"{rule}validators": Validators.NAMED, f"{rule}pk__in": facts.named_in})
    )


def requests_to_validate(user: Any, *, limit: int = 200) -> list[BadgeRequest]:
    """Pending requests ``user`` may answer (other people's, in spaces where the badge's rule
    makes them a validator), the unanswered first, oldest first, each with ``answered``
    (whether they did) and the counts. Five queries whatever the number of requests."""
    facts = validator_facts(user)
    if not facts.roles:
        return []
    mine = Validation.objects.filter(request=OuterRef("pk"), validator=user)
    candidates = (
        with_counts(
            BadgeRequest.objects.filter(
                _eligible(facts),
                issuer_id__in=list(facts.roles),
                status=RequestStatus.PENDING,
            ).exclude(requester=user)
        )
        .annotate(answered=Exists(mine))
        .select_related("badge", "issuer", "requester", "badge__peer_rule")
        .order_by("answered", "created_at", "id")
    )
    return [
        request
        for request in candidates[:limit]
        if may_validate(getattr(request.badge, "peer_rule", None), request.issuer_id, facts)
    ]


def request_in(issuer: Issuer, request_uuid: Any) -> BadgeRequest | None:
    return (
        with_counts(BadgeRequest.objects.filter(issuer=issuer, uuid=request_uuid))
        .select_related("badge", "issuer", "requester", "badge__peer_rule", "award")
        .prefetch_related(_validations())
        .first()
    )


def rules_of(issuer: Issuer) -> list[BadgeClass]:
    """The published badges of the space with their rule (``peer_rule`` or none), the
    ambassadors' badge and the named validators: for the governance page, three queries."""
    return list(
        BadgeClass.objects.filter(issuer=issuer, status=BadgeStatus.PUBLISHED)
        .select_related("peer_rule", "peer_rule__ambassador_badge")
        .prefetch_related("peer_rule__reviewers")
        .annotate(pending=Count("requests", filter=Q(requests__status=RequestStatus.PENDING)))
        .order_by("name", "id")
    )


def signing_name(user: Any) -> str:
    """The name a validator's endorsements carry: their personal issuer's name (what
    ``core.services.personal_issuer_for`` would give it when it does not exist yet)."""
    personal = core_selectors.personal_issuer_of(user)
    if personal is not None:
        return personal.name
    return str(user.display_name or (user.email or "").split("@", 1)[0] or user)


def requests_in(issuer: Issuer, *, status: str = "") -> QuerySet[BadgeRequest]:
    """The space's requests, newest first (only those of ``status`` when given)."""
    requests = BadgeRequest.objects.filter(issuer=issuer)
    if status:
        requests = requests.filter(status=status)
    return (
        with_counts(requests)
        .select_related("badge", "issuer", "requester", "badge__peer_rule")
        .order_by("-created_at", "-id")
    )
