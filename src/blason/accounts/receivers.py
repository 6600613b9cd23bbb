"""Audit entries for what allauth does (its signals are its only hook for these)."""

from __future__ import annotations

from typing import Any

from allauth.account import signals
from django.dispatch import receiver

from blason.core import audit


@receiver(signals.user_signed_up)
def _signed_up(request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(action="accounts.user.signed_up", actor=user, target=user)


@receiver(signals.email_confirmed)
def _email_confirmed(request: Any, email_address: Any, **kwargs: Any) -> None:
    audit.record(
        action="accounts.email.verified",
        actor=email_address.user,
        target=email_address.user,
        data={"email": email_address.email},
    )


@receiver(signals.email_changed)
def _email_changed(
    request: Any, user: Any, from_email_address: Any, to_email_address: Any, **kwargs: Any
) -> None:
    audit.record(action="accounts.email.changed", actor=user, target=user)


@receiver(signals.password_reset)
def _password_reset(request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(action="accounts.password.reset", actor=user, target=user)


@receiver(signals.password_changed)
def _password_changed(request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(action="accounts.password.changed", actor=user, target=user)
