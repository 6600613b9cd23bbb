"""What a person shows the world (``profiles``): the settings of their public page, the
switches that make a badge or a collection public, and the public pages themselves — the
person's page of badges and the share page of each public badge, with its preview image, its
image, the badge file as received, and a check anyone can run."""

from __future__ import annotations

from allauth.core.ratelimit import consume as ratelimit_consume
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blason.backpack import checking, profiles, selectors, sharing
from blason.backpack.forms import PublicProfileForm
from blason.backpack.item_views import download_response, image_response
from blason.backpack.models import Item
from blason.backpack.views import too_many
from blason.core.access import current_user
from blason.core.exceptions import ActionRefused
from blason.core.site import absolute, absolute_url
from blason.issuing.badges.selectors import RenderFailed, as_png
from blason.issuing.documents import selectors as share_images


@login_required
@require_http_methods(["GET", "POST"])
def profile_settings(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    profile = profiles.profile_of(user)
    if profile is not None:
        initial = {
            "enabled": profile.enabled,
            "name": profile.name,
            "headline": profile.headline,
            "slug": profile.slug,
        }
    else:
        initial = {"name": user.display_name, "slug": profiles.suggested_slug(user)}
    form = PublicProfileForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                profile = profiles.profile_save(user=user, **form.cleaned_data)
            except ActionRefused as exc:
                form.add_error(None, str(exc))
            else:
                if profile.enabled:
                    messages.success(request, _("Your public page is on."))
                else:
                    messages.success(request, _("Your public page is off: nobody can see it."))
                return redirect("backpack:profile_settings")
        status = 400
    return render(
        request,
        "backpack/profile_settings.html",
        {
            "form": form,
            "profile": profile,
            "profile_url": absolute(profile.get_absolute_url()) if profile else "",
            "public_count": Item.objects.filter(owner=user, public=True).count(),
        },
        status=status,
    )


@login_required
@require_POST
def item_public(request: HttpRequest, item_uuid: str) -> HttpResponse:
    item = selectors.item_for(current_user(request), item_uuid)
    public = request.POST.get("public") == "1"
    try:
        profiles.item_set_public(item=item, public=public)
    except ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("backpack:item", item.uuid)
    if public:
        messages.success(request, _("The badge is public: anyone with its address can see it."))
    else:
        messages.success(request, _("The badge is private again."))
    return redirect("backpack:item", item.uuid)


@login_required
@require_POST
def collection_public(request: HttpRequest, collection_uuid: str) -> HttpResponse:
    collection = selectors.collection_for(current_user(request), collection_uuid)
    public = request.POST.get("public") == "1"
    profiles.collection_set_public(collection=collection, public=public)
    if public:
        messages.success(request, _("The collection appears on your public page."))
    else:
        messages.success(request, _("The collection no longer appears on your public page."))
    return redirect("backpack:collection", collection.uuid)


@require_GET
def public_profile(request: HttpRequest, slug: str) -> HttpResponse:
    profile = profiles.public_profile(slug)
    page = Paginator(profiles.public_items(profile.user), profiles.PUBLIC_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "backpack/public_profile.html",
        {
            "profile": profile,
            "page": page,
            "cards": [_card(item) for item in page.object_list],
            "collections": [
                (collection, [_card(item) for item in items])
                for collection, items in profiles.public_collections(profile.user)
            ],
        },
    )


def _card(item: Item) -> dict[str, object]:
    return {"item": item, "url": sharing.public_url(item), "image": sharing.embed_image_url(item)}


@require_http_methods(["GET", "POST"])
def shared(request: HttpRequest, item_uuid: str) -> HttpResponse:
    """The share page of a public badge. A badge awarded here has its own public page (with
    its signed documents): that is where its share address leads. A POST checks the badge
    again now, as the verify page would."""
    item = profiles.shared_item(item_uuid)
    if item.award is not None:
        return redirect("award_public", item.award.uuid)
    verdict = checking.report_context(item.report) if item.report else None
    status = 200
    fresh = False
    if request.method == "POST":
        if ratelimit_consume(request, action="verify"):
            report = checking.check(item.credential).report
            verdict, fresh = checking.report_context(checking.report_json(report)), True
        else:
            messages.error(request, too_many())
            status = 429
    url = sharing.public_url(item)
    return render(
        request,
        "backpack/shared.html",
        {
            "item": item,
            "holder": profiles.holder_profile(item),
            "verdict": verdict,
            "fresh": fresh,
            "share_url": url,
            "preview_url": absolute_url("backpack:shared_preview", item.uuid),
            "image_url": sharing.embed_image_url(item),
        },
        status=status,
    )


def _shared_import(item_uuid: str) -> Item:
    item = profiles.shared_item(item_uuid)
    if item.award is not None:  # its documents are the award's, at the award's addresses
        raise Http404
    return item


@require_GET
def shared_image(request: HttpRequest, item_uuid: str) -> HttpResponse:
    response = image_response(_shared_import(item_uuid))
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def shared_download(request: HttpRequest, item_uuid: str) -> HttpResponse:
    """The badge exactly as its holder received it, for anyone to check with any verifier."""
    return download_response(_shared_import(item_uuid))


@require_GET
def shared_preview(request: HttpRequest, item_uuid: str) -> HttpResponse:
    """The card shown by social networks when the share address is posted (never the holder's
    name: a shared link may travel further than meant)."""
    item = _shared_import(item_uuid)
    png = (
        as_png(bytes(item.image), size=400, what=f"image of item {item.uuid}")
        if item.image
        else None
    )
    svg = share_images.card_svg(
        item.name, item.issuer_name, png, get_language() or settings.LANGUAGE_CODE
    )
    try:
        png = share_images.card_png(svg)
    except RenderFailed:
        return share_images.preview_unavailable()
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response
