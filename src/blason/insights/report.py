"""The one-page report for funders: the figures and charts of a period, as a PDF
(WeasyPrint, as the claim posters and the VAE dossier). Made on request from the facts,
never stored; the same privacy rules as the dashboards ("< 5")."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from blason.insights import charts, privacy, selectors

TOP = 5  # the top badges fit on the page with the chart


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def report_html(board: selectors.Dashboard, title: str, language: str) -> str:
    with translation.override(language):
        months = board.monthly.months
        monthly = ""
        if months and board.monthly.series:
            series = [
                (name, [0 if board.scope.masked and privacy.is_hidden(v) else v for v in values])
                for name, values in board.monthly.series
            ]
            monthly = _data_uri(
                charts.stacked_months("report-monthly", _("Awards per month"), months, series)
            )
        top = [
            (badge.name, selectors.masked(board.scope, n), privacy.people(e))
            for badge, n, e in board.top[:TOP]
        ]
        members: list[tuple[str, str]] = []
        if board.scope.stack_by == "issuer":  # a network or the site: the awards of each member
            totals = sorted(
                ((name, sum(values)) for name, values in board.monthly.series),
                key=lambda row: (-row[1], row[0]),
            )
            members = [(name, selectors.masked(board.scope, n)) for name, n in totals[:TOP]]
        figures = board.figures
        return render_to_string(
            "insights/report.html",
            {
                "title": title,
                "board": board,
                "figures": figures,
                "awarded": selectors.masked(board.scope, figures.awarded),
                "earners": privacy.people(figures.earners),
                "completed": privacy.people(figures.completed),
                "hidden": privacy.HIDDEN,
                "monthly": monthly,
                "top": top,
                "members": members,
                "language": language,
                "site_name": settings.SITE_NAME,
                "made_on": timezone.localdate(),
            },
        )


def report_document(board: selectors.Dashboard, title: str, language: str) -> Any:
    """The laid-out report (a ``weasyprint.Document``): tests count its pages."""
    import weasyprint  # imported on first use, as the posters do
    from weasyprint.urls import URLFetcher

    # Everything the report shows is inline (data: addresses): no network, no server file.
    fetcher = URLFetcher(allowed_protocols={"data"})
    html = report_html(board, title, language)
    return weasyprint.HTML(string=html, url_fetcher=fetcher).render()


def report_pdf(board: selectors.Dashboard, title: str, language: str) -> bytes:
    pdf = report_document(board, title, language).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def filename(slug: str, board: selectors.Dashboard, language: str) -> str:
    return f"report-{slug}-{board.period.code}-{language}.pdf"
