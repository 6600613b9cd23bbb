"""Markdown typed by people, made safe to show.

Descriptions, criteria narratives and award narratives are written in Markdown (Open Badges
defines ``narrative`` as Markdown), and so are the texts of other apps. They are rendered with
markdown-it-py (CommonMark, raw HTML off) and the result is cleaned again by nh3 against a short
allow-list, so that nothing typed can run a script or restyle the page, whatever markdown-it
lets through. Templates use it through ``{% load blason_text %}`` (``markdown``,
``markdown_text``).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import unescape
from typing import Any

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

MAX_MARKDOWN = 5000  # characters in one description or narrative

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "ul",
        "ol",
        "li",
        "a",
        "blockquote",
        "code",
        "pre",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener nofollow ugc"


def _demote_headings(state: StateCore) -> None:
    """``# Title`` becomes an ``h3``: on a badge page the ``h1`` is the badge's name and the
    ``h2`` the section ("Description"), so the text's own headings start below them."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"


def _image_as_link(
    renderer: RendererHTML, tokens: Sequence[Token], index: int, options: Any, env: Any
) -> str:
    """No pictures inside texts (they could track readers or shout): ``![alt](url)`` is shown
    as a link to the picture, named by its alternative text."""
    token = tokens[index]
    source = str(token.attrGet("src") or "")
    alt = renderer.renderInlineAsText(token.children or [], options, env) or source
    return f'<a href="{escape(source)}">{escape(alt)}</a>'


def _parser() -> MarkdownIt:
    parser = MarkdownIt(
        "commonmark", {"html": False, "linkify": False, "breaks": True, "typographer": False}
    )
    parser.core.ruler.push("demote_headings", _demote_headings)
    parser.add_render_rule("image", _image_as_link)
    return parser


_MARKDOWN = _parser()


def sanitise(html: str) -> str:
    """Keep only the allow-listed tags and attributes; links get ``rel="noopener nofollow ugc"``
    and only http, https and mailto addresses."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
    )


def render_markdown(text: str | None) -> SafeString:
    """Markdown typed by a person, as HTML that is safe to put in a page."""
    if not text or not text.strip():
        return mark_safe("")
    return mark_safe(sanitise(_MARKDOWN.render(text)).strip())  # noqa: S308 - cleaned by nh3


def markdown_to_text(text: str | None) -> str:
    """The words of a Markdown text on one line, without marks (previews, cards, og tags)."""
    if not text or not text.strip():
        return ""
    words = nh3.clean(_MARKDOWN.render(text), tags=set())
    return " ".join(unescape(words).split())
