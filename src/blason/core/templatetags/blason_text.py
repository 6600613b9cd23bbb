"""Markdown in templates: ``{% load blason_text %}``.

* ``{{ text|markdown }}``: Markdown as safe HTML (``blason.core.markdown.render_markdown``);
* ``{{ text|markdown_text }}``: the same text on one line without marks (cards, og tags);
* ``{{ path|starts_with:prefix }}``: whether a text starts with another, such as an address
  with one made by ``{% url ... as prefix %}`` (so a template names a route, not its path).
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from blason.core.markdown import markdown_to_text, render_markdown

register = template.Library()


@register.filter
def markdown(text: str | None) -> SafeString:
    return render_markdown(text)


@register.filter
def markdown_text(text: str | None) -> str:
    return markdown_to_text(text)


@register.filter
def starts_with(text: object, prefix: object) -> bool:
    return isinstance(text, str) and isinstance(prefix, str) and text.startswith(prefix or "\0")
