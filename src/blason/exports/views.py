"""Exports of a space (its owners): the whole space as one JSON document, streamed, and the
import of another Blason's export into an empty space; the open data of the skills map as
CSV (the site's, public; a space's, for its members)."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blason.core.access import current_user, issuer_for_member
from blason.core.models import Role
from blason.exports import archive, opendata, reading, selectors, services
from blason.exports.forms import ImportForm
from blason.insights.models import SITE, issuer_scope

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def space_exports(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.OWNER)
    issuer = access.issuer
    empty = services.is_empty(issuer)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > reading.max_bytes():  # refused before reading it
                    raise reading.too_large()
                made = services.archive_import(
                    issuer=issuer, actor=current_user(request), data=upload.read()
                )
            except reading.FileRefused as refused:
                form.add_error("file", str(refused))
            else:
                messages.success(
                    request,
                    _(
                        "Imported: %(badges)s badges, %(pathways)s pathways, %(links)s claim "
                        "links (with new codes) and %(awards)s awards kept as an archive."
                    )
                    % {
                        "badges": made.badges,
                        "pathways": len(made.kept.get("pathways", {})),
                        "links": len(made.kept.get("claimLinks", {})),
                        "awards": made.awards,
                    },
                )
                return redirect("exports:space", slug=issuer.slug)
        status = 400
    archived = Paginator(selectors.archived_of(issuer), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "exports/space.html",
        {
            "access": access,
            "issuer": issuer,
            "form": form,
            "empty": empty,
            "archives": list(selectors.archives_of(issuer)),
            "archived": archived,
            "max_mb": reading.max_bytes() // (1024 * 1024),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def space_export(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.OWNER)
    chunks = archive.document_chunks(access.issuer)
    response = StreamingHttpResponse(chunks, content_type="application/json; charset=utf-8")
    name = f"blason-export-{access.issuer.slug}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _open_data(scope_key: str, name: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(opendata.header())
        for row in opendata.rows(scope_key):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET"])
def site_open_data(request: HttpRequest) -> StreamingHttpResponse:
    return _open_data(SITE, "competences-territories.csv")


@login_required
@require_http_methods(["GET"])
def space_open_data(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.VIEWER)
    scope = issuer_scope(access.issuer.pk)
    return _open_data(scope, f"competences-territories-{access.issuer.slug}.csv")
