"""Badge texts in Markdown: rendered for people, never a way to run a script in a page."""

from __future__ import annotations

from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any

import pytest
from django.template import Context, Template
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blason.issuing.badges.content import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    BadgeText,
    badge_text,
    criteria_markdown,
    markdown_to_text,
    render_markdown,
)


class Collector(HTMLParser):
    """Every start tag and attribute of a piece of HTML, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def parsed(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector.tags


def assert_safe(html: str) -> None:
    assert "<script" not in html.lower()
    for tag, attrs in parsed(html):
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attrs:
            assert not name.lower().startswith("on"), (name, html)
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, (tag, name, html)
            if name == "href":
                scheme = "".join((value or "").split()).lower().split(":", 1)[0]
                assert scheme in ("http", "https", "mailto") or ":" not in (value or ""), html


def test_common_formatting() -> None:
    html = render_markdown(
        "Aide **les autres** et *explique*.\nNouvelle ligne.\n\n- un\n- deux\n\n1. a\n2. b"
    )
    assert "<strong>les autres</strong>" in html
    assert "<em>explique</em>" in html
    assert "<br>" in html  # a single line break is kept, as people expect
    assert "<ul>\n<li>un</li>" in html
    assert "<ol>" in html


def test_links_are_marked_as_user_content() -> None:
    html = render_markdown("[France Travail](https://www.francetravail.fr)")
    assert html == (
        '<p><a href="https://www.francetravail.fr" rel="noopener nofollow ugc">'
        "France Travail</a></p>"
    )


def test_headings_start_below_the_page_sections() -> None:
    assert render_markdown("# Titre\n## Sous-titre") == "<h3>Titre</h3>\n<h4>Sous-titre</h4>"


def test_images_become_links() -> None:
    html = render_markdown("![Le groupe](https://example.org/photo.jpg)")
    assert "<img" not in html
    assert '<a href="https://example.org/photo.jpg" rel="noopener nofollow ugc">Le groupe</a>' in (
        html
    )


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[clic](javascript:alert(1))",
        "[clic](JaVaScRiPt:alert(1))",
        "[clic](java\tscript:alert(1))",
        "[clic](&#106;avascript:alert(1))",
        "[clic](vbscript:msgbox(1))",
        "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<style>body{display:none}</style>",
        '<div style="position:fixed">x</div>',
        "<iframe src=https://evil.example></iframe>",
        '[x](https://a.example "title" onmouseover=alert(1))',
        "<svg onload=alert(1)>",
        "```\n<script>alert(1)</script>\n```",
        "<<script>script>alert(1)<</script>/script>",
    ],
)
def test_hostile_input_is_neutralised(attack: str) -> None:
    html = render_markdown(attack)
    assert_safe(html)
    assert "javascript:" not in html.replace("&", "").lower() or "<a" not in html
    for tag, attrs in parsed(html):
        assert tag not in ("img", "iframe", "style", "svg", "div")
        assert all(name in ("href", "rel", "start") for name, _ in attrs)


# Pieces that Markdown and HTML attacks are made of, shuffled into any order.
markdownish = st.lists(
    st.sampled_from(
        [*"ab <>/\"'=:()[]!*_-#`\\&;\n\t", "javascript:", "onerror=", "<script", "http://", "&#"]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), markdownish))
def test_arbitrary_text_never_yields_active_content(text: str) -> None:
    html = render_markdown(text)
    assert_safe(html)
    for _tag, attrs in parsed(html):
        for name, value in attrs:
            if name == "href":
                assert not "".join((value or "").split()).lower().startswith("javascript:")


def test_plain_text_for_cards_and_previews() -> None:
    assert markdown_to_text("# Titre\n\n**Gras** & <b>\n- un\n- deux") == "Titre Gras & <b> un deux"
    assert markdown_to_text("") == ""


def test_markdown_filter_in_templates() -> None:
    template = Template("{% load badge_text %}{{ text|markdown }}|{{ text|markdown_text }}")
    out = template.render(Context({"text": "**a** <i>"}))
    assert out == "<p><strong>a</strong> &lt;i&gt;</p>|a &lt;i&gt;"


def test_criteria_as_one_markdown_text() -> None:
    assert criteria_markdown(["Accueille", "Oriente"], "Observé trois fois.") == (
        "- Accueille\n- Oriente\n\nObservé trois fois."
    )
    # The narrative stays its own paragraph, not a continuation of the last item.
    assert "<p>Observé" in render_markdown(criteria_markdown(["A"], "Observé"))
    assert criteria_markdown([], "Seul") == "Seul"


def badge(**fields: Any) -> Any:
    values = {
        "name": "Entraide",
        "description": "Aide les autres.",
        "criteria_items": ["Propose son aide"],
        "criteria": "Observé.",
        "language": "fr",
        "translations": {},
    }
    values.update(fields)
    return SimpleNamespace(**values)


ENGLISH = {
    "name": "Mutual help",
    "description": "Helps others.",
    "criteria_items": ["Offers help"],
    "criteria": "Observed.",
}


def test_badge_text_in_the_visitors_language() -> None:
    translated = badge(translations={"en": ENGLISH})
    text = badge_text(translated, "en")
    assert text == BadgeText(
        name="Mutual help",
        description="Helps others.",
        criteria_items=["Offers help"],
        criteria="Observed.",
        language="en",
        requested="en",
    )
    assert not text.foreign
    name, description, items, criteria = badge_text(translated, "fr-FR")
    assert (name, description, items, criteria) == (
        "Entraide",
        "Aide les autres.",
        ["Propose son aide"],
        "Observé.",
    )


def test_badge_text_falls_back_to_the_original() -> None:
    text = badge_text(badge(), "en")
    assert (text.name, text.language, text.foreign) == ("Entraide", "fr", True)
    half = badge(translations={"en": {**ENGLISH, "description": " "}})
    assert badge_text(half, "en").name == "Entraide"  # never half a translation
    assert badge_text(badge(translations={"en": "broken"}), "en").name == "Entraide"


def test_badge_text_follows_the_active_language() -> None:
    from django.utils import translation

    translated = badge(translations={"en": ENGLISH})
    with translation.override("en"):
        assert badge_text(translated).name == "Mutual help"
        out = Template("{% load badge_text %}{{ b|localised_name }}").render(
            Context({"b": translated})
        )
        assert out == "Mutual help"
    with translation.override("fr"):
        assert badge_text(translated).name == "Entraide"
