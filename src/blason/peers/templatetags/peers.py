"""Template helpers of peer recognition: ``{% load peers %}``.

* ``{{ user|person }}``: the name a person chose, never their e-mail address;
* ``{{ badge|localised }}``, ``{{ badge|localised_name }}``: a badge's texts in the page's
  language (``blason.issuing.badges.selectors.badge_text``).

What peer recognition adds to other apps' pages is in ``blason.peers.fragments``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from blason.issuing.badges.selectors import BadgeText, badge_text
from blason.issuing.models import BadgeClass

register = template.Library()


@register.filter
def person(user: Any) -> str:
    name = (getattr(user, "display_name", "") or "").strip()
    return name or _("A member")


@register.filter
def localised(badge: BadgeClass) -> BadgeText:
    """The badge's texts in the page's language when it is translated, else the original
    (``text.foreign`` says when it needs its own ``lang``)."""
    return badge_text(badge)


@register.filter
def localised_name(badge: BadgeClass) -> str:
    """Only the badge's name, in the page's language when it is translated."""
    return badge_text(badge).name
