"""The badge designer: create and edit badges, publish and archive them (editors and owners)."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blason.core.access import issuer_for_member
from blason.core.exceptions import ActionRefused
from blason.core.models import Role
from blason.issuing import services
from blason.issuing.forms import BadgeForm
from blason.issuing.images import ImageRejected, build_svg
from blason.issuing.models import BadgeClass, BadgeStatus

DESIGN_FIELDS = services.DESIGN_FIELDS


def _fields(form: BadgeForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in DESIGN_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def badge_new(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    form = BadgeForm(
        request.POST or None,
        request.FILES or None,
        initial={"validity": "forever", "achievement_type": "Badge"},
    )
    if request.method == "POST" and form.is_valid():
        badge = services.badge_create(
            issuer=access.issuer,
            actor=request.user,
            image=form.cleaned_data["image"],
            **_fields(form),
        )
        messages.success(request, _("The badge is saved as a draft."))
        return redirect("core:badge", slug, badge.uuid)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "issuing/badge_form.html",
        {"access": access, "issuer": access.issuer, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def badge_edit(request: HttpRequest, slug: str, badge_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    badge = get_object_or_404(BadgeClass, issuer=access.issuer, uuid=badge_uuid)
    initial = {name: getattr(badge, name) for name in DESIGN_FIELDS}
    initial.update(
        criteria_items="\n".join(badge.criteria_items),
        tags=", ".join(badge.tags),
        image_source="keep" if badge.image else "build",
    )
    form = BadgeForm(
        request.POST or None, request.FILES or None, initial=initial, has_image=bool(badge.image)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.badge_update(
                badge=badge,
                actor=request.user,
                image=form.cleaned_data["image"],
                **_fields(form),
            )
        except ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The badge is saved."))
        return redirect("core:badge", slug, badge.uuid)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "issuing/badge_form.html",
        {"access": access, "issuer": access.issuer, "form": form, "badge": badge},
        status=status,
    )


@login_required
@require_POST
def badge_status(request: HttpRequest, slug: str, badge_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    badge = get_object_or_404(BadgeClass, issuer=access.issuer, uuid=badge_uuid)
    target = request.POST.get("status", "")
    if target not in (BadgeStatus.PUBLISHED, BadgeStatus.ARCHIVED):
        messages.error(request, _("This change of status is not possible."))
        return redirect("core:badge", slug, badge.uuid)
    try:
        services.badge_set_status(badge=badge, actor=request.user, status=target)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The badge is published.")
            if target == BadgeStatus.PUBLISHED
            else _("The badge is archived."),
        )
    return redirect("core:badge", slug, badge.uuid)


@login_required
@require_GET
def image_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """htmx: the image the builder would make from the current choices."""
    issuer_for_member(request, slug, minimum=Role.EDITOR)
    try:
        svg = build_svg(
            shape=request.GET.get("shape", "shield"),
            colour=request.GET.get("colour", "#1f4fb8"),
            icon=request.GET.get("icon", "star"),
            text=request.GET.get("image_text", ""),
        )
    except ImageRejected as exc:
        return HttpResponse(f'<p class="errors">{exc}</p>', status=200)
    data = base64.b64encode(svg).decode()
    return render(request, "issuing/_image_preview.html", {"data": data})
