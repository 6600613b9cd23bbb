"""Awarding (awarders), the public award page, its downloads, and the issuer's status list."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blason.core.access import issuer_for_member
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer, Role
from blason.issuing import awards
from blason.issuing.images import ImageRejected, render_png
from blason.issuing.local_fetch import LocalFetcher
from blason.issuing.models import Award, BadgeClass, BadgeStatus
from blason.issuing.public_views import json_ld, wants_json
from obcore import baking
from obcore.errors import BakingError
from obcore.verify import verify_credential


class AwardForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Recipient's e-mail address"))
    name = forms.CharField(label=gettext_lazy("Recipient's name"), max_length=200, required=False)
    narrative = forms.CharField(
        label=gettext_lazy("Why this badge (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


@login_required
@require_POST
def award_new(request: HttpRequest, slug: str, badge_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    badge = get_object_or_404(BadgeClass, issuer=access.issuer, uuid=badge_uuid)
    form = AwardForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid e-mail address for the recipient."))
        return redirect("core:badge", slug, badge.uuid)
    try:
        award = awards.award_issue(
            badge=badge, actor=request.user, language=get_language(), **form.cleaned_data
        )
    except ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("core:badge", slug, badge.uuid)
    messages.success(request, _("The badge is awarded; the recipient receives an e-mail."))
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


def _award(award_uuid: str) -> Award:
    return get_object_or_404(Award.objects.select_related("badge", "issuer"), uuid=award_uuid)


@require_http_methods(["GET"])
def award_public(request: HttpRequest, award_uuid: str) -> HttpResponse:
    award = _award(award_uuid)
    if wants_json(request):
        response = HttpResponse(award.credential, content_type="application/ld+json")
        response["Access-Control-Allow-Origin"] = "*"
        response["Vary"] = "Accept"
        if request.GET.get("download"):
            response["Content-Disposition"] = f'attachment; filename="badge-{award.uuid}.json"'
        return response
    can_revoke = False
    if request.user.is_authenticated:
        membership = award.issuer.memberships.filter(user=request.user).first()
        can_revoke = membership is not None and membership.role in (
            Role.OWNER,
            Role.EDITOR,
            Role.AWARDER,
        )
    expired = award.valid_until is not None and award.valid_until < timezone.now()
    response = render(
        request,
        "issuing/award_public.html",
        {
            "award": award,
            "badge": award.badge,
            "issuer": award.issuer,
            "expired": expired,
            "can_revoke": can_revoke,
            "revoke_form": RevokeForm(),
            "award_url": awards.award_url(award),
            "image_is_svg": str(award.badge.image.name).endswith(".svg"),
        },
    )
    response["Vary"] = "Accept"
    return response


@require_GET
def award_verify(request: HttpRequest, award_uuid: str) -> HttpResponse:
    """Run the full verification of this award, against what this site publishes."""
    award = _award(award_uuid)
    from blason.verification.views import state_summary

    report = verify_credential(award.credential, fetcher=LocalFetcher())
    headline, explanation = state_summary(report.state)
    french = (get_language() or "").startswith("fr")
    return render(
        request,
        "issuing/_award_verdict.html",
        {
            "report": report,
            "headline": headline,
            "explanation": explanation,
            "checks": [(c.outcome.value, c.fr if french else c.en) for c in report.checks],
        },
    )


@require_GET
def award_image(request: HttpRequest, award_uuid: str, extension: str) -> HttpResponse:
    """The badge image with this award's credential baked in (done on each request)."""
    award = _award(award_uuid)
    if not award.badge.image:
        return HttpResponse(status=404)
    with award.badge.image.open("rb") as handle:
        image = handle.read()
    is_svg = str(award.badge.image.name).endswith(".svg")
    if extension == "svg" and not is_svg:
        return HttpResponse(status=404)
    try:
        if extension == "png" and is_svg:
            image = render_png(image)
        baked = baking.bake(image, award.credential)
    except (ImageRejected, BakingError):
        return HttpResponse(_("This image cannot be prepared."), status=409)
    content_type = "image/svg+xml" if extension == "svg" else "image/png"
    response = HttpResponse(baked, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="badge-{award.uuid}.{extension}"'
    return response


@require_GET
def issuer_status_list(request: HttpRequest, issuer_uuid: str) -> HttpResponse:
    issuer = get_object_or_404(Issuer, uuid=issuer_uuid)
    return json_ld(json.loads(awards.status_list_credential(issuer)), "application/vc+ld+json")


@require_GET
def badge_public(request: HttpRequest, badge_uuid: str) -> HttpResponse:
    badge = get_object_or_404(
        BadgeClass.objects.select_related("issuer"),
        uuid=badge_uuid,
        status__in=[BadgeStatus.PUBLISHED, BadgeStatus.ARCHIVED],
    )
    return render(request, "issuing/badge_public.html", {"badge": badge, "issuer": badge.issuer})
