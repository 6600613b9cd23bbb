"""``{% load insights %}``: figures as the privacy rules show them (``blason.insights.privacy``)."""

from __future__ import annotations

from typing import Any

from django import template

from blason.insights import privacy

register = template.Library()


@register.filter
def people(count: int | None) -> str:
    """A count of people: the number, or "< 5"."""
    return privacy.people(count)


@register.simple_tag
def award_count(board: Any, count: int) -> str:
    """A count of awards: "< 5" on dashboards showing other issuers' figures."""
    return privacy.people(count) if board.scope.masked else str(count)
