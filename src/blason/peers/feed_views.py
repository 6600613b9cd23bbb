"""The group's activity feed (``feed``): every member reads it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from blason.peers import feed
from blason.peers.access import group_space

PAGE_SIZE = 30


@login_required
@require_GET
def group_feed(request: HttpRequest, slug: str) -> HttpResponse:
    access = group_space(request, slug)
    page = Paginator(feed.entries(access.issuer), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "peers/feed.html",
        {
            "access": access,
            "issuer": access.issuer,
            "page": page,
            "moments": feed.moments(access.issuer, page.object_list),
        },
    )
