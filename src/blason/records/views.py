"""My record: export the learner record (CLR 2.0) and its annex, import one; the list of VAE
files. (The VAE files themselves: ``dossier_views``.)"""

from __future__ import annotations

from allauth.core.ratelimit import consume as ratelimit_consume
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from blason.core import audit
from blason.core.access import current_user
from blason.issuing.signing.selectors import KeyMissing
from blason.records import record, selectors
from blason.records.forms import RecordImportForm
from blason.records.record_import import RecordRefused, record_import


def language() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "fr"


def attachment(content: bytes | str, *, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _home(request: HttpRequest, notice: str = "") -> HttpResponse:
    user = current_user(request)
    held, annexed = record.split(list(selectors.own_items(user)))
    context = {
        "held": [item for item, _document in held],
        "annexed": annexed,
        "dossiers": list(selectors.dossiers_of(user)),
        "notice": notice,
    }
    return render(request, "records/home.html", context)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What the record holds, the buttons to download it, and the person's VAE files."""
    return _home(request)


@login_required
@require_GET
def record_download(request: HttpRequest) -> HttpResponse:
    """The signed learner record, as a JSON file."""
    user = current_user(request)
    try:
        made = record.build(user)
    except (record.NoSigner, KeyMissing) as exc:
        messages.error(request, str(exc))
        return redirect("records:home")
    if not made.text:  # the page says so (the button is shown only when there is a record)
        return _home(request, _("None of your badges can go in a record yet."))
    audit.record(action="records.record.exported", actor=user, data={"badges": len(made.held)})
    return attachment(
        made.text,
        content_type=record.CONTENT_TYPE,
        name=record.file_name("releve-clr" if language() == "fr" else "record-clr", "json"),
    )


@login_required
@require_GET
def annex_download(request: HttpRequest) -> HttpResponse:
    """The badges a record cannot hold (Open Badges 2.0 ones), as a PDF."""
    user = current_user(request)
    _held, annexed = record.split(list(selectors.own_items(user)))
    if not annexed:
        return _home(request, _("All your badges fit in the record: there is no annex."))
    pdf = record.annex_pdf(annexed, user.display_name, language())
    return attachment(
        pdf,
        content_type="application/pdf",
        name=record.file_name("annexe" if language() == "fr" else "annex", "pdf"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_record(request: HttpRequest) -> HttpResponse:
    bound = request.method == "POST"
    form = RecordImportForm(request.POST if bound else None, request.FILES if bound else None)
    context: dict[str, object] = {"form": form}
    if not bound:
        return render(request, "records/import.html", context)
    if not ratelimit_consume(request, action="backpack_fetch"):
        context["problem"] = _("Too many requests. Please wait a few minutes and try again.")
        return render(request, "records/import.html", context, status=429)
    if not form.is_valid():
        return render(request, "records/import.html", context, status=400)
    upload = form.cleaned_data["file"]
    try:
        done = record_import(
            user=current_user(request), content=upload.read(), file_name=upload.name or ""
        )
    except RecordRefused as exc:
        context["problem"] = str(exc)
        return render(request, "records/import.html", context, status=400)
    messages.success(
        request,
        ngettext(
            "%(added)d badge of the record is now in your backpack (%(already)d already were).",
            "%(added)d badges of the record are now in your backpack (%(already)d already were).",
            len(done.added),
        )
        % {"added": len(done.added), "already": done.already},
    )
    return redirect("backpack:list")
