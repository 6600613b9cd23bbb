"""A workshop's mind map: the badge in the middle, its groups of criteria as branches around
it, with a projector mode for the room (``blason.peers.access``: members only)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from blason.peers import selectors
from blason.peers.access import (
    workshop_for_member,
)
from blason.peers.models import Criterion, Workshop

# Where the branches of the mind map go around the badge, by how many there are.
BRANCH_AREAS: dict[int, tuple[str, ...]] = {
    1: ("n",),
    2: ("w", "e"),
    3: ("n", "se", "sw"),
    4: ("n", "e", "s", "w"),
    5: ("n", "e", "se", "sw", "w"),
    6: ("nw", "ne", "e", "se", "sw", "w"),
    7: ("n", "ne", "e", "se", "sw", "w", "nw"),
    8: ("n", "ne", "e", "se", "s", "sw", "w", "nw"),
}


# The end of each branch's line in the map's 100 by 100 drawing (the badge is at 50, 50).
BRANCH_ENDS = {
    "n": (50, 10),
    "ne": (84, 12),
    "e": (90, 50),
    "se": (84, 88),
    "s": (50, 90),
    "sw": (16, 88),
    "w": (10, 50),
    "nw": (16, 12),
}


def map_digest(workshop: Workshop) -> str:
    """Changes whenever what the map shows changes: the projector reloads only then."""
    criteria = Criterion.objects.filter(workshop=workshop).aggregate(
        count=Count("id", distinct=True),
        changed=Max("updated_at"),
        vote_total=Count("votes"),
        vote_changed=Max("votes__updated_at"),
    )
    names = list(selectors.groups_of(workshop).values_list("name", flat=True))
    state = repr((workshop.status, sorted(criteria.items()), names))
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def _branches(views: list[selectors.GroupView]) -> list[dict[str, Any]]:
    areas = BRANCH_AREAS.get(len(views), ())
    branches = []
    for index, view in enumerate(views):
        area = areas[index] if index < len(areas) else ""
        end = BRANCH_ENDS.get(area)
        branches.append({"view": view, "area": area, "end": end, "index": index + 1})
    return branches


def _map(request: HttpRequest, slug: str, workshop_uuid: str, *, projector: bool) -> HttpResponse:
    found = workshop_for_member(request, slug, workshop_uuid)
    workshop = found.workshop
    digest = map_digest(workshop)
    partial = getattr(request, "htmx", False)
    if partial and request.GET.get("v") == digest:
        return HttpResponse(status=204)
    groups = list(selectors.groups_of(workshop))
    criteria = list(selectors.criteria_of(workshop))
    context = {
        "access": found.access,
        "issuer": found.issuer,
        "workshop": workshop,
        "badge": workshop.badge,
        "branches": _branches(selectors.grouped(groups, criteria)),
        "criteria_count": len(criteria),
        "projector": projector,
        "digest": digest,
    }
    template = "peers/_map.html" if partial else "peers/workshop_map.html"
    return render(request, template, context)


@login_required
@require_GET
def workshop_map(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    return _map(request, slug, workshop_uuid, projector=False)


@login_required
@require_GET
def workshop_projector(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    return _map(request, slug, workshop_uuid, projector=True)
