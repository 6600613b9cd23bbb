"""The backpack follows the account's verified identities: when an e-mail address is confirmed
or removed, or the phone number verified or removed, each badge is marked again as the person's
own or as issued to someone else."""

from __future__ import annotations

from typing import Any

from allauth.account import signals
from django.dispatch import receiver

from blason.accounts import signals as account_signals
from blason.backpack import recipients


@receiver(signals.email_confirmed)
def _email_confirmed(request: Any, email_address: Any, **kwargs: Any) -> None:
    recipients.refresh(email_address.user)


@receiver(signals.email_removed)
def _email_removed(request: Any, user: Any, email_address: Any, **kwargs: Any) -> None:
    recipients.refresh(user)


@receiver(account_signals.phone_verified)
def _phone_verified(sender: Any, user: Any, phone: str, **kwargs: Any) -> None:
    recipients.refresh(user)


@receiver(account_signals.phone_removed)
def _phone_removed(sender: Any, user: Any, phone: str, **kwargs: Any) -> None:
    recipients.refresh(user)
