"""Error pages in the site's layout and the visitor's language."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _page(request: HttpRequest, status: int) -> HttpResponse:
    return render(request, "core/error.html", {"status": status}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # The failure may be in what the layout needs (database, session): fall back to plain text.
    try:
        return _page(request, 500)
    except Exception:
        return HttpResponse(
            "Erreur du serveur, réessayez dans un instant. / Server error, please try again.",
            status=500,
            content_type="text/plain; charset=utf-8",
        )
