"""``{% fragments "slot.name" key=value %}``: what the apps add to this page at that slot
(``blason.core.fragments``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from blason.core import fragments as registry

register = template.Library()


@register.simple_tag(takes_context=True)
def fragments(context: template.Context, slot: str, **values: Any) -> SafeString:
    return registry.render_slot(slot, context, **values)
