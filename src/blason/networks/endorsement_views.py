"""Endorsement pages of a space: ask for an endorsement, answer the requests made to the space,
endorse an issuer, a badge or an award, withdraw. A person endorses through their own space.
And the public OB 2.0 form of a given endorsement, at its stable address."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from blason.core.access import current_user, issuer_for_member
from blason.core.exceptions import ActionRefused
from blason.core.models import Role
from blason.networks import endorsements, selectors
from blason.networks.forms import AskForm, CommentForm, EndorseForm
from blason.networks.models import Endorsement


def _tell_errors(request: HttpRequest, form: Form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def _ask_form(issuer: object, data: object = None) -> AskForm:
    badges = list(selectors.published_badges_of(issuer))  # type: ignore[arg-type]
    return AskForm(data, issuer=issuer, badges=badges)  # type: ignore[arg-type]


@login_required
@require_GET
def endorsement_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.VIEWER)
    issuer = access.issuer
    context = {
        "access": access,
        "issuer": issuer,
        "asked": selectors.endorsements_asked_of(issuer),
        "given": selectors.endorsements_given_by(issuer),
        "about": selectors.endorsements_about(issuer),
        "can_act": access.can(Role.EDITOR),
        "ask_form": _ask_form(issuer),
        "endorse_form": EndorseForm(),
        "comment_form": CommentForm(),
    }
    return render(request, "networks/endorsements.html", context)


def _done(request: HttpRequest, slug: str, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("networks:endorsements", slug)


@login_required
@require_POST
def ask(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    form = _ask_form(access.issuer, request.POST)
    if not form.is_valid():
        _tell_errors(request, form)
        return redirect("networks:endorsements", slug)
    try:
        endorsements.endorsement_request(
            endorser=form.cleaned_data["endorser"],
            subject=form.subjects[form.cleaned_data["what"]],  # type: ignore[arg-type]
            actor=current_user(request),
            comment=form.cleaned_data["comment"],
        )
    except ActionRefused as refused:
        messages.error(request, str(refused))
        return redirect("networks:endorsements", slug)
    return _done(request, slug, _("Your request is sent."))


@login_required
@require_POST
def give(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    form = EndorseForm(request.POST)
    if not form.is_valid():
        _tell_errors(request, form)
        return redirect("networks:endorsements", slug)
    try:
        endorsements.endorsement_give(
            endorser=access.issuer,
            subject=form.cleaned_data["subject"],
            actor=current_user(request),
            comment=form.cleaned_data["comment"],
        )
    except ActionRefused as refused:
        messages.error(request, str(refused))
        return redirect("networks:endorsements", slug)
    return _done(request, slug, _("Your endorsement is signed and published."))


def _asked_of(request: HttpRequest, slug: str, endorsement_uuid: str) -> Endorsement:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    return get_object_or_404(Endorsement, uuid=endorsement_uuid, endorser=access.issuer)


def _comment(request: HttpRequest) -> str:
    form = CommentForm(request.POST)
    return form.cleaned_data["comment"] if form.is_valid() else ""


@login_required
@require_POST
def accept(request: HttpRequest, slug: str, endorsement_uuid: str) -> HttpResponse:
    endorsement = _asked_of(request, slug, endorsement_uuid)
    try:
        endorsements.endorsement_accept(
            endorsement=endorsement, actor=current_user(request), comment=_comment(request)
        )
    except ActionRefused as refused:
        messages.error(request, str(refused))
        return redirect("networks:endorsements", slug)
    return _done(request, slug, _("Your endorsement is signed and published."))


@login_required
@require_POST
def decline(request: HttpRequest, slug: str, endorsement_uuid: str) -> HttpResponse:
    endorsement = _asked_of(request, slug, endorsement_uuid)
    try:
        endorsements.endorsement_decline(
            endorsement=endorsement, actor=current_user(request), comment=_comment(request)
        )
    except ActionRefused as refused:
        messages.error(request, str(refused))
        return redirect("networks:endorsements", slug)
    return _done(request, slug, _("The request is declined."))


@login_required
@require_POST
def withdraw(request: HttpRequest, slug: str, endorsement_uuid: str) -> HttpResponse:
    """Either side: the endorser, or the space endorsed (its issuer, badge or award)."""
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    issuer = access.issuer
    endorsement = get_object_or_404(
        Endorsement.objects.filter(
            Q(endorser=issuer)
            | Q(subject_issuer=issuer)
            | Q(subject_badge__issuer=issuer)
            | Q(subject_award__issuer=issuer)
        ),
        uuid=endorsement_uuid,
    )
    try:
        endorsements.endorsement_withdraw(endorsement=endorsement, actor=current_user(request))
    except ActionRefused as refused:
        messages.error(request, str(refused))
        return redirect("networks:endorsements", slug)
    return _done(request, slug, _("The endorsement is withdrawn."))


@require_GET
def endorsement_ob2(request: HttpRequest, endorsement_uuid: str) -> HttpResponse:
    """The OB 2.0 hosted ``Endorsement`` of a given endorsement, at its stable address; once
    withdrawn, 410 Gone (as a revoked hosted Assertion); asked for or declined: 404."""
    found = endorsements.ob2_published(endorsement_uuid)
    if found is None:
        raise Http404
    status, document = found
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/ld+json",
        status=status,
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
