"""What every page may show about the signed-in person's account."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

# The pages that remind it: a member's home and the group's pages (where joining leads).
REMINDING = frozenset({"core:dashboard", "peers:workshops", "peers:workshop"})


def _unconfirmed(request: HttpRequest) -> str:
    """``"phone"`` or ``"email"`` when the signed-in person has not yet confirmed the number or
    address they gave (someone who joined a group from its link), ``""`` otherwise. Read only
    on the pages that remind it (one query at most)."""
    from allauth.account.models import EmailAddress

    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in REMINDING:
        return ""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.phone_verified:
        return ""
    if EmailAddress.objects.filter(user=user, verified=True).exists():
        return ""
    if user.phone:
        return "phone"
    return "email" if user.email else ""


def unconfirmed(request: HttpRequest) -> dict[str, Any]:
    return {"unconfirmed": SimpleLazyObject(lambda: _unconfirmed(request))}
