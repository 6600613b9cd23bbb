"""The skills map of a space (an issuer, a community or a network: its members) and of the site
(operators), and its tables as CSV. Pages read the skill cells only (``skills_map``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, user_passes_test
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blason.core.access import issuer_for_member
from blason.core.downloads import csv_response
from blason.core.models import Issuer, Role
from blason.insights import charts, maps, privacy, selectors, skills_map
from blason.insights.forms import QuickSelect
from blason.insights.views import _operator
from blason.jobs import selectors as jobs
from blason.networks import selectors as network_selectors
from blason.networks.models import Network

TABLES = ("competences", "territories")


class MapFilterForm(forms.Form):
    territory = forms.ChoiceField(
        label=gettext_lazy("Département"), required=False, widget=QuickSelect
    )
    competence = forms.ChoiceField(
        label=gettext_lazy("Competence"), required=False, widget=QuickSelect
    )

    def __init__(self, *args: Any, board: skills_map.SkillsMap, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        territory = self.fields["territory"]
        competence = self.fields["competence"]
        assert isinstance(territory, forms.ChoiceField)
        assert isinstance(competence, forms.ChoiceField)
        territory.choices = [("", _("Everywhere"))] + [
            (row.code, f"{row.name} ({row.code})") for row in board.territories
        ]
        competence.choices = [("", _("Any competence"))] + [
            (item.key, item.label) for item in board.competences
        ]


def _scope_of(issuer: Issuer) -> tuple[selectors.Scope, Network | None]:
    network = network_selectors.network_of(issuer)
    if network is not None:
        return selectors.Scope.of_network(network), network
    return selectors.Scope.of_issuer(issuer), None


def _board(
    request: HttpRequest,
    scope: selectors.Scope,
    focus: list[str],
    region: str = "",
    offers: bool = True,
) -> tuple[skills_map.SkillsMap, MapFilterForm]:
    base = skills_map.skills_map(scope, focus=focus)
    form = MapFilterForm(request.GET or None, board=base)
    territory = competence = ""
    if request.GET:
        if form.is_valid():
            territory = form.cleaned_data["territory"] or ""
            competence = form.cleaned_data["competence"] or ""
        else:
            messages.error(
                request, _("This filter does not exist; the map is of every competence.")
            )
    board = base
    if territory or competence:
        board = skills_map.skills_map(
            scope, territory=territory, competence=competence, focus=focus
        )
    if offers:
        board = skills_map.with_offers(board, region=region)
    return board, form


@lru_cache(maxsize=128)
def _drawn_map(
    values: tuple[tuple[str, int], ...],
    focus: tuple[str, ...],
    label: str,
    language: str,
) -> str:
    names = jobs.departement_names()

    def describe(name: str, shown: str) -> str:
        return _("%(name)s: %(people)s people") % {"name": name, "people": shown}

    return maps.render(
        label=label, values=dict(values), names=names, focus=focus, describe=describe
    )


@lru_cache(maxsize=128)
def _drawn_groups(items: tuple[tuple[str, int], ...], language: str) -> str:
    shown = [(title, 0 if privacy.is_hidden(n) else n) for title, n in items]
    return charts.ranked_bars("chart-groups", _("People per group of competences"), shown)


def _page(
    request: HttpRequest, board: skills_map.SkillsMap, form: MapFilterForm, **context: Any
) -> HttpResponse:
    if board.competence is not None:
        label = _("People holding “%(competence)s”, per département") % {
            "competence": board.competence.label
        }
    else:
        label = _("People holding a recognised competence, per département")
    drawn_map = _drawn_map(
        tuple(sorted(board.values.items())), tuple(board.focus), label, get_language()
    )
    groups = tuple((group.label, group.holders) for group in board.groups)
    return render(
        request,
        "insights/skills_map.html",
        {
            "board": board,
            "form": form,
            "map_svg": drawn_map,
            "map_label": label,
            "legend": maps.legend(maps.classes(board.values.values())),
            "groups_svg": _drawn_groups(groups, get_language()) if groups else "",
            "hidden": privacy.HIDDEN,
        }
        | context,
    )


def _csv(board: skills_map.SkillsMap, table: str, name: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404
    header, rows = skills_map.csv_rows(board, table)
    return csv_response(f"{name}-skills-{table}.csv", header, rows)


@login_required
@require_http_methods(["GET"])
def issuer_skills_map(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.VIEWER)
    scope, network = _scope_of(access.issuer)
    focus = skills_map.focus_of(scope, network, access.issuer)
    region = network.region_code if network is not None else access.issuer.region_code
    board, form = _board(request, scope, focus, region)
    return _page(request, board, form, issuer=access.issuer, access=access, network=network)


@login_required
@require_http_methods(["GET"])
def issuer_skills_csv(request: HttpRequest, slug: str, table: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.VIEWER)
    scope, network = _scope_of(access.issuer)
    focus = skills_map.focus_of(scope, network, access.issuer)
    board, _form = _board(request, scope, focus, offers=False)
    return _csv(board, table, access.issuer.slug)


@user_passes_test(_operator)
@require_http_methods(["GET"])
def site_skills_map(request: HttpRequest) -> HttpResponse:
    board, form = _board(request, selectors.Scope.site(), [])
    return _page(request, board, form, site=True)


@user_passes_test(_operator)
@require_http_methods(["GET"])
def site_skills_csv(request: HttpRequest, table: str) -> HttpResponse:
    board, _form = _board(request, selectors.Scope.site(), [], offers=False)
    return _csv(board, table, "site")
