"""Template helpers for what badges say: ``{% load badge_text %}``.

* ``{{ text|markdown }}``: Markdown as safe HTML (``blason.core.markdown.render_markdown``);
* ``{{ text|markdown_text }}``: the same text on one line without marks (cards, og tags);
* ``{% with text=badge|localised %}``: the badge's texts in the page's language when it is
  translated, else the original; ``text.foreign`` says when it needs its own ``lang``;
* ``{{ badge|localised_name }}``: only the name (titles, cards);
* ``{{ badge|language_summary }}``: "French, with an English translation";
* ``{{ entry|alignment_label }}``: "ROME M1607 · Développeur web".
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from blason.issuing.badges import alignments, content

register = template.Library()


@register.filter
def markdown(text: str | None) -> SafeString:
    return content.render_markdown(text)


@register.filter
def markdown_text(text: str | None) -> str:
    return content.markdown_to_text(text)


@register.filter
def localised(badge: Any) -> content.BadgeText:
    return content.badge_text(badge)


@register.filter
def localised_name(badge: Any) -> str:
    return content.badge_text(badge).name


@register.filter
def language_summary(badge: Any) -> str:
    return content.language_summary(badge)


@register.filter
def written_in(language: str) -> str:
    """The sentence "This badge is written in French.", for a page in another language."""
    return content.written_in(language)


@register.filter
def alignment_label(entry: dict[str, Any]) -> str:
    return alignments.label(entry)
