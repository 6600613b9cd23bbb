"""The one-page PDF report for funders: the dashboard's figures of a period, French or
English, with the same privacy rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from blason.insights import periods, report, selectors, services
from tests.blason.insights_fixtures import network
from tests.blason.test_claim_posters import laid_out_text
from tests.blason.test_insights_network import make_network

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


def test_a_networks_report_gives_the_networks_figures(
    client: Any, world: Any, monkeypatch: Any
) -> None:
    """The report of a network's space counts its members' awards, stacked by member, with
    "< 5" where the network's table hides it: read from the laid-out PDF."""
    network(world)
    made = make_network(world)
    services.facts_refresh()
    texts: list[str] = []
    original = report.report_document

    def reading(*args: Any, **kwargs: Any) -> Any:
        document = original(*args, **kwargs)
        assert len(document.pages) == 1
        texts.append(laid_out_text(document))
        return document

    monkeypatch.setattr(report, "report_document", reading)
    client.force_login(world.admin)  # the network's owner
    url = reverse("insights:issuer_report", args=[made.issuer.slug])
    response = client.get(url, {"period": "all", "lang": "fr"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    (text,) = texts
    # By hand: Organisation A, 11 live awards (9 Accueil, 3 Cuisine, one revoked) to 9 people;
    # Organisation B, 2 awards of Badge B2 to 2 people. The network's own space awards nothing.
    assert "Réseau test" in text
    assert "Badges attribués 13" in text
    assert "Personnes distinctes 11" in text
    assert "Attributions par membre" in text
    assert "Organisation A 11" in text
    assert "Organisation B < 5" in text  # 2 awards: another member's people, hidden
    assert "Badge B2 < 5 < 5" in text
    assert "Accueil 9" in text
    # The network's dashboard links to this report.
    page = client.get(reverse("insights:issuer", args=[made.issuer.slug])).content.decode()
    assert reverse("insights:issuer_report", args=[made.issuer.slug]) in page
