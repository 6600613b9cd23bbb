"""The workshop pages: list, open, the workshop itself (propose, group, comment, vote, close,
validate) and its mind map with a projector mode.

Why one module of over 400 lines: the views of one workshop page (propose, group, comment, vote,
close, validate, the mind map and its projector mode) share the helpers that find the workshop
and render its parts for htmx.

Every view goes through ``blason.peers.access`` (404 for non-members, 403 for a member who is
not a facilitator) and writes only through ``blason.peers.services``. Votes and comments answer
htmx with the criterion's card; without JavaScript every form posts and comes back to the page.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blason.core.access import current_user
from blason.core.exceptions import ActionRefused
from blason.issuing.models import BadgeClass, BadgeStatus
from blason.peers import selectors, services
from blason.peers.access import (
    WorkshopAccess,
    group_space,
    is_facilitator_role,
    workshop_for_member,
)
from blason.peers.forms import (
    CommentForm,
    CriterionEditForm,
    CriterionForm,
    GroupForm,
    ShowNameForm,
    VoteForm,
    WorkshopForm,
)
from blason.peers.models import Criterion, CriterionGroup, Workshop, WorkshopStatus

# Where the branches of the mind map go around the badge, by how many there are.
BRANCH_AREAS: dict[int, tuple[str, ...]] = {
    1: ("n",),
    2: ("w", "e"),
    3: ("n", "se", "sw"),
    4: ("n", "e", "s", "w"),
    5: ("n", "e", "se", "sw", "w"),
    6: ("nw", "ne", "e", "se", "sw", "w"),
    7: ("n", "ne", "e", "se", "sw", "w", "nw"),
    8: ("n", "ne", "e", "se", "s", "sw", "w", "nw"),
}
# The end of each branch's line in the map's 100 by 100 drawing (the badge is at 50, 50).
BRANCH_ENDS = {
    "n": (50, 10),
    "ne": (84, 12),
    "e": (90, 50),
    "se": (84, 88),
    "s": (50, 90),
    "sw": (16, 88),
    "w": (10, 50),
    "nw": (16, 12),
}


def _workshop_url(workshop: Workshop, anchor: str = "") -> str:
    url = reverse("peers:workshop", args=[workshop.issuer.slug, workshop.uuid])
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_GET
def workshop_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = group_space(request, slug)
    return render(
        request,
        "peers/workshop_list.html",
        {
            "access": access,
            "issuer": access.issuer,
            "workshops": selectors.workshops_of(access.issuer),
            "facilitator": is_facilitator_role(access.role),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def workshop_new(request: HttpRequest, slug: str) -> HttpResponse:
    access = group_space(request, slug, facilitator=True)
    drafts = BadgeClass.objects.filter(issuer=access.issuer, status=BadgeStatus.DRAFT).exclude(
        workshops__status__in=[WorkshopStatus.OPEN, WorkshopStatus.CLOSED]
    )
    initial: dict[str, Any] = {}
    chosen = request.GET.get("badge")
    if chosen:
        initial["badge"] = drafts.filter(uuid=chosen).first() if _is_uuid(chosen) else None
    form = WorkshopForm(request.POST or None, drafts=drafts, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workshop = services.workshop_open(
                issuer=access.issuer,
                actor=current_user(request),
                badge=data["badge"],
                badge_name=data["badge_name"],
                badge_description=data["badge_description"],
                title=data["title"],
                rule=data["rule"],
                quorum=data["quorum"],
                majority=data["majority"],
                start_from_badge=data["start_from_badge"],
            )
        except ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The workshop is open. Show its page to the group!"))
            return redirect(_workshop_url(workshop))
    return render(
        request,
        "peers/workshop_new.html",
        {"access": access, "issuer": access.issuer, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _criteria(found: WorkshopAccess, request: HttpRequest) -> list[Criterion]:
    return list(selectors.criteria_of(found.workshop, request.user))


def _workshop_page(
    request: HttpRequest,
    found: WorkshopAccess,
    *,
    propose_form: CriterionForm | None = None,
    group_form: GroupForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    workshop = found.workshop
    groups = list(selectors.groups_of(workshop))
    criteria = _criteria(found, request)
    participant = selectors.participant_of(workshop, request.user)
    groups_qs = selectors.groups_of(workshop)
    context = {
        "access": found.access,
        "issuer": found.issuer,
        "workshop": workshop,
        "badge": workshop.badge,
        "facilitator": found.facilitator,
        "groups": groups,
        "branches": selectors.grouped(groups, criteria),
        "criteria_count": len(criteria),
        "kept_count": sum(1 for criterion in criteria if criterion.outcome == "kept"),
        "progress": selectors.rule_progress(workshop),
        "show_name": participant.show_name if participant else False,
        "has_name": bool(getattr(request.user, "display_name", "")),
        "propose_form": propose_form
        or CriterionForm(groups=groups_qs, facilitator=found.facilitator),
        "group_form": group_form or GroupForm(),
        "error": error,
        "user_id": request.user.pk,
        "co_design": selectors.co_design_of(workshop.badge)
        if workshop.status == WorkshopStatus.VALIDATED
        else None,
    }
    return render(request, "peers/workshop_detail.html", context, status=status)


@login_required
@require_GET
def workshop_detail(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    return _workshop_page(request, workshop_for_member(request, slug, workshop_uuid))


def _refused(
    request: HttpRequest, found: WorkshopAccess, message: str, criterion: Criterion | None = None
) -> HttpResponse:
    """A refused action: the card again with the message (htmx), or the page with it; 400."""
    if criterion is not None and getattr(request, "htmx", False):
        return _criterion_card(request, found, criterion, error=message, status=400)
    return _workshop_page(request, found, error=message, status=400)


def _criterion_of(found: WorkshopAccess, criterion_uuid: str) -> Criterion:
    return get_object_or_404(
        Criterion.objects.select_related("workshop__issuer", "group"),
        workshop=found.workshop,
        uuid=criterion_uuid,
    )


def _removed(request: HttpRequest, found: WorkshopAccess, criterion_uuid: str) -> bool:
    """A criterion withdrawn while someone was about to vote on it: htmx just drops its card."""
    return bool(getattr(request, "htmx", False)) and not (
        Criterion.objects.filter(workshop=found.workshop, uuid=criterion_uuid).exists()
    )


def _criterion_card(
    request: HttpRequest,
    found: WorkshopAccess,
    criterion: Criterion,
    *,
    error: str = "",
    comments_open: bool = False,
    status: int = 200,
) -> HttpResponse:
    fresh = selectors.criteria_of(found.workshop, request.user).filter(pk=criterion.pk).first()
    if fresh is None:  # removed meanwhile
        return HttpResponse("", status=status)
    return render(
        request,
        "peers/_criterion.html",
        {
            "criterion": fresh,
            "workshop": found.workshop,
            "issuer": found.issuer,
            "facilitator": found.facilitator,
            "groups": list(selectors.groups_of(found.workshop)),
            "user_id": request.user.pk,
            "error": error,
            "comments_open": comments_open or bool(error),
        },
        status=status,
    )


def _back(request: HttpRequest, found: WorkshopAccess, criterion: Criterion) -> HttpResponse:
    return redirect(_workshop_url(found.workshop, f"criterion-{criterion.uuid}"))


@login_required
@require_POST
def criterion_propose(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    found = workshop_for_member(request, slug, workshop_uuid)
    groups = selectors.groups_of(found.workshop)
    form = CriterionForm(request.POST, groups=groups, facilitator=found.facilitator)
    if not form.is_valid():
        return _workshop_page(request, found, propose_form=form, status=400)
    try:
        criterion = services.criterion_propose(
            workshop=found.workshop,
            actor=current_user(request),
            text=form.cleaned_data["text"],
            group=form.cleaned_data.get("group"),
            spoken_by=form.cleaned_data.get("spoken_by", ""),
        )
    except ActionRefused as exc:
        form.add_error("text", str(exc))
        return _workshop_page(request, found, propose_form=form, status=400)
    messages.success(request, _("Thank you! Your criterion is on the list."))
    return _back(request, found, criterion)


@login_required
@require_POST
def vote(request: HttpRequest, slug: str, workshop_uuid: str, criterion_uuid: str) -> HttpResponse:
    found = workshop_for_member(request, slug, workshop_uuid)
    if _removed(request, found, criterion_uuid):
        return HttpResponse("")
    criterion = _criterion_of(found, criterion_uuid)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _refused(request, found, _("Choose keep, drop or rephrase."), criterion)
    try:
        services.vote_cast(
            criterion=criterion, actor=current_user(request), choice=form.cleaned_data["choice"]
        )
    except ActionRefused as exc:
        return _refused(request, found, str(exc), criterion)
    if getattr(request, "htmx", False):
        return _criterion_card(request, found, criterion)
    return _back(request, found, criterion)


@login_required
@require_POST
def comment(
    request: HttpRequest, slug: str, workshop_uuid: str, criterion_uuid: str
) -> HttpResponse:
    found = workshop_for_member(request, slug, workshop_uuid)
    if _removed(request, found, criterion_uuid):
        return HttpResponse("")
    criterion = _criterion_of(found, criterion_uuid)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _refused(
            request, found, _("Write your comment first (at most 1,000 characters)."), criterion
        )
    try:
        services.comment_add(
            criterion=criterion, actor=current_user(request), text=form.cleaned_data["text"]
        )
    except ActionRefused as exc:
        return _refused(request, found, str(exc), criterion)
    if getattr(request, "htmx", False):
        return _criterion_card(request, found, criterion, comments_open=True)
    return _back(request, found, criterion)


@login_required
@require_POST
def criterion_edit(
    request: HttpRequest, slug: str, workshop_uuid: str, criterion_uuid: str
) -> HttpResponse:
    found = workshop_for_member(request, slug, workshop_uuid)
    criterion = _criterion_of(found, criterion_uuid)
    form = CriterionEditForm(
        request.POST, groups=selectors.groups_of(found.workshop), facilitator=found.facilitator
    )
    if not form.is_valid():
        return _refused(request, found, _("Write the new words of the criterion."), criterion)
    changes: dict[str, Any] = {"text": form.cleaned_data["text"]}
    if found.facilitator:
        changes["group"] = form.cleaned_data.get("group")
    try:
        cleared = services.criterion_edit(
            criterion=criterion, actor=current_user(request), **changes
        )
    except ActionRefused as exc:
        return _refused(request, found, str(exc), criterion)
    if cleared:
        messages.info(request, _("The criterion has new words: everyone can vote again."))
    else:
        messages.success(request, _("The criterion is saved."))
    return _back(request, found, criterion)


@login_required
@require_POST
def criterion_withdraw(
    request: HttpRequest, slug: str, workshop_uuid: str, criterion_uuid: str
) -> HttpResponse:
    found = workshop_for_member(request, slug, workshop_uuid)
    criterion = _criterion_of(found, criterion_uuid)
    try:
        services.criterion_withdraw(criterion=criterion, actor=current_user(request))
    except ActionRefused as exc:
        return _refused(request, found, str(exc))
    messages.success(request, _("The criterion is removed."))
    return redirect(_workshop_url(found.workshop, "criteria-title"))


@login_required
@require_POST
def group_add(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    found = workshop_for_member(request, slug, workshop_uuid, facilitator=True)
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            services.group_add(
                workshop=found.workshop, actor=current_user(request), name=form.cleaned_data["name"]
            )
        except ActionRefused as exc:
            form.add_error("name", str(exc))
    if form.errors:
        return _workshop_page(request, found, group_form=form, status=400)
    messages.success(request, _("The group is added."))
    return redirect(_workshop_url(found.workshop, "groups-title"))


def _group_of(found: WorkshopAccess, group_uuid: str) -> CriterionGroup:
    return get_object_or_404(
        CriterionGroup.objects.select_related("workshop__issuer"),
        workshop=found.workshop,
        uuid=group_uuid,
    )


@login_required
@require_POST
def group_rename(
    request: HttpRequest, slug: str, workshop_uuid: str, group_uuid: str
) -> HttpResponse:
    found = workshop_for_member(request, slug, workshop_uuid, facilitator=True)
    group = _group_of(found, group_uuid)
    form = GroupForm(request.POST)
    if not form.is_valid():
        return _refused(request, found, _("Give the group a name."))
    try:
        services.group_rename(
            group=group, actor=current_user(request), name=form.cleaned_data["name"]
        )
    except ActionRefused as exc:
        return _refused(request, found, str(exc))
    messages.success(request, _("The group is renamed."))
    return redirect(_workshop_url(found.workshop, "groups-title"))


@login_required
@require_POST
def group_remove(
    request: HttpRequest, slug: str, workshop_uuid: str, group_uuid: str
) -> HttpResponse:
    found = workshop_for_member(request, slug, workshop_uuid, facilitator=True)
    group = _group_of(found, group_uuid)
    try:
        services.group_remove(group=group, actor=current_user(request))
    except ActionRefused as exc:
        return _refused(request, found, str(exc))
    messages.success(request, _("The group is removed; its criteria are kept, not grouped."))
    return redirect(_workshop_url(found.workshop, "groups-title"))


@login_required
@require_POST
def show_name(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    found = workshop_for_member(request, slug, workshop_uuid)
    form = ShowNameForm(request.POST)
    form.is_valid()
    show = bool(form.cleaned_data.get("show_name"))
    services.participant_show_name(workshop=found.workshop, actor=current_user(request), show=show)
    if show:
        messages.success(request, _("Your name will be shown among the co-designers."))
    else:
        messages.success(
            request, _("Your name will not be shown: you are counted among the co-designers.")
        )
    return redirect(_workshop_url(found.workshop, "your-name"))


def _facilitator_action(
    request: HttpRequest, slug: str, workshop_uuid: str, action: str
) -> HttpResponse:
    found = workshop_for_member(request, slug, workshop_uuid, facilitator=True)
    actor = current_user(request)
    try:
        if action == "close":
            services.workshop_close(workshop=found.workshop, actor=actor)
            messages.success(
                request, _("The vote is closed. The kept criteria are now the badge's criteria.")
            )
        elif action == "reopen":
            services.workshop_reopen(workshop=found.workshop, actor=actor)
            messages.success(request, _("The vote is open again."))
        else:
            services.workshop_validate(workshop=found.workshop, actor=actor)
            messages.success(request, _("Validated and stamped! The badge is published."))
    except ActionRefused as exc:
        return _refused(request, found, str(exc))
    return redirect(_workshop_url(found.workshop))


@login_required
@require_POST
def workshop_close(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    return _facilitator_action(request, slug, workshop_uuid, "close")


@login_required
@require_POST
def workshop_reopen(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    return _facilitator_action(request, slug, workshop_uuid, "reopen")


@login_required
@require_POST
def workshop_validate(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    return _facilitator_action(request, slug, workshop_uuid, "validate")


@login_required
@require_GET
def live(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    """What changed since the page was shown, for htmx polling: the tallies (swapped out of
    band), and a note when there are new criteria or the vote was closed."""
    found = workshop_for_member(request, slug, workshop_uuid)
    if not getattr(request, "htmx", False):
        return redirect(_workshop_url(found.workshop))
    tallies = list(selectors.tallies_of(found.workshop))
    known = request.GET.get("known", "")
    return render(
        request,
        "peers/_live.html",
        {
            "workshop": found.workshop,
            "tallies": tallies,
            "new_criteria": known.isdigit() and int(known) != len(tallies),
            "status_changed": request.GET.get("status") not in ("", None, found.workshop.status),
        },
    )


def map_digest(workshop: Workshop) -> str:
    """Changes whenever what the map shows changes: the projector reloads only then."""
    criteria = Criterion.objects.filter(workshop=workshop).aggregate(
        count=Count("id", distinct=True),
        changed=Max("updated_at"),
        vote_total=Count("votes"),
        vote_changed=Max("votes__updated_at"),
    )
    names = list(selectors.groups_of(workshop).values_list("name", flat=True))
    state = repr((workshop.status, sorted(criteria.items()), names))
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def _branches(views: list[selectors.GroupView]) -> list[dict[str, Any]]:
    areas = BRANCH_AREAS.get(len(views), ())
    branches = []
    for index, view in enumerate(views):
        area = areas[index] if index < len(areas) else ""
        end = BRANCH_ENDS.get(area)
        branches.append({"view": view, "area": area, "end": end, "index": index + 1})
    return branches


def _map(request: HttpRequest, slug: str, workshop_uuid: str, *, projector: bool) -> HttpResponse:
    found = workshop_for_member(request, slug, workshop_uuid)
    workshop = found.workshop
    digest = map_digest(workshop)
    partial = getattr(request, "htmx", False)
    if partial and request.GET.get("v") == digest:
        return HttpResponse(status=204)
    groups = list(selectors.groups_of(workshop))
    criteria = list(selectors.criteria_of(workshop))
    context = {
        "access": found.access,
        "issuer": found.issuer,
        "workshop": workshop,
        "badge": workshop.badge,
        "branches": _branches(selectors.grouped(groups, criteria)),
        "criteria_count": len(criteria),
        "projector": projector,
        "digest": digest,
    }
    template = "peers/_map.html" if partial else "peers/workshop_map.html"
    return render(request, template, context)


@login_required
@require_GET
def workshop_map(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    return _map(request, slug, workshop_uuid, projector=False)


@login_required
@require_GET
def workshop_projector(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    return _map(request, slug, workshop_uuid, projector=True)
