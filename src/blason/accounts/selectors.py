"""Reads about accounts."""

from __future__ import annotations

from django.utils.translation import gettext as _

from blason.accounts.models import User
from blason.core.exceptions import ActionRefused


def normalise_phone(text: str) -> str:
    """The E.164 form of a phone number as people write it ("06 12 34 56 78" in France), read
    the way awarding reads it (``issuing.awards.normalise_phone``). Raises ``ActionRefused``."""
    from blason.issuing.awarding.services import normalise_phone as normalise

    if not text.strip():
        raise ActionRefused(_("Type a phone number."))
    return normalise(text.strip())


def user_with_phone(phone: str) -> User | None:
    """The active account that proved this number its own, if any (numbers nobody verified
    belong to no one)."""
    try:
        number = normalise_phone(phone)
    except ActionRefused:
        return None
    return User.objects.filter(phone=number, phone_verified=True, is_active=True).first()
