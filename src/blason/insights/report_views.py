"""The one-page PDF report for funders of a space (its members) and of the site (operators):
the dashboard's figures and charts for the period and badge chosen, in French or English. A
network's space reports the network's figures (its members' awards), as its dashboard does."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required, user_passes_test
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blason.core.access import issuer_for_member
from blason.core.models import Role
from blason.insights import report, selectors
from blason.insights.forms import FilterForm

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def _operator(user: object) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if not getattr(user, "is_staff", False):
        raise PermissionDenied
    return True


def _report(request: HttpRequest, scope: selectors.Scope, title: str, slug: str) -> HttpResponse:
    language = request.GET.get("lang") or (get_language() or settings.LANGUAGE_CODE)[:2]
    if language not in LANGUAGES:
        return HttpResponseBadRequest(
            _("The report is written in French or English (lang=fr or lang=en)."),
            content_type="text/plain; charset=utf-8",
        )
    choices = selectors.period_choices(scope)
    badges = selectors.scope_badges(scope)
    query = request.GET.copy()
    query.pop("lang", None)
    form = FilterForm(query or None, choices=choices, badges=badges)
    if query and not form.is_valid():
        return HttpResponseBadRequest(
            _("This filter does not exist; choose a period and a badge of the dashboard."),
            content_type="text/plain; charset=utf-8",
        )
    board = selectors.dashboard(
        scope, form.chosen_period(), form.chosen_badge(), choices=choices, badges=badges
    )
    pdf = report.report_pdf(board, title, language)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = report.filename(slug, board, language)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET"])
def issuer_report(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.VIEWER)
    scope = selectors.Scope.of_space(access.issuer)  # a network's space: the network's figures
    return _report(request, scope, access.issuer.name, access.issuer.slug)


@user_passes_test(_operator)
@require_http_methods(["GET"])
def site_report(request: HttpRequest) -> HttpResponse:
    return _report(request, selectors.Scope.site(), settings.SITE_NAME, "site")
