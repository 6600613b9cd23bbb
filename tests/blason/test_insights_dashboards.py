"""The dashboards: the figures of the fixture network, their access, their CSV, their queries."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blason.insights import services
from blason.insights.models import BadgeMonth, PeriodTotal, TerritoryOptOut, issuer_scope
from tests.blason.insights_fixtures import network
from tests.factories import BadgeFactory, UserFactory

pytestmark = pytest.mark.django_db


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def counted(world: Any) -> Any:
    net = network(world)
    services.facts_refresh()
    return net


def test_the_dashboard_shows_the_hand_count(world: Any, counted: Any) -> None:
    page = browser(world.member).get(reverse("insights:issuer", args=["org-a"]))
    assert page.status_code == 200
    figures = page.context["board"].figures
    assert (figures.awarded, figures.earners, figures.claimed, figures.shared) == (11, 9, 2, 1)
    assert figures.claim_rate == 18
    assert figures.share_rate == 9
    html = page.content.decode()
    drawn = page.context["charts"]
    assert set(drawn) == {"monthly", "top"}
    assert all("<script" not in svg and 'role="img"' in svg for svg in drawn.values())
    assert drawn["monthly"] in html
    assert "Accueil" in html
    assert "Cuisine" in html


def test_small_groups_show_less_than_five(world: Any, counted: Any) -> None:
    url = reverse("insights:issuer", args=["org-a"])
    page = browser(world.member).get(url, {"badge": str(counted.cuisine.uuid)})
    board = page.context["board"]
    assert board.badge == counted.cuisine
    assert board.figures.earners == 2
    html = page.content.decode()
    assert "&lt; 5" in html  # two earners, and no rate over two people
    assert board.figures.claim_rate is None


def test_a_year_and_a_wrong_filter(world: Any, counted: Any) -> None:
    url = reverse("insights:issuer", args=["org-a"])
    page = browser(world.member).get(url, {"period": "y2025"})
    assert page.context["board"].figures.awarded == 7
    assert next(m.isoformat() for m in page.context["board"].monthly.months) == "2025-01-01"
    wrong = browser(world.member).get(url, {"period": "nope", "badge": "nope"})
    assert wrong.status_code == 200
    assert wrong.context["board"].figures.awarded == 11


def test_the_csv_of_a_chart(world: Any, counted: Any) -> None:
    url = reverse("insights:issuer_monthly_csv", args=["org-a"])
    response = browser(world.member).get(url)
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Month,Accueil,Cuisine,Total" or lines[0].startswith("Mois")
    assert "2025-03,7,0,7" in lines
    assert "2026-01,2,2,4" in lines
    top = browser(world.member).get(reverse("insights:issuer_top_csv", args=["org-a"]))
    assert "Accueil" in top.content.decode("utf-8-sig")


def test_outsiders_see_nothing(world: Any, counted: Any) -> None:
    outsider = browser(world.outsider)
    assert outsider.get(reverse("insights:issuer", args=["org-a"])).status_code == 404
    csv_url = reverse("insights:issuer_top_csv", args=["org-a"])
    assert outsider.get(csv_url).status_code == 404
    assert outsider.get(reverse("insights:site")).status_code == 403
    assert Client().get(reverse("insights:issuer", args=["org-a"])).status_code == 302


def test_the_site_dashboard_hides_small_counts(world: Any, counted: Any) -> None:
    operator = UserFactory(email="op@example.org", is_staff=True)
    page = browser(operator).get(reverse("insights:site"))
    assert page.status_code == 200
    assert page.context["board"].figures.awarded == 13
    top = browser(operator).get(reverse("insights:site_top_csv"))
    rows = top.content.decode("utf-8-sig").splitlines()
    assert any(row.startswith("Badge B2,Organisation B,< 5,< 5") for row in rows), rows


def test_the_dashboard_runs_a_bounded_number_of_queries(world: Any, counted: Any) -> None:
    client = browser(world.member)
    url = reverse("insights:issuer", args=["org-a"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    # Twenty more badges with two years of monthly facts: the page reads as many queries.
    months = [date(2024, 1, 1) + timedelta(days=31 * n) for n in range(24)]
    for number in range(20):
        extra = BadgeFactory(issuer=world.org_a, name=f"Extra {number}")
        BadgeMonth.objects.bulk_create(
            BadgeMonth(issuer=world.org_a, badge=extra, month=m.replace(day=1), awarded=5)
            for m in months
        )
        PeriodTotal.objects.create(
            scope=issuer_scope(world.org_a.pk), badge=extra, period="all", awarded=120
        )
    with CaptureQueriesContext(connection) as more:
        page = client.get(url)
    assert len(page.context["board"].monthly.series) == 7  # six largest and the others
    assert len(more) == len(few)
    assert len(few) <= 12, [q["sql"] for q in few]


def test_a_person_opts_out_of_territory_statistics(world: Any) -> None:
    client = browser(world.member)
    url = reverse("insights:territory")
    assert client.get(url).status_code == 200
    assert client.post(url, {"opted_out": "on"}).status_code == 302
    assert TerritoryOptOut.objects.filter(user=world.member).exists()
    client.post(url, {})
    assert not TerritoryOptOut.objects.filter(user=world.member).exists()
