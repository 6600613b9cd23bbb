"""The workshop pages: list, open, the workshop itself, what changed since it was shown (htmx
polling), and closing, reopening and validating it. Its criteria are ``criterion_views``, its
mind map ``map_views``; the parts of the page they all render are ``workshop_parts``.

Every view goes through ``blason.peers.access`` (404 for non-members, 403 for a member who is
not a facilitator) and writes only through ``blason.peers.services``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blason.core.access import current_user
from blason.core.exceptions import ActionRefused
from blason.issuing.models import BadgeClass, BadgeStatus
from blason.peers import selectors, services
from blason.peers.access import (
    group_space,
    is_facilitator_role,
    workshop_for_member,
)
from blason.peers.forms import (
    WorkshopForm,
)
from blason.peers.models import WorkshopStatus
from blason.peers.workshop_parts import (
    refused,
    workshop_page,
    workshop_url,
)


@login_required
@require_GET
def workshop_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = group_space(request, slug)
    return render(
        request,
        "peers/workshop_list.html",
        {
            "access": access,
            "issuer": access.issuer,
            "workshops": selectors.workshops_of(access.issuer),
            "facilitator": is_facilitator_role(access.role),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def workshop_new(request: HttpRequest, slug: str) -> HttpResponse:
    access = group_space(request, slug, facilitator=True)
    drafts = BadgeClass.objects.filter(issuer=access.issuer, status=BadgeStatus.DRAFT).exclude(
        workshops__status__in=[WorkshopStatus.OPEN, WorkshopStatus.CLOSED]
    )
    initial: dict[str, Any] = {}
    chosen = request.GET.get("badge")
    if chosen:
        initial["badge"] = drafts.filter(uuid=chosen).first() if _is_uuid(chosen) else None
    form = WorkshopForm(request.POST or None, drafts=drafts, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workshop = services.workshop_open(
                issuer=access.issuer,
                actor=current_user(request),
                badge=data["badge"],
                badge_name=data["badge_name"],
                badge_description=data["badge_description"],
                title=data["title"],
                rule=data["rule"],
                quorum=data["quorum"],
                majority=data["majority"],
                start_from_badge=data["start_from_badge"],
            )
        except ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The workshop is open. Show its page to the group!"))
            return redirect(workshop_url(workshop))
    return render(
        request,
        "peers/workshop_new.html",
        {"access": access, "issuer": access.issuer, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@login_required
@require_GET
def workshop_detail(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    return workshop_page(request, workshop_for_member(request, slug, workshop_uuid))


def _facilitator_action(
    request: HttpRequest, slug: str, workshop_uuid: str, action: str
) -> HttpResponse:
    found = workshop_for_member(request, slug, workshop_uuid, facilitator=True)
    actor = current_user(request)
    try:
        if action == "close":
            services.workshop_close(workshop=found.workshop, actor=actor)
            messages.success(
                request, _("The vote is closed. The kept criteria are now the badge's criteria.")
            )
        elif action == "reopen":
            services.workshop_reopen(workshop=found.workshop, actor=actor)
            messages.success(request, _("The vote is open again."))
        else:
            services.workshop_validate(workshop=found.workshop, actor=actor)
            messages.success(request, _("Validated and stamped! The badge is published."))
    except ActionRefused as exc:
        return refused(request, found, str(exc))
    return redirect(workshop_url(found.workshop))


@login_required
@require_POST
def workshop_close(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    return _facilitator_action(request, slug, workshop_uuid, "close")


@login_required
@require_POST
def workshop_reopen(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    return _facilitator_action(request, slug, workshop_uuid, "reopen")


@login_required
@require_POST
def workshop_validate(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    return _facilitator_action(request, slug, workshop_uuid, "validate")


@login_required
@require_GET
def live(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    """What changed since the page was shown, for htmx polling: the tallies (swapped out of
    band), and a note when there are new criteria or the vote was closed."""
    found = workshop_for_member(request, slug, workshop_uuid)
    if not getattr(request, "htmx", False):
        return redirect(workshop_url(found.workshop))
    tallies = list(selectors.tallies_of(found.workshop))
    known = request.GET.get("known", "")
    return render(
        request,
        "peers/_live.html",
        {
            "workshop": found.workshop,
            "tallies": tallies,
            "new_criteria": known.isdigit() and int(known) != len(tallies),
            "status_changed": request.GET.get("status") not in ("", None, found.workshop.status),
        },
    )
