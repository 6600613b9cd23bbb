"""A published pathway for everyone: its page, its JSON document at a stable address, and
"Follow this pathway" for signed-in people."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from blason.core.access import current_user
from blason.core.exceptions import ActionRefused
from blason.pathways import documents, offers, selectors, services
from blason.pathways.holdings import held_by


def _shape(pathway_uuid: Any) -> Any:
    pathway = selectors.public_pathway(pathway_uuid)
    shape = selectors.shape_of(pathway) if pathway is not None else None
    if shape is None:
        raise Http404
    return shape


@require_GET
def pathway_public(request: HttpRequest, pathway_uuid: Any) -> HttpResponse:
    shape = _shape(pathway_uuid)
    user = request.user
    progress = selectors.progress_of(shape.pathway, user)
    held = held_by(user.pk) if user.is_authenticated else None
    view = selectors.view_of(shape, held, followed=bool(progress and progress.followed))
    codes = list(shape.pathway.occupations)
    where = offers.context_for(request)
    return render(
        request,
        "pathways/public.html",
        {
            "pathway": shape.pathway,
            "view": view,
            "signed_in": user.is_authenticated,
            "occupations": offers.occupations_of(codes),
            "where": where,
            "offers": offers.offers_for(codes, where.chosen),
        },
    )


@require_GET
def pathway_json(request: HttpRequest, pathway_uuid: Any) -> HttpResponse:
    shape = _shape(pathway_uuid)
    body = json.dumps(documents.pathway_document(shape), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
@require_POST
def pathway_follow(request: HttpRequest, pathway_uuid: Any) -> HttpResponse:
    shape = _shape(pathway_uuid)
    follow = request.POST.get("follow", "yes") != "no"
    try:
        services.pathway_follow(pathway=shape.pathway, user=current_user(request), follow=follow)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("You follow this pathway: it is shown in your backpack.")
            if follow
            else _("You no longer follow this pathway."),
        )
    return redirect("pathways:public", shape.pathway.uuid)
