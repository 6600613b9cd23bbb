"""The dashboards' and skills maps' pages: their filters drawn by ``QuickSelect`` (the same
``<select>`` as Django's), a number of queries that does not grow with the badges of a
network, and the time of the last count of the figures said on every page, in both languages."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.db import connection
from django.test import Client
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blason.insights import services
from blason.insights.forms import QuickSelect
from blason.insights.models import Refresh
from blason.issuing.badges.alignments import normalise
from tests.blason.insights_fixtures import JANUARY, badge, give
from tests.blason.test_insights_network import make_network
from tests.factories import BadgeFactory, UserFactory

pytestmark = pytest.mark.django_db

CHOICES = [
    ("", "Every badge"),
    ("a1", "Accueil & <cuisine>"),
    ("b2", 'Badge "B"'),
    ("c3", "Badge C"),
    ("a1", "Accueil again"),  # a value twice: only the first is chosen, as Django does
]


@pytest.mark.parametrize("value", [None, "", "b2", "a1", "nothing"])
@pytest.mark.parametrize("attrs", [{"id": "id_badge"}, {"id": "id_x", "required": True}])
def test_quick_select_draws_the_select_django_draws(value: Any, attrs: dict[str, Any]) -> None:
    ours = QuickSelect(choices=CHOICES).render("badge", value, attrs=dict(attrs))
    django = forms.Select(choices=CHOICES).render("badge", value, attrs=dict(attrs))
    assert parse_html(ours) == parse_html(django)
    assert "&lt;cuisine&gt;" in ours
    assert "&quot;B&quot;" in ours
    assert ours.count(" selected") == (0 if value == "nothing" else 1)


def test_quick_select_leaves_grouped_choices_to_django() -> None:
    grouped = [("Group", [("a", "A"), ("b", "B")]), ("c", "C")]
    ours = QuickSelect(choices=grouped).render("x", "b", attrs={"id": "id_x"})
    assert "<optgroup" in ours
    assert parse_html(ours) == parse_html(
        forms.Select(choices=grouped).render("x", "b", {"id": "id_x"})
    )


def _queries(client: Client, url: str, **params: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, params)
    assert page.status_code == 200
    return len(queries), page.content.decode()


def test_the_network_pages_run_as_many_queries_with_200_badges_as_with_2(world: Any) -> None:
    made = make_network(world)
    first = badge(
        world, "Accueil", alignments=[normalise(kind="ROME", code="G1602", name="Cuisine")]
    )
    give(world, first, "p@example.org", JANUARY)
    services.facts_refresh()
    client = Client()
    client.force_login(world.admin)
    dashboard = reverse("insights:issuer", args=[made.issuer.slug])
    skills = reverse("insights:issuer_skills", args=[made.issuer.slug])
    before = [
        _queries(client, dashboard)[0],
        _queries(client, dashboard, badge=str(first.uuid))[0],
        _queries(client, skills)[0],
    ]
    for number in range(200):
        issuer = world.org_a if number % 2 else world.org_b
        BadgeFactory(issuer=issuer, name=f"Badge {number:03}")
    services.facts_refresh()
    after, html = _queries(client, dashboard, badge=str(first.uuid))
    assert [_queries(client, dashboard)[0], after, _queries(client, skills)[0]] == before
    assert max(before) <= 14
    # Every badge of the network is a choice of the filter, the chosen one selected.
    select = html.split('<select name="badge"', 1)[1].split("</select>", 1)[0]
    assert select.count("<option ") == 1 + 200 + 3  # "every badge", the new ones, the world's
    assert f'<option value="{first.uuid}" selected>Accueil</option>' in html


FRESH = {
    "en": ("Figures counted on", "The figures have not been counted yet"),
    "fr": ("Chiffres comptés le", "pas encore été comptés"),
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_says_when_its_figures_were_counted(world: Any, language: str) -> None:
    made = make_network(world)
    operator = UserFactory(email="operator@example.org", is_staff=True, language=language)
    Refresh.objects.filter(pk=1).delete()
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(operator)
    pages = [reverse("insights:site"), reverse("insights:site_skills")]
    space = Client(HTTP_ACCEPT_LANGUAGE=language)
    world.admin.language = language
    world.admin.save()
    space.force_login(world.admin)
    spaces = [
        reverse("insights:issuer", args=[made.issuer.slug]),
        reverse("insights:issuer_skills", args=[made.issuer.slug]),
        reverse("insights:issuer", args=["org-a"]),
        reverse("insights:issuer_skills", args=["org-a"]),
    ]
    counted, not_yet = FRESH[language]
    for who, url in [(client, u) for u in pages] + [(space, u) for u in spaces]:
        html = who.get(url).content.decode()
        assert f'<html lang="{language}"' in html, url
        assert not_yet in html, url
    services.facts_refresh()
    when = Refresh.objects.get(pk=1).finished_at
    assert when is not None
    assert when <= timezone.now()
    for who, url in [(client, u) for u in pages] + [(space, u) for u in spaces]:
        html = who.get(url).content.decode()
        assert counted in html, url
        assert str(timezone.localtime(when).year) in html.split(counted, 1)[1][:60], url
