"""A space's pathways: the list, the editor (owners and editors), publishing and archiving,
the funnel, who is one badge away, the CSV export and the milestones to decide (awarders)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blason.core.access import IssuerAccess, issuer_for_member
from blason.core.downloads import csv_response
from blason.core.exceptions import ActionRefused
from blason.core.models import Role
from blason.pathways import engine, selectors, services
from blason.pathways.forms import (
    BadgeRequirementForm,
    DecisionForm,
    NewPathwayForm,
    PathwayForm,
    StepForm,
)
from blason.pathways.models import Milestone, Pathway, PathwayStatus, Requirement, Rule, Step


def _pathway(access: IssuerAccess, pathway_uuid: Any) -> Pathway:
    return get_object_or_404(
        Pathway.objects.select_related("completion_badge", "issuer"),
        issuer=access.issuer,
        uuid=pathway_uuid,
    )


def _step(pathway: Pathway, step_uuid: Any) -> Step:
    return get_object_or_404(
        Step.objects.select_related("pathway__issuer"), pathway=pathway, uuid=step_uuid
    )


def _back(pathway: Pathway) -> HttpResponse:
    return redirect("pathways:detail", pathway.issuer.slug, pathway.uuid)


@login_required
@require_GET
def pathway_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug)
    pathways = selectors.pathways_of(access.issuer).order_by("name")
    return render(
        request,
        "pathways/list.html",
        {"access": access, "issuer": access.issuer, "pathways": pathways},
    )


@login_required
@require_http_methods(["GET", "POST"])
def pathway_new(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    form = NewPathwayForm(request.POST or None, request.FILES or None, issuer=access.issuer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pathway = services.pathway_create(
                issuer=access.issuer,
                actor=request.user,
                name=data["name"],
                description=data["description"],
                public=data["public"],
                completion_badge=data["completion_badge"],
                occupations=data["occupations"],
                required=data["required"],
                image=data["image"],
            )
        except ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            return _back(pathway)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "pathways/form.html",
        {"access": access, "issuer": access.issuer, "form": form, "pathway": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pathway_edit(request: HttpRequest, slug: str, pathway_uuid: Any) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    pathway = _pathway(access, pathway_uuid)
    initial = {
        "name": pathway.name,
        "description": pathway.description,
        "completion_badge": pathway.completion_badge,
        "occupations": list(pathway.occupations),
        "public": pathway.public,
    }
    form = PathwayForm(
        request.POST or None, request.FILES or None, issuer=access.issuer, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pathway_update(pathway=pathway, actor=request.user, **form.cleaned_data)
        except ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            return _back(pathway)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "pathways/form.html",
        {"access": access, "issuer": access.issuer, "form": form, "pathway": pathway},
        status=status,
    )


@login_required
@require_GET
def pathway_detail(request: HttpRequest, slug: str, pathway_uuid: Any) -> HttpResponse:
    access = issuer_for_member(request, slug)
    pathway = _pathway(access, pathway_uuid)
    shape = selectors.shape_of(pathway)
    if shape is None:
        raise Http404
    editing = access.can(Role.EDITOR) and pathway.status != PathwayStatus.ARCHIVED
    steps = []
    for step in shape.walk():
        rows = shape.requirements.get(step.pk, [])
        steps.append(
            {
                "step": step,
                "rows": rows,
                "needed": step.needed(len(rows)),
                "badge_form": BadgeRequirementForm(issuer=access.issuer, prefix=f"b{step.pk}"),
                "step_form": StepForm(
                    issuer=access.issuer,
                    prefix=f"s{step.pk}",
                    initial={
                        "name": step.name,
                        "rule": step.rule,
                        "required": step.required,
                        "milestone_badge": step.milestone_badge,
                        "how_to_url": step.how_to_url,
                    },
                ),
                "sub_form": StepForm(
                    issuer=access.issuer, prefix=f"n{step.pk}", initial={"rule": Rule.ALL}
                ),
            }
        )
    return render(
        request,
        "pathways/detail.html",
        {
            "access": access,
            "issuer": access.issuer,
            "pathway": pathway,
            "steps": steps,
            "editing": editing,
            "flagged": selectors.flagged(pathway) if access.can(Role.AWARDER) else [],
        },
    )


def _refused(request: HttpRequest, exc: ActionRefused) -> None:
    messages.error(request, str(exc))


def _apply(
    request: HttpRequest, pathway: Pathway, form: Any, action: Callable[..., object]
) -> HttpResponse:
    """The editor's small forms: the service called with the form's data, or the form's
    errors (or the service's refusal) said on the pathway's page."""
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            action(actor=request.user, **form.cleaned_data)
        except ActionRefused as exc:
            _refused(request, exc)
    return _back(pathway)


@login_required
@require_POST
def requirement_add(
    request: HttpRequest, slug: str, pathway_uuid: Any, step_uuid: Any
) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    pathway = _pathway(access, pathway_uuid)
    step = _step(pathway, step_uuid)
    form = BadgeRequirementForm(request.POST, issuer=access.issuer, prefix=f"b{step.pk}")
    return _apply(request, pathway, form, partial(services.requirement_add_badge, step=step))


@login_required
@require_POST
def step_add(request: HttpRequest, slug: str, pathway_uuid: Any, step_uuid: Any) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    pathway = _pathway(access, pathway_uuid)
    parent = _step(pathway, step_uuid)
    form = StepForm(request.POST, issuer=access.issuer, prefix=f"n{parent.pk}")
    return _apply(request, pathway, form, partial(services.step_add, parent=parent))


@login_required
@require_POST
def step_edit(request: HttpRequest, slug: str, pathway_uuid: Any, step_uuid: Any) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    pathway = _pathway(access, pathway_uuid)
    step = _step(pathway, step_uuid)
    form = StepForm(request.POST, issuer=access.issuer, prefix=f"s{step.pk}")
    return _apply(request, pathway, form, partial(services.step_update, step=step))


@login_required
@require_POST
def requirement_remove(
    request: HttpRequest, slug: str, pathway_uuid: Any, requirement_id: int
) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    pathway = _pathway(access, pathway_uuid)
    requirement = get_object_or_404(Requirement, pk=requirement_id, step__pathway=pathway)
    services.requirement_remove(requirement=requirement, actor=request.user)
    return _back(pathway)


@login_required
@require_POST
def pathway_status(request: HttpRequest, slug: str, pathway_uuid: Any) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    pathway = _pathway(access, pathway_uuid)
    try:
        if request.POST.get("action") == "archive":
            services.pathway_archive(pathway=pathway, actor=request.user)
            messages.success(request, _("The pathway is archived."))
        else:
            services.pathway_publish(pathway=pathway, actor=request.user)
            messages.success(
                request,
                _("The pathway is published. The people who already qualify get its badges."),
            )
    except ActionRefused as exc:
        _refused(request, exc)
    return _back(pathway)


@login_required
@require_GET
def pathway_stats(request: HttpRequest, slug: str, pathway_uuid: Any) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    pathway = _pathway(access, pathway_uuid)
    shape = selectors.shape_of(pathway)
    if shape is None:
        raise Http404
    return render(
        request,
        "pathways/stats.html",
        {
            "access": access,
            "issuer": access.issuer,
            "pathway": pathway,
            "funnel": selectors.funnel(shape),
            "one_away": selectors.one_away(pathway),
        },
    )


@login_required
@require_GET
def pathway_export(request: HttpRequest, slug: str, pathway_uuid: Any) -> HttpResponse:
    """The followers' progress as CSV (name, done, needed, completed on)."""
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    pathway = _pathway(access, pathway_uuid)
    header = [_("Name"), _("Requirements met"), _("Requirements needed"), _("Completed on")]
    rows = (
        [
            row.user.display_name or "",
            row.done,
            row.needed,
            row.completed_at.date().isoformat() if row.completed_at else "",
        ]
        for row in selectors.followers_rows(pathway)
    )
    return csv_response(f"pathway-{pathway.uuid}.csv", header, rows)


@login_required
@require_POST
def milestone_decide(
    request: HttpRequest, slug: str, pathway_uuid: Any, milestone_id: int
) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    pathway = _pathway(access, pathway_uuid)
    milestone = get_object_or_404(Milestone, pk=milestone_id, step__pathway=pathway)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to keep or to revoke the badge."))
        return _back(pathway)
    try:
        engine.milestone_decide(
            milestone=milestone, actor=request.user, keep=form.cleaned_data["keep"] == "yes"
        )
    except ActionRefused as exc:
        _refused(request, exc)
    return _back(pathway)
