"""Pages of the jobs app: the suggestions of the pickers, where a person looks for job offers,
and a counsellor's view of the local offers for the occupations of the badges a young person
holds."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from blason.core.access import issuer_for_member
from blason.core.models import Role
from blason.jobs import selectors, services
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


def _next(request: HttpRequest) -> str:
    """The page to go back to (this site's only)."""
    wanted = str(request.POST.get("next") or request.GET.get("next") or "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return ""


@require_http_methods(["GET", "POST"])
def offers_place(request: HttpRequest) -> HttpResponse:
    """Where the person looks for job offers: a town and a distance, a département or a région,
    remembered for their next visits (``services.offers_place_remember``). The offers blocks of
    pathways post here and come back; without JavaScript, when several places match what was
    typed, this page asks which one."""
    chosen = selectors.offers_place(request.user, request.session)
    initial = {"place": chosen.place, "distance": chosen.distance_km or 10} if chosen else {}
    form = OffersSearchForm(request.POST or None, initial=initial)
    back = _next(request)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["place"]:
        services.offers_place_remember(
            user=request.user,
            session=request.session,
            place=form.cleaned_data["place"],
            distance_km=form.cleaned_data["distance"] or 10,
        )
        return redirect(back or "jobs:offers_place")
    if request.method == "POST" and form.is_valid():
        form.add_error("place", form.fields["place"].error_messages["required"])
    return render(
        request,
        "jobs/offers_place.html",
        {"form": form, "next": back, "chosen": chosen},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def person_offers(request: HttpRequest, slug: str, person_uuid: UUID) -> HttpResponse:
    """A counsellor of a space sees the local offers for the occupations of the badges this
    space awarded a person (who holds them) and of this space's pathways they follow or
    completed; nobody else's badges or pathways are shown."""
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
