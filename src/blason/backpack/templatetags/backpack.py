"""The ways to keep a badge given with a claim code: ``{% keep_badge award %}``."""

from __future__ import annotations

from typing import Any

from django import template

from blason.backpack import keeping

register = template.Library()


@register.inclusion_tag("backpack/_keep.html", takes_context=True)
def keep_badge(context: template.Context, award: Any) -> dict[str, Any]:
    """The ways to keep an award given with a claim code (``keeping``): into a backpack, or
    without an account. For a claim page: only an award that can still be collected."""
    return keep_values(context, award)


def keep_values(context: template.Context, award: Any) -> dict[str, Any]:
    """What ``backpack/_keep.html`` shows (also rendered on other apps' pages:
    ``blason.backpack.fragments``)."""
    user = context.get("user")
    return {
        "keep": keeping.keeping(award),
        "user": user,
        "account": keeping.account_label(user) if user is not None else "",
        "SIGNUP_OPEN": context.get("SIGNUP_OPEN"),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
