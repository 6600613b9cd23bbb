"""The registry of page fragments that apps add to each other's pages (blason.core.fragments)."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.utils.html import format_html

from blason.core import fragments


@pytest.fixture
def slots(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    empty: dict[str, list[Any]] = {}
    monkeypatch.setattr(fragments, "SLOTS", empty)
    return empty


def _page(source: str, **values: Any) -> str:
    return Template("{% load blason_fragments %}" + source).render(Context(values))


@pytest.mark.django_db
def test_a_slot_renders_its_fragments_in_the_order_registered(slots: dict[str, Any]) -> None:
    fragments.register("test.slot", lambda context, *, name: format_html("<b>{}</b>", name))
    fragments.register("test.slot", lambda context, *, name: "<i>plain</i>")
    html = _page('{% fragments "test.slot" name=who %}', who="Inès")
    assert html == "<b>Inès</b>&lt;i&gt;plain&lt;/i&gt;"


@pytest.mark.django_db
def test_registering_twice_adds_once_and_an_empty_slot_renders_nothing(
    slots: dict[str, Any],
) -> None:
    def part(context: Context) -> str:
        return "x"

    fragments.register("test.once", part)
    fragments.register("test.once", part)
    assert _page('{% fragments "test.once" %}|{% fragments "test.nobody" %}') == "x|"


@pytest.mark.django_db
def test_render_renders_an_app_template_in_the_page_s_context(slots: dict[str, Any]) -> None:
    def part(context: Context, *, count: int) -> str:
        return fragments.render(context, "peers/_waiting_count.html", {"count": count})

    fragments.register("test.count", part)
    assert _page('{% fragments "test.count" count=0 %}').strip() == ""
    assert "waiting-count" in _page('{% fragments "test.count" count=3 %}')


def test_the_apps_fill_the_slots_the_pages_name() -> None:
    from blason.backpack import fragments as backpack_fragments
    from blason.pathways import fragments as pathway_fragments
    from blason.peers import fragments as peer_fragments

    registered = fragments.SLOTS
    assert registered["badge_page.aside"] == [
        peer_fragments.badge_workshops,
        peer_fragments.ask_for_badge,
    ]
    assert registered["badge_public.aside"] == [
        peer_fragments.ask_for_badge,
        peer_fragments.co_designers,
        pathway_fragments.badge_public,
    ]
    assert registered["backpack.list"] == [pathway_fragments.backpack_list]
    assert registered["backpack.public_profile"] == [pathway_fragments.public_profile]
    assert registered["award_page.after_narrative"] == [peer_fragments.peer_endorsements]
    assert registered["dashboard.top"] == [peer_fragments.waiting_requests]
    assert registered["claim_status.keep"] == [backpack_fragments.keep_badge]
