"""``{% load blason_slots %}{% slot "name" %}``: the parts other apps add to this place of the
page (``blason.core.hooks.SLOTS``), so that a page shows them without loading their template
tags or importing them."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join

from blason.core import hooks

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context: Any, name: str) -> str:
    parts = [render(context) for render in hooks.SLOTS.get(name, [])]
    return format_html_join("", "{}", ((part,) for part in parts if part))
