"""Writes on people's accounts. Views, commands and tasks call these, never the ORM directly."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
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


# --- Phone numbers (allauth's adapter calls these: ``accounts.adapters``) -------------------


@transaction.atomic
def phone_set_unverified(*, user: User, phone: str) -> None:
    """Put a number on the account, not proven yet (a sign-up waiting for its SMS code).
    A verified number it had is replaced only once the new one is verified."""
    if user.phone == phone and user.phone_verified:
        return
    if user.phone_verified and user.phone:
        return  # keeps its proven number until the new one is proven (``phone_verify``)
    user.phone, user.phone_verified, user.phone_verified_at = phone, False, None
    user.save(update_fields=["phone", "phone_verified", "phone_verified_at"])


@transaction.atomic
def phone_verify(*, user: User, phone: str) -> None:
    """The account typed back the code sent to ``phone``: the number is its own, in place of
    the one it had. Accounts that held the number without proving it lose it."""
    from blason.accounts import signals

    previous = user.phone if user.phone_verified else None
    if previous == phone:
        return
    User.objects.filter(phone=phone, phone_verified=False).exclude(pk=user.pk).update(phone="")
    user.phone, user.phone_verified, user.phone_verified_at = phone, True, timezone.now()
    user.save(update_fields=["phone", "phone_verified", "phone_verified_at"])
    audit.record(
        action="accounts.phone.verified",
        actor=user,
        target=user,
        data={"phone": phone, "replaces": previous or ""},
    )
    if previous:
        signals.phone_removed.send(sender=User, user=user, phone=previous)
    signals.phone_verified.send(sender=User, user=user, phone=phone)


def can_remove_phone(user: User) -> bool:
    """An account keeps a way in: its phone number goes only if a verified e-mail address
    stays."""
    from allauth.account.models import EmailAddress

    return bool(EmailAddress.objects.filter(user=user, verified=True).exists())


@transaction.atomic
def phone_remove(*, user: User) -> None:
    """Take the phone number off the account (refused when it is the only way to sign in).
    Badges already in the backpack stay; new ones awarded to the number no longer arrive."""
    from blason.accounts import signals

    if not user.phone:
        return
    if user.phone_verified and not can_remove_phone(user):
        raise AccountError(
            _("Add and confirm an e-mail address first: without it you could not sign in.")
        )
    previous, verified = user.phone, user.phone_verified
    user.phone, user.phone_verified, user.phone_verified_at = "", False, None
    user.save(update_fields=["phone", "phone_verified", "phone_verified_at"])
    audit.record(action="accounts.phone.removed", actor=user, target=user, data={"phone": previous})
    if verified:
        signals.phone_removed.send(sender=User, user=user, phone=previous)


def send_text(*, to: str, body: str, scope: str) -> bool:
    """Send a sign-in text message now (``blason.core.sms``, urgent: the person is waiting for
    it). When it cannot go (SMS off, too many to this number), the page says so."""
    from allauth.core import context
    from django.contrib import messages

    from blason.core import sms

    sent: bool = sms.send_sms(to=to, body=body, scope=scope, urgent=True)
    request = context.request
    if not sent and request is not None:
        messages.error(
            request,
            _(
                "We could not send a text message to this number just now. Wait a few minutes "
                "and ask for a new code, or use an e-mail address."
            ),
        )
    return sent
