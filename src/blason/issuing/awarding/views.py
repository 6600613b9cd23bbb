"""Awarding (awarders): one person from a badge's page, revoking an award."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from blason.core.access import IssuerAccess, issuer_for_member
from blason.core.exceptions import ActionRefused
from blason.core.models import Role
from blason.issuing.awarding import services as awards
from blason.issuing.awarding import sms as award_sms
from blason.issuing.awarding.forms import AwardForm, RevokeForm
from blason.issuing.awarding.models import Award
from blason.issuing.badges.models import BadgeClass, BadgeStatus


@login_required
@require_POST
def award_new(request: HttpRequest, slug: str, badge_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    badge = get_object_or_404(BadgeClass, issuer=access.issuer, uuid=badge_uuid)
    if badge.status != BadgeStatus.PUBLISHED:
        messages.error(request, _("Only a published badge can be awarded."))
        return redirect("issuing:badge", slug, badge.uuid)
    form = AwardForm(request.POST, request.FILES)
    if not form.is_valid():
        return badge_page(request, access, badge, award_form=form, status=400)
    data = form.cleaned_data
    try:
        award = awards.award_issue(
            badge=badge,
            actor=request.user,
            email=data["email"],
            phone=data["phone"],
            name=data["name"],
            narrative=data["narrative"],
            evidence=form.evidence(),
            language=data["language"] or get_language(),
            idempotency_key=form.idempotency_key(),
        )
    except ActionRefused as exc:
        form.add_error(None, str(exc))
        return badge_page(request, access, badge, award_form=form, status=400)
    told = award_sms.delivery(award)
    if award.recipient_email:
        messages.success(request, _("The badge is awarded; the recipient receives an e-mail."))
    elif told is not None and not told.hand_code:
        messages.success(
            request,
            _("The badge is awarded; %(name)s receives an SMS with the link to collect it.")
            % {"name": award.recipient_display},
        )
    else:  # the award page says why no SMS was sent, next to the code
        messages.success(
            request,
            _("The badge is awarded. Give %(name)s this claim code: %(code)s")
            % {"name": award.recipient_display, "code": award.claim_code},
        )
    return redirect("award_public", award.uuid)


@login_required
@require_POST
def award_revoke(request: HttpRequest, slug: str, award_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    award = get_object_or_404(Award, issuer=access.issuer, uuid=award_uuid)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the revocation."))
    else:
        try:
            awards.award_revoke(award=award, actor=request.user, reason=form.cleaned_data["reason"])
        except ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The badge is revoked."))
    return redirect("award_public", award.uuid)


@login_required
@require_GET
def badge_detail(request: HttpRequest, slug: str, badge_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug)
    badge = get_object_or_404(BadgeClass, issuer=access.issuer, uuid=badge_uuid)
    return badge_page(request, access, badge)


def badge_page(
    request: HttpRequest,
    access: IssuerAccess,
    badge: BadgeClass,
    *,
    award_form: AwardForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The members' page of a badge; re-rendered with the errors of a refused award."""
    return render(
        request,
        "issuing/badge_detail.html",
        {
            "access": access,
            "issuer": access.issuer,
            "badge": badge,
            "can_edit": access.can(Role.EDITOR),
            "can_award": access.can(Role.AWARDER),
            "award_form": award_form or AwardForm(),
            "recent_awards": badge.awards.order_by("-issued_at")[:5],
            "award_count": badge.awards.count(),
        },
        status=status,
    )
