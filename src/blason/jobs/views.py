"""Pages of the jobs app: the suggestions of the pickers, and a counsellor's view of the
local offers for the occupations of the badges a young person holds."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from blason.core.access import issuer_for_member
from blason.core.models import Role
from blason.jobs import selectors
from blason.jobs.forms import OffersSearchForm

MAX_QUERY = 100


def _typed(request: HttpRequest) -> str:
    """What the person typed: ``q``, or the picker's own input (``<field>`` or
    ``<field>_add``), which htmx sends under its name."""
    text = str(request.GET.get("q", ""))
    if not text:
        text = next((str(value) for value in request.GET.values() if value), "")
    return " ".join(text.split())[:MAX_QUERY]


@require_GET
def occupation_options(request: HttpRequest) -> HttpResponse:
    """``<option>`` elements for an occupations picker's datalist."""
    found = selectors.search_occupations(_typed(request), 20)
    response = render(
        request, "jobs/_options.html", {"options": [item.choice_label for item in found]}
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def place_options(request: HttpRequest) -> HttpResponse:
    """``<option>`` elements for a place picker's datalist."""
    found = selectors.search_places(_typed(request), 15)
    response = render(request, "jobs/_options.html", {"options": [place.label for place in found]})
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_required
@require_GET
def person_offers(request: HttpRequest, slug: str, person_uuid: UUID) -> HttpResponse:
    """A counsellor of a space sees the local offers for the occupations of the badges this
    space awarded a person (who holds them); nobody else's badges are shown."""
    access = issuer_for_member(request, slug, minimum=Role.REVIEWER)
    person = selectors.person_awarded_by(access.issuer, person_uuid)
    if person is None:
        raise Http404
    form = OffersSearchForm(request.GET or None)
    found = None
    held = selectors.held_occupations(person, issuer=access.issuer)
    if form.is_bound and form.is_valid() and form.cleaned_data["place"]:
        found = selectors.offers_for_person(
            person,
            form.cleaned_data["place"],
            issuer=access.issuer,
            distance_km=form.cleaned_data["distance"] or 10,
        )
    return render(
        request,
        "jobs/person_offers.html",
        {
            "access": access,
            "issuer": access.issuer,
            "person": person,
            "held": held,
            "form": form,
            "found": found,
        },
    )
