"""The parts of a workshop's page that its views render: the whole page (with a form's errors
or a refusal), one criterion's card for htmx, and the page's address at an anchor."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from blason.peers import selectors
from blason.peers.access import (
    WorkshopAccess,
)
from blason.peers.forms import (
    CriterionForm,
    GroupForm,
)
from blason.peers.models import Criterion, Workshop, WorkshopStatus


def workshop_url(workshop: Workshop, anchor: str = "") -> str:
    url = reverse("peers:workshop", args=[workshop.issuer.slug, workshop.uuid])
    return f"{url}#{anchor}" if anchor else url


def _criteria(found: WorkshopAccess, request: HttpRequest) -> list[Criterion]:
    return list(selectors.criteria_of(found.workshop, request.user))


def workshop_page(
    request: HttpRequest,
    found: WorkshopAccess,
    *,
    propose_form: CriterionForm | None = None,
    group_form: GroupForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    workshop = found.workshop
    groups = list(selectors.groups_of(workshop))
    criteria = _criteria(found, request)
    participant = selectors.participant_of(workshop, request.user)
    groups_qs = selectors.groups_of(workshop)
    context = {
        "access": found.access,
        "issuer": found.issuer,
        "workshop": workshop,
        "badge": workshop.badge,
        "facilitator": found.facilitator,
        "groups": groups,
        "branches": selectors.grouped(groups, criteria),
        "criteria_count": len(criteria),
        "kept_count": sum(1 for criterion in criteria if criterion.outcome == "kept"),
        "progress": selectors.rule_progress(workshop),
        "show_name": participant.show_name if participant else False,
        "has_name": bool(getattr(request.user, "display_name", "")),
        "propose_form": propose_form
        or CriterionForm(groups=groups_qs, facilitator=found.facilitator),
        "group_form": group_form or GroupForm(),
        "error": error,
        "user_id": request.user.pk,
        "co_design": selectors.co_design_of(workshop.badge)
        if workshop.status == WorkshopStatus.VALIDATED
        else None,
    }
    return render(request, "peers/workshop_detail.html", context, status=status)


def refused(
    request: HttpRequest, found: WorkshopAccess, message: str, criterion: Criterion | None = None
) -> HttpResponse:
    """A refused action: the card again with the message (htmx), or the page with it; 400."""
    if criterion is not None and getattr(request, "htmx", False):
        return criterion_card(request, found, criterion, error=message, status=400)
    return workshop_page(request, found, error=message, status=400)


def criterion_card(
    request: HttpRequest,
    found: WorkshopAccess,
    criterion: Criterion,
    *,
    error: str = "",
    comments_open: bool = False,
    status: int = 200,
) -> HttpResponse:
    fresh = selectors.criteria_of(found.workshop, request.user).filter(pk=criterion.pk).first()
    if fresh is None:  # removed meanwhile
        return HttpResponse("", status=status)
    return render(
        request,
        "peers/_criterion.html",
        {
            "criterion": fresh,
            "workshop": found.workshop,
            "issuer": found.issuer,
            "facilitator": found.facilitator,
            "groups": list(selectors.groups_of(found.workshop)),
            "user_id": request.user.pk,
            "error": error,
            "comments_open": comments_open or bool(error),
        },
        status=status,
    )
