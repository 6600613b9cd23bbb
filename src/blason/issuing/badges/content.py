"""What a badge says to people: its texts in the visitor's language, and its criteria as one
Markdown text.

Descriptions, criteria narratives and award narratives are written in Markdown (Open Badges
defines ``narrative`` as Markdown), shown through ``blason.core.markdown`` (made safe there;
``render_markdown`` and friends are imported here for the issuing app's code).

A badge is written in one language (``BadgeClass.language``) and may carry the same texts in
the other (``BadgeClass.translations``). Pages show the visitor's language when a complete
translation exists, else the original, and say which language the text is in (``lang``) so that
screen readers pronounce it right. The signed credential always carries the original texts:
Open Badges 3.0 has no multi-language values for them (see docs/designing-badges.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from blason.core.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    LINK_REL,
    MAX_MARKDOWN,
    URL_SCHEMES,
    markdown_to_text,
    render_markdown,
    sanitise,
)

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "LINK_REL",
    "MAX_MARKDOWN",
    "URL_SCHEMES",
    "markdown_to_text",
    "render_markdown",
    "sanitise",
]


def criteria_markdown(items: Sequence[str], narrative: str) -> str:
    """The criteria as one Markdown text (OB ``Criteria.narrative``): the list, then the
    narrative as its own paragraph (a blank line, or it would continue the last item)."""
    parts = []
    listed = "\n".join(f"- {item}" for item in items if item.strip())
    if listed:
        parts.append(listed)
    if narrative.strip():
        parts.append(narrative.strip())
    return "\n\n".join(parts)


def site_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def other_language(language: str) -> str:
    """The site's other language (Blason speaks French and English)."""
    others = [code for code in site_languages() if code != language]
    return others[0] if others else language


def short_language(language: str | None) -> str:
    """``fr-FR`` → ``fr``; the site's default when nothing is known."""
    code = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return code if code in site_languages() else settings.LANGUAGE_CODE


TRANSLATED_FIELDS = ("name", "description", "criteria_items", "criteria")


def complete_translation(entry: Any) -> bool:
    """A translation is shown only when it has the name, description and criteria."""
    return isinstance(entry, dict) and all(
        isinstance(entry.get(name), str) and entry[name].strip()
        for name in ("name", "description", "criteria")
    )


@dataclass(frozen=True)
class BadgeText:
    """The texts of a badge as a visitor reads them, and the language they are written in."""

    name: str
    description: str
    criteria_items: list[str] = field(default_factory=list)
    criteria: str = ""
    language: str = "fr"
    requested: str = "fr"

    @property
    def foreign(self) -> bool:
        """True when the text is not in the page's language (it needs its own ``lang``)."""
        return self.language != self.requested

    def __iter__(self) -> Any:
        """``name, description, criteria_items, criteria = badge_text(badge, "en")``."""
        return iter((self.name, self.description, self.criteria_items, self.criteria))


def badge_text(badge: Any, language: str | None = None) -> BadgeText:
    """The badge's texts in ``language`` (the active one by default) when it is translated
    into it, else in the language it was written in."""
    requested = short_language(language)
    original = short_language(badge.language)
    if requested != original:
        entry = (badge.translations or {}).get(requested)
        if isinstance(entry, dict) and complete_translation(entry):
            items = entry.get("criteria_items") or []
            return BadgeText(
                name=entry["name"].strip(),
                description=entry["description"],
                criteria_items=[str(item) for item in items if str(item).strip()],
                criteria=entry["criteria"],
                language=requested,
                requested=requested,
            )
    return BadgeText(
        name=badge.name,
        description=badge.description,
        criteria_items=list(badge.criteria_items or []),
        criteria=badge.criteria,
        language=original,
        requested=requested,
    )


LANGUAGE_SUMMARIES = {
    ("fr", False): _("French only"),
    ("fr", True): _("French, with an English translation"),
    ("en", False): _("English only"),
    ("en", True): _("English, with a French translation"),
}
WRITTEN_IN = {
    "fr": _("This badge is written in French."),
    "en": _("This badge is written in English."),
}


def language_summary(badge: Any) -> str:
    """The badge's languages, for its members: "French, with an English translation"."""
    language = short_language(badge.language)
    translated = any(
        code != language and complete_translation(entry)
        for code, entry in (badge.translations or {}).items()
    )
    return str(LANGUAGE_SUMMARIES.get((language, translated), language))


def written_in(language: str) -> str:
    return str(WRITTEN_IN.get(short_language(language), ""))
