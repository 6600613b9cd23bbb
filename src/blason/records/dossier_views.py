"""VAE files: choose a target certification, order the badges and say what was done, download
the PDF and the ZIP, and give a counsellor a read-only link that expires."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blason.core.access import current_user
from blason.core.exceptions import ActionRefused
from blason.core.site import absolute_url
from blason.issuing.signing.selectors import KeyMissing
from blason.records import dossier as files
from blason.records import record, selectors, services
from blason.records.forms import DossierForm, EntriesForm, LinkForm
from blason.records.models import VaeDossier
from blason.records.views import attachment, language


def _dossier(request: HttpRequest, dossier_uuid: Any) -> VaeDossier:
    try:
        return selectors.dossier_for(current_user(request), dossier_uuid)
    except ValidationError as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def dossier_new(request: HttpRequest) -> HttpResponse:
    form = DossierForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "records/dossier_new.html", {"form": form}, status=400)
        dossier = services.dossier_create(user=current_user(request), **form.cleaned_data)
        count = dossier.entries.count()
        messages.success(
            request,
            ngettext(
                "Your VAE file is ready: %(count)d badge matching this certification is in it.",
                "Your VAE file is ready: %(count)d badges matching this certification are in it.",
                count,
            )
            % {"count": count},
        )
        return redirect("records:dossier", dossier.uuid)
    return render(request, "records/dossier_new.html", {"form": form})


def _rows(form: EntriesForm, dossier: VaeDossier) -> list[dict[str, Any]]:
    entries = {entry.item_id: entry for entry in dossier.entries.all()}
    rows = []
    for item in form.items:
        key = item.uuid.hex
        rows.append(
            {
                "item": item,
                "entry": entries.get(item.pk),
                "in": form[f"in-{key}"],
                "position": form[f"position-{key}"],
                "narrative": form[f"narrative-{key}"],
                "bloc": form[f"bloc-{key}"] if f"bloc-{key}" in form.fields else None,
                "file": form[f"file-{key}"],
            }
        )
    return rows


def _entries_form(request: HttpRequest, dossier: VaeDossier) -> EntriesForm:
    entries = sorted(dossier.entries.all(), key=lambda entry: (entry.position, entry.pk))
    chosen = [entry.item for entry in entries]
    taken = {item.pk for item in chosen}
    others = [item for item in selectors.own_items(dossier.owner) if item.pk not in taken]
    initial: dict[str, object] = {}
    for position, entry in enumerate(entries, start=1):
        key = entry.item.uuid.hex
        initial.update(
            {
                f"in-{key}": True,
                f"position-{key}": position,
                f"narrative-{key}": entry.narrative,
                f"bloc-{key}": entry.bloc,
            }
        )
    bound = request.method == "POST" and "save" in request.POST
    return EntriesForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        items=chosen + others,
        blocs=dossier.blocs,
        initial=initial,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_detail(request: HttpRequest, dossier_uuid: Any) -> HttpResponse:
    dossier = _dossier(request, dossier_uuid)
    form = _entries_form(request, dossier)
    if form.is_bound and form.is_valid():
        entries = []
        for row in form.chosen():
            upload = row["upload"]
            entries.append(
                services.EntryInput(
                    item=row["item"],
                    narrative=row["narrative"],
                    bloc=row["bloc"],
                    file=upload.read() if upload else None,
                    file_name=upload.name if upload else "",
                    file_type=upload.content_type or "" if upload else "",
                )
            )
        services.dossier_save(dossier=dossier, entries=entries)
        messages.success(request, _("Your VAE file is saved."))
        return redirect("records:dossier", dossier.uuid)
    links = [
        {"link": link, "address": absolute_url("records:counsellor", selectors.link_token(link))}
        for link in selectors.links_of(dossier)
    ]
    context = {
        "dossier": dossier,
        "form": form,
        "rows": _rows(form, dossier),
        "links": links,
        "link_form": LinkForm(),
    }
    return render(request, "records/dossier.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def dossier_pdf(request: HttpRequest, dossier_uuid: Any) -> HttpResponse:
    dossier = _dossier(request, dossier_uuid)
    pdf = files.dossier_pdf(dossier, current_user(request).display_name, language())
    return attachment(pdf, content_type="application/pdf", name=_name(dossier, "pdf"))


def _name(dossier: VaeDossier, extension: str) -> str:
    return f"vae-{slugify(dossier.rncp_code)}.{extension}"


@login_required
@require_GET
def dossier_zip(request: HttpRequest, dossier_uuid: Any) -> HttpResponse:
    dossier = _dossier(request, dossier_uuid)
    try:
        content = files.dossier_zip(dossier, language())
    except (record.NoSigner, KeyMissing) as exc:
        messages.error(request, str(exc))
        return redirect("records:dossier", dossier.uuid)
    return attachment(content, content_type="application/zip", name=_name(dossier, "zip"))


@login_required
@require_http_methods(["GET", "POST"])
def dossier_delete(request: HttpRequest, dossier_uuid: Any) -> HttpResponse:
    dossier = _dossier(request, dossier_uuid)
    if request.method == "POST":
        services.dossier_delete(dossier=dossier)
        messages.success(request, _("The VAE file was deleted."))
        return redirect("records:home")
    return render(request, "records/dossier_delete.html", {"dossier": dossier})


@login_required
@require_POST
def link_create(request: HttpRequest, dossier_uuid: Any) -> HttpResponse:
    dossier = _dossier(request, dossier_uuid)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say for whom the link is, and for how many days (1 to 90)."))
        return redirect("records:dossier", dossier.uuid)
    try:
        services.link_create(dossier=dossier, **form.cleaned_data)
    except ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("records:dossier", dossier.uuid)
    messages.success(request, _("The link is ready: copy it below and send it to your counsellor."))
    return redirect("records:dossier", dossier.uuid)


@login_required
@require_POST
def link_revoke(request: HttpRequest, dossier_uuid: Any, link_uuid: Any) -> HttpResponse:
    dossier = _dossier(request, dossier_uuid)
    link = selectors.links_of(dossier).filter(uuid=link_uuid).first()
    if link is None:
        raise Http404
    services.link_revoke(link=link)
    messages.success(request, _("The link is closed: it no longer opens your file."))
    return redirect("records:dossier", dossier.uuid)


@require_GET
def counsellor(request: HttpRequest, token: str) -> HttpResponse:
    """The dossier, read-only, for whoever holds an open link: nothing else of the person."""
    dossier, link = selectors.dossier_for_token(token)
    context = {
        "dossier": dossier,
        "entries": files.entries_of(dossier),
        "link": link,
        "token": token,
        "holder": dossier.owner.display_name,
    }
    response = render(request, "records/counsellor.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def counsellor_pdf(request: HttpRequest, token: str) -> HttpResponse:
    dossier, _link = selectors.dossier_for_token(token)
    pdf = files.dossier_pdf(dossier, dossier.owner.display_name, language())
    return attachment(pdf, content_type="application/pdf", name=_name(dossier, "pdf"))
