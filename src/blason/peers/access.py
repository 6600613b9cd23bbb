"""Who may do what in a community's workshops: the one place that maps community roles onto
the space's roles.

* **Facilitator** (animateur, animatrice): an *editor* or *owner* of the space, the people
  who design badges anyway. They open workshops, group and rephrase criteria, close the vote,
  validate the badge and manage the join link.
* **Member**: anyone with a membership in the space, whatever the role (people who join by the
  link or QR code are *viewers*). Members propose, comment and vote.

Views reach workshops only through :func:`workshop_for_member` (404 for non-members, 403 for a
missing role, like ``blason.core.access``); services check again with :func:`require_member`
and :func:`require_facilitator`, so no caller can skip the rule.

**Validators** of badge requests are members of the space whom the badge's ``PeerRule`` names:
every member, the members who have the badge ("those who have it can give it"), the members who
have another badge of the space (ambassadors), the members with the reviewer role or above, or
members chosen by name. :func:`may_validate` decides for one person, from a
:class:`ValidatorFacts` read once per person (so a list of requests costs no query per row);
``selectors.validators_of`` gives the same people as a queryset (reminders, counts). The rules
are the same everywhere: facilitators edit them, every member reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from blason.core.access import IssuerAccess, issuer_for_member, role_at_least
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer, IssuerKind, Membership, Role
from blason.peers.models import PeerRule, Validators, Workshop

FACILITATOR_ROLE: str = Role.EDITOR
MEMBER_ROLE: str = Role.VIEWER  # the role given by the join link


class NotAllowed(ActionRefused):
    """The person's place in the space does not allow the action."""


def is_facilitator_role(role: str | None) -> bool:
    return role is not None and role_at_least(role, FACILITATOR_ROLE)


def has_workshops(issuer: Issuer) -> bool:
    """Workshops and join links are for groups: communities and organisations, not the
    personal space of one person."""
    return issuer.kind != IssuerKind.INDIVIDUAL


def membership_of(issuer: Issuer, user: Any) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(issuer=issuer, user=user).first()


def require_member(issuer: Issuer, user: Any) -> Membership:
    membership = membership_of(issuer, user)
    if membership is None:
        raise NotAllowed(_("Only members of this space can take part."))
    return membership


def require_facilitator(issuer: Issuer, user: Any) -> Membership:
    membership = require_member(issuer, user)
    if not is_facilitator_role(membership.role):
        raise NotAllowed(_("Only the facilitators of this space can do this."))
    return membership


def group_space(request: HttpRequest, slug: str, *, facilitator: bool = False) -> IssuerAccess:
    """The space ``slug`` seen by a member (404 for others; 403 when ``facilitator`` is asked
    of a member who is not one); 404 too for a personal space, which has no workshops."""
    access = issuer_for_member(
        request, slug, minimum=FACILITATOR_ROLE if facilitator else MEMBER_ROLE
    )
    if not has_workshops(access.issuer):
        raise Http404
    return access


@dataclass(frozen=True)
class WorkshopAccess:
    access: IssuerAccess
    workshop: Workshop

    @property
    def issuer(self) -> Issuer:
        return self.access.issuer

    @property
    def facilitator(self) -> bool:
        return is_facilitator_role(self.access.role)


def workshop_for_member(
    request: HttpRequest, slug: str, workshop_uuid: Any, *, facilitator: bool = False
) -> WorkshopAccess:
    access = group_space(request, slug, facilitator=facilitator)
    workshop = (
        Workshop.objects.select_related("badge", "issuer")
        .filter(issuer=access.issuer, uuid=workshop_uuid)
        .first()
    )
    if workshop is None:
        raise Http404
    return WorkshopAccess(access=access, workshop=workshop)


# Who may validate a badge request ------------------------------------------------------------


@dataclass(frozen=True)
class ValidatorFacts:
    """What decides whether one person may validate: their role in each space, the badges they
    hold, and the rules that name them. Read with ``selectors.validator_facts`` (three
    queries), whatever the number of requests looked at."""

    user_id: int | None
    roles: dict[int, str]  # issuer id -> role
    held_badges: frozenset[int]
    named_in: frozenset[int]  # PeerRule ids


def may_validate(rule: PeerRule | None, issuer_id: int, facts: ValidatorFacts) -> bool:
    """Whether the person of ``facts`` is a validator under ``rule`` (a badge of the space
    ``issuer_id``). Not whether they may answer one request: see ``why_not_validate``."""
    if rule is None or facts.user_id is None:
        return False
    role = facts.roles.get(issuer_id)
    if role is None:
        return False
    kind = rule.validators
    if kind == Validators.MEMBERS:
        return True
    if kind == Validators.HOLDERS:
        return rule.badge_id in facts.held_badges
    if kind == Validators.AMBASSADORS:
        return (
            rule.ambassador_badge_id is not None and rule.ambassador_badge_id in facts.held_badges
        )
    if kind == Validators.REVIEWERS:
        return role_at_least(role, Role.REVIEWER)
    if kind == Validators.NAMED:
        return rule.pk in facts.named_in
    return False
