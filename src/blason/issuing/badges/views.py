"""The badge designer: create and edit badges, publish and archive them (editors and owners)."""

from __future__ import annotations

import base64
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blason.core.access import IssuerAccess, issuer_for_member
from blason.core.exceptions import ActionRefused
from blason.core.models import Role
from blason.issuing.badges import alignments, content, services
from blason.issuing.badges.alignments import MAX_ALIGNMENTS
from blason.issuing.badges.forms import (
    ALIGNMENTS_PREFIX,
    MARKDOWN_FIELDS,
    TRANSLATION_TITLES,
    AlignmentFormSet,
    BadgeForm,
    BaseAlignmentFormSet,
)
from blason.issuing.badges.images import ImageRejected, build_svg
from blason.issuing.badges.models import BadgeClass, BadgeStatus
from blason.issuing.badges.selectors import badges_of

# The fields of the form stored as they are; translations and alignments come apart.
FORM_FIELDS = tuple(
    name for name in services.DESIGN_FIELDS if name not in ("translations", "alignments")
)


def _fields(form: BadgeForm, links: BaseAlignmentFormSet) -> dict[str, Any]:
    fields = {name: form.cleaned_data[name] for name in FORM_FIELDS}
    fields["translations"] = form.cleaned_data["translations"]
    # The picked jobs first, then the other links (a job also typed as a link counts once).
    picked = form.occupation_entries()
    known = {entry["url"] for entry in picked}
    fields["alignments"] = picked + [e for e in links.entries() if e["url"] not in known]
    return fields


def _after_save(request: HttpRequest, slug: str, badge: BadgeClass) -> HttpResponse:
    """Back to the badge; or, after "Save and add another link" (the way to add links when
    JavaScript is off), back to the designer at its links."""
    if request.POST.get("add_alignment"):
        url = reverse("issuing:badge_edit", args=[slug, badge.uuid])
        return redirect(f"{url}#alignments-title")
    return redirect("issuing:badge", slug, badge.uuid)


def _render_designer(
    request: HttpRequest,
    access: IssuerAccess,
    form: BadgeForm,
    links: BaseAlignmentFormSet,
    badge: BadgeClass | None = None,
) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    translated = any(
        form[f"translation_{name}"].value() for name in ("name", "description", "criteria")
    )
    translation_errors = any(
        form[f"translation_{name}"].errors
        for name in ("name", "description", "criteria_items", "criteria")
    )
    return render(
        request,
        "issuing/badge_form.html",
        {
            "access": access,
            "issuer": access.issuer,
            "form": form,
            "links": links,
            "badge": badge,
            "translation_open": translated or translation_errors,
            "translation_titles": TRANSLATION_TITLES,
            "max_alignments": MAX_ALIGNMENTS,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def badge_new(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    form = BadgeForm(
        request.POST or None,
        request.FILES or None,
        initial={"validity": "forever", "achievement_type": "Badge"},
        preview_url=reverse("issuing:markdown_preview", args=[slug]),
    )
    links = cast(
        BaseAlignmentFormSet, AlignmentFormSet(request.POST or None, prefix=ALIGNMENTS_PREFIX)
    )
    if request.method == "POST" and all([form.is_valid(), links.is_valid()]):
        try:
            badge = services.badge_create(
                issuer=access.issuer,
                actor=request.user,
                image=form.cleaned_data["image"],
                **_fields(form, links),
            )
        except ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The badge is saved as a draft."))
            return _after_save(request, slug, badge)
    return _render_designer(request, access, form, links)


@login_required
@require_http_methods(["GET", "POST"])
def badge_edit(request: HttpRequest, slug: str, badge_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    badge = get_object_or_404(BadgeClass, issuer=access.issuer, uuid=badge_uuid)
    initial: dict[str, Any] = {name: getattr(badge, name) for name in FORM_FIELDS}
    # ROME jobs are shown in the jobs picker, the other alignments as rows of links.
    jobs = [e for e in badge.alignments or [] if alignments.kind_of(e) == alignments.Kind.ROME]
    other_links = [e for e in badge.alignments or [] if e not in jobs]
    initial.update(
        occupations=[entry["code"] for entry in jobs],
        criteria_items="\n".join(badge.criteria_items),
        tags=", ".join(badge.tags),
        image_source="keep" if badge.image else "build",
        language=content.short_language(badge.language),
    )
    translation = (badge.translations or {}).get(content.other_language(initial["language"]))
    if isinstance(translation, dict):
        initial.update(
            translation_name=translation.get("name", ""),
            translation_description=translation.get("description", ""),
            translation_criteria_items="\n".join(translation.get("criteria_items") or []),
            translation_criteria=translation.get("criteria", ""),
        )
    form = BadgeForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        has_image=bool(badge.image),
        preview_url=reverse("issuing:markdown_preview", args=[slug]),
    )
    links = cast(
        BaseAlignmentFormSet,
        AlignmentFormSet(
            request.POST or None,
            initial=[alignments.as_input(entry) for entry in other_links],
            prefix=ALIGNMENTS_PREFIX,
        ),
    )
    if request.method == "POST" and all([form.is_valid(), links.is_valid()]):
        try:
            services.badge_update(
                badge=badge,
                actor=request.user,
                image=form.cleaned_data["image"],
                **_fields(form, links),
            )
        except ActionRefused as exc:
            messages.error(request, str(exc))
            return redirect("issuing:badge", slug, badge.uuid)
        messages.success(request, _("The badge is saved."))
        return _after_save(request, slug, badge)
    return _render_designer(request, access, form, links, badge)


@login_required
@require_POST
def badge_status(request: HttpRequest, slug: str, badge_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    badge = get_object_or_404(BadgeClass, issuer=access.issuer, uuid=badge_uuid)
    target = request.POST.get("status", "")
    if target not in (BadgeStatus.PUBLISHED, BadgeStatus.ARCHIVED):
        messages.error(request, _("This change of status is not possible."))
        return redirect("issuing:badge", slug, badge.uuid)
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
    return redirect("issuing:badge", slug, badge.uuid)


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


@login_required
@require_POST
def markdown_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """htmx: a description or narrative as the badge's pages will show it."""
    issuer_for_member(request, slug, minimum=Role.EDITOR)
    text = next((request.POST[name] for name in MARKDOWN_FIELDS if name in request.POST), "")
    if len(text) > content.MAX_MARKDOWN:
        return HttpResponse(
            format_html(
                '<p class="errors">{}</p>',
                _("This text is too long to preview: at most %(count)d characters.")
                % {"count": content.MAX_MARKDOWN},
            ),
            status=200,
        )
    return HttpResponse(content.render_markdown(text))


@login_required
@require_GET
def issuer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug)
    return render(
        request,
        "issuing/issuer_detail.html",
        {"access": access, "issuer": access.issuer, "badges": badges_of(access.issuer)},
    )
