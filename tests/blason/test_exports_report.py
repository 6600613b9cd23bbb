"""The one-page PDF report for funders: the dashboard's figures of a period, French or
English, with the same privacy rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from blason.insights import periods, report, selectors, services
from tests.blason.insights_fixtures import network

pytestmark = pytest.mark.django_db


def test_report_is_one_page_with_the_figures(world: Any) -> None:
    network(world)
    services.facts_refresh()
    scope = selectors.Scope.of_issuer(world.org_a)
    board = selectors.dashboard(scope, periods.fixed()[0], None)
    html = report.report_html(board, "Organisation A", "fr")
    assert "Badges attribués" in html
    assert "<dd>11</dd>" in html  # 9 Accueil + 3 Cuisine awards, one of them revoked
    assert "data:image/svg+xml;base64," in html  # the monthly chart
    english = report.report_html(board, "Organisation A", "en")
    assert "Badges awarded" in english
    document = report.report_document(board, "Organisation A", "en")
    assert len(document.pages) == 1


def test_report_download(client: Any, world: Any) -> None:
    network(world)
    services.facts_refresh()
    client.force_login(world.member)  # a viewer
    url = reverse("insights:issuer_report", args=[world.org_a.slug])
    response = client.get(url, {"period": "y2026", "lang": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "report-org-a-y2026-en.pdf" in response["Content-Disposition"]
    wrong = client.get(url, {"lang": "de"}, HTTP_ACCEPT_LANGUAGE="en")
    assert wrong.status_code == 400
    assert "French or English" in wrong.content.decode()
    assert client.get(url, {"period": "y1800"}).status_code == 400
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_site_report_hides_small_counts(world: Any) -> None:
    network(world)
    services.facts_refresh()
    board = selectors.dashboard(selectors.Scope.site(), periods.fixed()[0], None)
    html = report.report_html(board, "Blason", "en")
    assert "&lt; 5" in html  # Badge B2, awarded to two people


def test_the_dashboards_link_to_the_exports(client: Any, world: Any) -> None:
    client.force_login(world.admin)  # an owner
    page = client.get(
        reverse("insights:issuer", args=[world.org_a.slug]), {"period": "all"}
    ).content.decode()
    assert reverse("insights:issuer_report", args=[world.org_a.slug]) + "?period=all" in page
    assert reverse("exports:space_open_data", args=[world.org_a.slug]) in page
    whole = f'href="{reverse("exports:space", args=[world.org_a.slug])}"'
    assert whole in page
    client.force_login(world.member)  # a viewer: no awards CSV, no whole export
    page = client.get(reverse("insights:issuer", args=[world.org_a.slug])).content.decode()
    assert reverse("insights:issuer_report", args=[world.org_a.slug]) in page
    assert whole not in page
    assert reverse("issuing:award_list", args=[world.org_a.slug]) + '">' not in page
