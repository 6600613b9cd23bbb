"""The views of an open workshop's criteria: propose, vote, comment, edit and withdraw a
criterion, add, rename and remove its groups, and show one's name.

Every view goes through ``blason.peers.access`` (404 for non-members, 403 for a member who is
not a facilitator) and writes only through ``blason.peers.services``. Votes and comments answer
htmx with the criterion's card (``workshop_parts``); without JavaScript every form posts and
comes back to the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blason.core.access import current_user
from blason.core.exceptions import ActionRefused
from blason.peers import selectors, services
from blason.peers.access import (
    WorkshopAccess,
    workshop_for_member,
)
from blason.peers.forms import (
    CommentForm,
    CriterionEditForm,
    CriterionForm,
    GroupForm,
    ShowNameForm,
    VoteForm,
)
from blason.peers.models import Criterion, CriterionGroup
from blason.peers.workshop_parts import (
    criterion_card,
    refused,
    workshop_page,
    workshop_url,
)


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


def _back(request: HttpRequest, found: WorkshopAccess, criterion: Criterion) -> HttpResponse:
    return redirect(workshop_url(found.workshop, f"criterion-{criterion.uuid}"))


@login_required
@require_POST
def criterion_propose(request: HttpRequest, slug: str, workshop_uuid: str) -> HttpResponse:
    found = workshop_for_member(request, slug, workshop_uuid)
    groups = selectors.groups_of(found.workshop)
    form = CriterionForm(request.POST, groups=groups, facilitator=found.facilitator)
    if not form.is_valid():
        return workshop_page(request, found, propose_form=form, status=400)
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
        return workshop_page(request, found, propose_form=form, status=400)
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
        return refused(request, found, _("Choose keep, drop or rephrase."), criterion)
    try:
        services.vote_cast(
            criterion=criterion, actor=current_user(request), choice=form.cleaned_data["choice"]
        )
    except ActionRefused as exc:
        return refused(request, found, str(exc), criterion)
    if getattr(request, "htmx", False):
        return criterion_card(request, found, criterion)
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
        return refused(
            request, found, _("Write your comment first (at most 1,000 characters)."), criterion
        )
    try:
        services.comment_add(
            criterion=criterion, actor=current_user(request), text=form.cleaned_data["text"]
        )
    except ActionRefused as exc:
        return refused(request, found, str(exc), criterion)
    if getattr(request, "htmx", False):
        return criterion_card(request, found, criterion, comments_open=True)
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
        return refused(request, found, _("Write the new words of the criterion."), criterion)
    changes: dict[str, Any] = {"text": form.cleaned_data["text"]}
    if found.facilitator:
        changes["group"] = form.cleaned_data.get("group")
    try:
        cleared = services.criterion_edit(
            criterion=criterion, actor=current_user(request), **changes
        )
    except ActionRefused as exc:
        return refused(request, found, str(exc), criterion)
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
        return refused(request, found, str(exc))
    messages.success(request, _("The criterion is removed."))
    return redirect(workshop_url(found.workshop, "criteria-title"))


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
        return workshop_page(request, found, group_form=form, status=400)
    messages.success(request, _("The group is added."))
    return redirect(workshop_url(found.workshop, "groups-title"))


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
        return refused(request, found, _("Give the group a name."))
    try:
        services.group_rename(
            group=group, actor=current_user(request), name=form.cleaned_data["name"]
        )
    except ActionRefused as exc:
        return refused(request, found, str(exc))
    messages.success(request, _("The group is renamed."))
    return redirect(workshop_url(found.workshop, "groups-title"))


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
        return refused(request, found, str(exc))
    messages.success(request, _("The group is removed; its criteria are kept, not grouped."))
    return redirect(workshop_url(found.workshop, "groups-title"))


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
    return redirect(workshop_url(found.workshop, "your-name"))
