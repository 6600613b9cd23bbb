"""Collections: the person's own groups of badges, in the order they choose."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from blason.backpack import selectors, services
from blason.backpack.forms import CollectionForm
from blason.core.access import current_user
from blason.core.exceptions import ActionRefused


@login_required
@require_http_methods(["GET", "POST"])
def collections(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = CollectionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                collection = services.collection_create(
                    user=user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
            except ActionRefused as exc:
                form.add_error("name", str(exc))
            else:
                messages.success(
                    request, _("The collection “%(name)s” is created.") % {"name": collection.name}
                )
                return redirect("backpack:collection", collection.uuid)
        status = 400
    return render(
        request,
        "backpack/collections.html",
        {"form": form, "collections": list(selectors.collections_of(user))},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def collection_detail(request: HttpRequest, collection_uuid: str) -> HttpResponse:
    """A collection's badges in order (move, remove), its name and description (edit)."""
    user = current_user(request)
    collection = selectors.collection_for(user, collection_uuid)
    initial = {"name": collection.name, "description": collection.description}
    form = CollectionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.collection_update(
                    collection=collection,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
            except ActionRefused as exc:
                form.add_error("name", str(exc))
            else:
                messages.success(request, _("The collection is saved."))
                return redirect("backpack:collection", collection.uuid)
        status = 400
        collection.refresh_from_db()
    items = list(selectors.collection_items(collection))
    return render(
        request,
        "backpack/collection.html",
        {"collection": collection, "form": form, "items": items},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def collection_delete(request: HttpRequest, collection_uuid: str) -> HttpResponse:
    collection = selectors.collection_for(current_user(request), collection_uuid)
    if request.method == "POST":
        name = collection.name
        services.collection_delete(collection=collection)
        messages.success(
            request,
            _("The collection “%(name)s” is deleted; its badges stay in your backpack.")
            % {"name": name},
        )
        return redirect("backpack:collections")
    return render(request, "backpack/collection_delete.html", {"collection": collection})


@login_required
@require_POST
def collection_move(request: HttpRequest, collection_uuid: str) -> HttpResponse:
    collection = selectors.collection_for(current_user(request), collection_uuid)
    services.collection_move(collection=collection, direction=request.POST.get("direction", ""))
    return redirect("backpack:collections")


@login_required
@require_POST
def entry_move(request: HttpRequest, collection_uuid: str, item_uuid: str) -> HttpResponse:
    user = current_user(request)
    collection = selectors.collection_for(user, collection_uuid)
    item = selectors.item_for(user, item_uuid)
    try:
        services.entry_move(
            collection=collection, item=item, direction=request.POST.get("direction", "")
        )
    except ActionRefused as exc:
        messages.error(request, str(exc))
    return redirect("backpack:collection", collection.uuid)


@login_required
@require_POST
def entry_remove(request: HttpRequest, collection_uuid: str, item_uuid: str) -> HttpResponse:
    user = current_user(request)
    collection = selectors.collection_for(user, collection_uuid)
    item = selectors.item_for(user, item_uuid)
    services.collection_remove_item(collection=collection, item=item)
    messages.success(
        request,
        _("“%(name)s” is no longer in this collection.") % {"name": item.name},
    )
    return redirect("backpack:collection", collection.uuid)
