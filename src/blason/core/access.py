"""Access helpers used by every view that shows tenant data.

The rule, as in healthchecks: an object that belongs to an issuer the user is not a member of
does not exist for them (404, so nobody can probe which slugs or ids exist); a member without the
needed role gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from blason.core.models import Issuer, Membership, Role

if TYPE_CHECKING:  # core imports no domain app at run time (.importlinter)
    from blason.accounts.models import User

# What each role may do, from the most to the least powerful; a role includes those after it.
ROLE_ORDER: tuple[str, ...] = (Role.OWNER, Role.EDITOR, Role.AWARDER, Role.REVIEWER, Role.VIEWER)


def current_user(request: HttpRequest) -> User:
    """The signed-in person of a view protected by ``login_required``."""
    user = request.user
    if not isinstance(user, get_user_model()):
        raise PermissionDenied
    return user


def role_at_least(role: str, minimum: str) -> bool:
    return ROLE_ORDER.index(role) <= ROLE_ORDER.index(minimum)


@dataclass(frozen=True)
class IssuerAccess:
    issuer: Issuer
    membership: Membership

    @property
    def role(self) -> str:
        return self.membership.role

    def can(self, minimum: str) -> bool:
        return role_at_least(self.membership.role, minimum)


def issuer_for_member(
    request: HttpRequest, slug: str, *, minimum: str = Role.VIEWER
) -> IssuerAccess:
    """The issuer ``slug`` seen by the current user.

    404 when it does not exist or the user is not a member; 403 when the member's role is below
    ``minimum``.
    """
    user = request.user
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("issuer").filter(issuer__slug=slug, user=user).first()
    )
    if membership is None:
        raise Http404
    if not role_at_least(membership.role, minimum):
        raise PermissionDenied
    return IssuerAccess(issuer=membership.issuer, membership=membership)
