"""Writes on people's accounts. Views, commands and tasks call these, never the ORM directly."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from sesame.utils import get_query_string

from blason.accounts.models import User
from blason.core import audit
from blason.core.emails import send_templated
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer, IssuerKind, Membership, Role
from blason.core.site import absolute_url


class AccountError(ActionRefused):
    """A business rule refused an action on an account."""


@transaction.atomic
def user_update_profile(*, user: User, display_name: str, language: str) -> User:
    changed = {}
    if user.display_name != display_name:
        changed["display_name"] = display_name
    if user.language != language:
        changed["language"] = language
    if changed:
        for field, value in changed.items():
            setattr(user, field, value)
        user.save(update_fields=list(changed))
        audit.record(action="accounts.user.updated", actor=user, target=user, data=changed)
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise AccountError(f"Unknown language {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
        audit.record(
            action="accounts.language.changed", actor=user, target=user, data={"language": language}
        )


def issuers_blocking_deletion(user: User) -> list[Issuer]:
    """Groups this person is the only owner of while others still belong to them."""
    return list(
        Issuer.objects.filter(
            pk__in=Membership.objects.filter(user=user, role=Role.OWNER).values("issuer")
        )
        .exclude(kind=IssuerKind.INDIVIDUAL)
        .annotate(
            owners=Count("memberships", filter=Q(memberships__role=Role.OWNER), distinct=True),
            members=Count("memberships", distinct=True),
        )
        .filter(owners=1, members__gt=1)
    )


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account. Refused while the person is the last owner of a shared group."""
    blocking = issuers_blocking_deletion(user)
    if blocking:
        names = ", ".join(issuer.name for issuer in blocking)
        raise AccountError(names)
    # The personal issuer profile goes with its person; shared ones stay with their members.
    Issuer.objects.filter(
        kind=IssuerKind.INDIVIDUAL, memberships__user=user, memberships__role=Role.OWNER
    ).delete()
    audit.record(
        action="accounts.user.deleted", actor=None, data={"user": str(user.uuid)}, target=None
    )
    user.delete()


def login_link_send(*, email: str) -> bool:
    """E-mail a one-time sign-in link if a verified address matches. Returns whether one went.

    The caller shows the same message either way so the form cannot be used to find out who
    has an account.
    """
    from allauth.account.models import EmailAddress

    address = (
        EmailAddress.objects.select_related("user")
        .filter(email__iexact=email.strip(), verified=True, user__is_active=True)
        .first()
    )
    if address is None:
        return False
    user = address.user
    # SITE_URL, not the request's Host header, so a forged Host cannot redirect the link.
    link = absolute_url("accounts:login_link_confirm") + get_query_string(user)
    send_templated(
        template_prefix="accounts/email/login_link",
        to=address.email,
        context={"user": user, "link": link, "minutes": settings.SESAME_MAX_AGE // 60},
        language=user.language or None,
    )
    audit.record(action="accounts.login_link.sent", actor=None, target=user)
    return True
