"""Dashboards of an issuer or a community (its members), of a network (the members of the
network's space: its own space and its active members together) and of the site (operators),
their CSV downloads, and a person's choice about territory statistics. Pages read the facts
only. The skills map is in ``map_views``."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, user_passes_test
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blason.core.access import current_user, issuer_for_member
from blason.core.downloads import csv_response
from blason.core.models import Issuer, Role
from blason.insights import charts, privacy, selectors, services
from blason.insights.forms import FilterForm, TerritoryForm
from blason.insights.models import TerritoryOptOut
from blason.networks import selectors as network_selectors
from blason.networks.models import Network

CHARTS = ("monthly", "top")


def _operator(user: object) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if not getattr(user, "is_staff", False):
        raise PermissionDenied
    return True


def _scope(issuer: Issuer, network: Network | None) -> selectors.Scope:
    """A network's space shows the network's figures; any other space its own."""
    if network is not None:
        return selectors.Scope.of_network(network)
    return selectors.Scope.of_issuer(issuer)


def _board(request: HttpRequest, scope: selectors.Scope) -> tuple[selectors.Dashboard, FilterForm]:
    choices = selectors.period_choices(scope)
    badges = selectors.scope_badges(scope)
    form = FilterForm(request.GET or None, choices=choices, badges=badges)
    if request.GET and not form.is_valid():
        messages.error(request, _("This filter does not exist; the figures are for every badge."))
    board = selectors.dashboard(
        scope, form.chosen_period(), form.chosen_badge(), choices=choices, badges=badges
    )
    return board, form


def _charts(board: selectors.Dashboard) -> dict[str, str]:
    """The charts of a dashboard, drawn once per set of facts in each process (drawing takes
    longer than reading the facts; kept in memory, so a page writes nothing)."""
    monthly = tuple((title, tuple(values)) for title, values in board.monthly.series)
    top = tuple((badge.name, n) for badge, n, _e in board.top)
    return dict(
        _drawn(board.scope.masked, tuple(board.monthly.months), monthly, top, get_language())
    )


@lru_cache(maxsize=256)
def _drawn(
    masked: bool,
    months: tuple[Any, ...],
    monthly: tuple[tuple[str, tuple[int, ...]], ...],
    top: tuple[tuple[str, int], ...],
    language: str,
) -> tuple[tuple[str, str], ...]:
    def shown(value: int) -> int:  # a bar under five people would tell what the table hides
        return 0 if masked and privacy.is_hidden(value) else value

    drawn = []
    if months and monthly:
        series = [(title, [shown(v) for v in values]) for title, values in monthly]
        svg = charts.stacked_months("chart-monthly", _("Awards per month"), months, series)
        drawn.append(("monthly", svg))
    if top:
        items = [(title, shown(n)) for title, n in top]
        drawn.append(("top", charts.ranked_bars("chart-top", _("Awards per badge"), items)))
    return tuple(drawn)


def _page(
    request: HttpRequest, board: Any, form: FilterForm, context: dict[str, Any]
) -> HttpResponse:
    return render(
        request,
        "insights/dashboard.html",
        {"board": board, "form": form, "charts": _charts(board), "hidden": privacy.HIDDEN}
        | context,
    )


def _csv(board: selectors.Dashboard, chart: str, name: str) -> HttpResponse:
    if chart not in CHARTS:
        raise Http404
    header, rows = selectors.csv_rows(board, chart)
    return csv_response(f"{name}-{chart}.csv", header, rows)


@login_required
@require_http_methods(["GET"])
def issuer_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.VIEWER)
    network = network_selectors.network_of(access.issuer)
    board, form = _board(request, _scope(access.issuer, network))
    context = {"issuer": access.issuer, "access": access, "network": network}
    return _page(request, board, form, context)


@login_required
@require_http_methods(["GET"])
def issuer_dashboard_csv(request: HttpRequest, slug: str, chart: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.VIEWER)
    network = network_selectors.network_of(access.issuer)
    board, _form = _board(request, _scope(access.issuer, network))
    return _csv(board, chart, access.issuer.slug)


@user_passes_test(_operator)
@require_http_methods(["GET"])
def site_dashboard(request: HttpRequest) -> HttpResponse:
    board, form = _board(request, selectors.Scope.site())
    return _page(request, board, form, {"site": True})


@user_passes_test(_operator)
@require_http_methods(["GET"])
def site_dashboard_csv(request: HttpRequest, chart: str) -> HttpResponse:
    board, _form = _board(request, selectors.Scope.site())
    return _csv(board, chart, "site")


@user_passes_test(_operator)
@require_http_methods(["POST"])
def refresh_request(request: HttpRequest) -> HttpResponse:
    services.facts_refresh_request(actor=current_user(request))
    messages.success(request, _("The figures will be counted again in a moment."))
    return redirect("insights:site")


@login_required
@require_http_methods(["GET", "POST"])
def territory_settings(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    opted_out = TerritoryOptOut.objects.filter(user=user).exists()
    data = request.POST if request.method == "POST" else None  # unticked: an empty form
    form = TerritoryForm(data, initial={"opted_out": opted_out})
    if request.method == "POST" and form.is_valid():
        services.territory_opt_out_set(user=user, opted_out=form.cleaned_data["opted_out"])
        messages.success(request, _("Your choice is saved."))
        return redirect("insights:territory")
    return render(request, "insights/territory.html", {"form": form, "opted_out": opted_out})
