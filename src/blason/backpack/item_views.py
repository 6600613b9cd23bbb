"""The backpack list and each badge's page: status, report, recipient, note, visibility,
collections, downloads. Only the owner reaches any of it (404 for everyone else)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from allauth.core.ratelimit import consume as ratelimit_consume
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blason.backpack import checking, claims, hooks, imports, selectors, services, sharing
from blason.backpack.export import export_file
from blason.backpack.forms import CvForm, ItemCollectionsForm, NoteForm
from blason.backpack.models import STATUS_GROUPS, Item, ReceivedFormat
from blason.backpack.views import PENDING_CODE, certificate_language, pdf_download, too_many
from blason.core import audit, keyset, sms
from blason.core.access import current_user
from blason.issuing.models import RecipientKind

PAGE_SIZE = 48
# A badge whose last check is older than this is checked again while its page is open.
STALE_AFTER = timedelta(days=1)
STATUS_FILTERS = (
    ("", gettext_lazy("All")),
    ("valid", gettext_lazy("Valid")),
    ("expired", gettext_lazy("Expired")),
    ("revoked", gettext_lazy("Revoked")),
    ("unverifiable", gettext_lazy("Not verifiable")),
)


@login_required
@require_GET
def backpack(request: HttpRequest) -> HttpResponse:
    """My badges. Badges awarded on this site to my verified addresses and phone numbers are
    collected first; then the list, filtered by status, collection, visibility or words."""
    user = current_user(request)
    collected = claims.collect_awards(user=user)
    status = request.GET.get("status", "")
    hidden = request.GET.get("hidden") == "1"
    search = request.GET.get("q", "")[:100]
    collection = None
    if request.GET.get("collection"):
        try:
            collection = selectors.collection_for(user, request.GET["collection"])
        except ValidationError as exc:  # a malformed id is as unknown as someone else's
            raise Http404 from exc
    items = selectors.items_of(
        user, status=status, collection=collection, hidden=hidden, search=search
    )
    if collection is None:  # newest first: pages read by position (blason.core.keyset)
        page: Any = keyset.page_from_request(
            request, items.order_by("-added_at", "-id"), size=PAGE_SIZE, moment_field="added_at"
        )
    else:  # a collection in the order its owner gave, a list a person made by hand
        page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.status_counts(user)
    asking = selectors.open_questions(user).count()
    return render(
        request,
        "backpack/list.html",
        {
            "page": page,
            "keyset": collection is None,
            "items": list(page.object_list),
            "collected": len(collected),
            "asking": asking,
            "counts": counts,
            "collections": list(selectors.collections_of(user)),
            "collection": collection,
            "tools": hooks.tool_links(),
            "status": status if status in STATUS_GROUPS else "",
            "status_filters": [
                (value, str(label), counts[value or "all"]) for value, label in STATUS_FILTERS
            ],
            "hidden": hidden,
            "search": search,
            "pending_code": _pending_code(request),
        },
    )


def _pending_code(request: HttpRequest) -> str:
    """The code the person was collecting before signing in, while it can still be collected."""
    code = request.session.get(PENDING_CODE, "")
    if not code:
        return ""
    award = claims.award_for_code(code)
    if award is None or award.claimed_at is not None or award.revoked_at is not None:
        request.session.pop(PENDING_CODE, None)
        return ""
    return str(code)


def _stale(item: Item) -> bool:
    return item.checked_at is None or item.checked_at < timezone.now() - STALE_AFTER


def _status_context(item: Item) -> dict[str, object]:
    return {
        "item": item,
        "verdict": checking.report_context(item.report) if item.report else None,
        "stale": _stale(item),
    }


@login_required
@require_GET
def item_detail(request: HttpRequest, item_uuid: str) -> HttpResponse:
    user = current_user(request)
    item = selectors.item_for(user, item_uuid)
    emails = selectors.verified_emails(user)
    award = item.award
    offer_email = pending_email = offer_phone = ""
    phones = selectors.phone_numbers(user)
    if (
        award is not None
        and award.recipient_kind == RecipientKind.PHONE
        and award.recipient_phone not in phones
    ):
        offer_phone = award.recipient_phone
    if award is not None and award.recipient_kind == RecipientKind.EMAIL:
        address = award.recipient_email.lower()
        if address not in emails:
            if address in selectors.all_emails(user):
                pending_email = award.recipient_email
            else:
                offer_email = award.recipient_email
    current = [entry.collection.uuid for entry in item.entries.all()]
    match = selectors.recipient_match(item, emails, phones)
    if match.owner != item.is_owners:  # the account's verified identities changed since
        item = services.item_mark_recipient(item=item, owner=match.owner)
    context = _status_context(item) | {
        "match": match,
        "offer_email": offer_email,
        "pending_email": pending_email,
        "offer_phone": offer_phone,
        "sms_on": sms.enabled(),
        "note_form": NoteForm(initial={"note": item.note}),
        "collections_form": ItemCollectionsForm(user=user, initial={"collections": current}),
        "in_collections": [entry.collection for entry in item.entries.all()],
        "share_url": sharing.public_url(item),
        "linkedin_url": sharing.linkedin_url(item),
        "embed_image": sharing.embed_image_url(item),
    }
    return render(request, "backpack/item.html", context)


@login_required
@require_GET
def item_certificate(request: HttpRequest, item_uuid: str) -> HttpResponse:
    """A printable PDF certificate of the badge, in French or English (``?lang=``), with a QR
    code to the page where it is checked."""
    user = current_user(request)
    item = selectors.item_for(user, item_uuid)
    if not item.is_owners:  # never certify someone else's badge as the account's
        messages.error(
            request,
            _(
                "This badge was issued to someone else (none of your verified addresses or "
                "phone numbers appears in it): no certificate can be made in your name."
            ),
        )
        return redirect("backpack:item", item.uuid)
    language = certificate_language(request)
    holder = user.display_name or (item.award.recipient_name if item.award else "")
    return pdf_download(
        sharing.certificate_pdf(item, holder, language), name=item.name, language=language
    )


@login_required
@require_POST
def item_check(request: HttpRequest, item_uuid: str) -> HttpResponse:
    """Verify the badge again now (the button, or the page itself when the last check is old:
    htmx asks after the page is shown, so the page never waits for other sites)."""
    user = current_user(request)
    item = selectors.item_for(user, item_uuid)
    htmx = bool(getattr(request, "htmx", False))
    if not ratelimit_consume(request, action="backpack_fetch"):
        if htmx:
            context = _status_context(item) | {"stale": False, "problem": too_many()}
            return render(request, "backpack/_item_status.html", context)
        messages.error(request, too_many())
        return redirect("backpack:item", item.uuid)
    item = imports.recheck_item(item=item)
    if htmx:
        return render(request, "backpack/_item_status.html", _status_context(item))
    messages.success(request, _("The badge was checked again."))
    return redirect("backpack:item", item.uuid)


@login_required
@require_POST
def item_note(request: HttpRequest, item_uuid: str) -> HttpResponse:
    item = selectors.item_for(current_user(request), item_uuid)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note is too long (2,000 characters at most)."))
        return redirect("backpack:item", item.uuid)
    services.item_update(item=item, note=form.cleaned_data["note"])
    messages.success(request, _("Your note is saved."))
    return redirect("backpack:item", item.uuid)


@login_required
@require_POST
def item_visibility(request: HttpRequest, item_uuid: str) -> HttpResponse:
    item = selectors.item_for(current_user(request), item_uuid)
    hidden = request.POST.get("hidden") == "1"
    services.item_update(item=item, hidden=hidden)
    if hidden:
        messages.success(request, _("The badge is hidden from your list."))
    else:
        messages.success(request, _("The badge is shown in your list again."))
    return redirect("backpack:item", item.uuid)


@login_required
@require_POST
def item_collections(request: HttpRequest, item_uuid: str) -> HttpResponse:
    user = current_user(request)
    item = selectors.item_for(user, item_uuid)
    form = ItemCollectionsForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, _("Choose among your collections."))
        return redirect("backpack:item", item.uuid)
    services.item_set_collections(item=item, collections=list(form.cleaned_data["collections"]))
    messages.success(request, _("The collections of this badge are saved."))
    return redirect("backpack:item", item.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def item_remove(request: HttpRequest, item_uuid: str) -> HttpResponse:
    item = selectors.item_for(current_user(request), item_uuid)
    if request.method == "POST":
        name = item.name
        services.item_remove(item=item)
        messages.success(
            request, _("The badge “%(name)s” was removed from your backpack.") % {"name": name}
        )
        return redirect("backpack:list")
    return render(request, "backpack/item_remove.html", {"item": item})


def _own_item(request: HttpRequest, item_uuid: str, *fields: str) -> Item:
    item = Item.objects.filter(owner=current_user(request), uuid=item_uuid).only(*fields).first()
    if item is None:
        raise Http404
    return item


@login_required
@require_GET
def item_image(request: HttpRequest, item_uuid: str) -> HttpResponse:
    """The cleaned copy of an imported badge's image. SVGs are sandboxed besides being
    rebuilt, in case one is ever opened on its own."""
    return image_response(_own_item(request, item_uuid, "image", "image_type"))


def image_response(item: Item) -> HttpResponse:
    if not item.image or item.image_type not in ("png", "svg"):
        raise Http404
    content_type = "image/svg+xml" if item.image_type == "svg" else "image/png"
    response = HttpResponse(bytes(item.image), content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


_DOWNLOAD_TYPES = {
    ReceivedFormat.PNG: ("png", "image/png"),
    ReceivedFormat.SVG: ("svg", "image/svg+xml"),
    ReceivedFormat.JSON: ("json", "application/json"),
    ReceivedFormat.JWS: ("jws", "application/jose"),
    ReceivedFormat.SITE: ("json", "application/ld+json"),
}


@login_required
@require_GET
def item_download(request: HttpRequest, item_uuid: str) -> HttpResponse:
    """What was received, byte for byte, as a download."""
    return download_response(
        _own_item(request, item_uuid, "uuid", "received", "received_format", "credential")
    )


def download_response(item: Item) -> HttpResponse:
    received = bytes(item.received)
    extension, content_type = _DOWNLOAD_TYPES.get(
        ReceivedFormat(item.received_format),
        ("json", "application/json")
        if received.lstrip().startswith(b"{")
        else ("jws", "application/jose"),
    )
    response = HttpResponse(received, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="badge-{item.uuid}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def export(request: HttpRequest) -> FileResponse:
    """Everything the person keeps here, as one zip file (``backpack.export``)."""
    user = current_user(request)
    audit.record(action="backpack.data.exported", actor=user)
    return FileResponse(
        export_file(user),
        as_attachment=True,
        filename=f"blason-data-{timezone.now().date().isoformat()}.zip",
        content_type="application/zip",
    )


@login_required
@require_GET
def cv(request: HttpRequest) -> HttpResponse:
    """Choose badges for a "CV of badges"; with a valid choice, the PDF itself."""
    user = current_user(request)
    form = CvForm(request.GET or None, user=user, initial={"lang": _cv_language()})
    if not request.GET or not form.is_valid():
        status = 400 if request.GET else 200
        return render(request, "backpack/cv_form.html", {"form": form}, status=status)
    chosen = list(form.cleaned_data["items"])
    language = form.cleaned_data["lang"]
    pdf = sharing.cv_pdf(chosen, user.display_name, language)
    label = "cv-badges" if language == "fr" else "badges-cv"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{label}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _cv_language() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "fr"
