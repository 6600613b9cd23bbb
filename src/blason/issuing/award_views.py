"""Awarding (awarders), the public award page, its downloads, and the issuer's status list."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blason.core import sms
from blason.core.access import IssuerAccess, issuer_for_member
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer, Role
from blason.core.site import absolute_url
from blason.issuing import award_sms, awards, share_images
from blason.issuing.images import ImageRejected, render_png
from blason.issuing.keys import KeyMissing
from blason.issuing.local_fetch import LocalFetcher
from blason.issuing.models import Award, BadgeClass, BadgeStatus, Evidence
from blason.issuing.public_views import json_ld, wants_json
from blason.issuing.published import KEY_MISSING
from blason.issuing.rendering import RenderFailed
from obcore import baking
from obcore.errors import BakingError
from obcore.verify import verify_credential

logger = logging.getLogger(__name__)


class AwardForm(forms.Form):
    """Award to one person, known by an e-mail address, a phone number or only a name."""

    name = forms.CharField(label=gettext_lazy("Recipient's name"), max_length=200, required=False)
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        required=False,
        help_text=gettext_lazy("They receive an e-mail with a link to collect the badge."),
    )
    phone = forms.CharField(
        label=gettext_lazy("or phone number"),
        max_length=32,
        required=False,
        help_text=gettext_lazy(
            "With a phone number or only a name, a claim code is shown for you to hand over."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the e-mail or SMS"),
        choices=settings.LANGUAGES,
        required=False,
    )
    narrative = forms.CharField(
        label=gettext_lazy("Why this badge (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_url = forms.URLField(
        label=gettext_lazy("Evidence: a link (optional)"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    evidence_text = forms.CharField(
        label=gettext_lazy("Evidence: what was seen or done (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence_file = forms.FileField(
        label=gettext_lazy("Evidence: a file (optional)"),
        required=False,
        help_text=gettext_lazy("PDF, PNG or JPEG."),
    )
    # A token per displayed form: the same form sent twice (a retry after an error page, a
    # double click) awards its recipient once.
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def idempotency_key(self) -> str:
        """The award's key for this submission and recipient ("" without a token)."""
        data = self.cleaned_data
        if not data.get("submission"):
            return ""
        who = "|".join((data["submission"], data["email"], data["phone"], data["name"]))
        return "form:" + hashlib.sha256(who.encode()).hexdigest()[:40]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = (get_language() or settings.LANGUAGE_CODE)[:2]
        if sms.enabled():
            self.fields["phone"].help_text = _(
                "With a phone number (and no e-mail address), they receive an SMS with a link "
                "to collect the badge; a claim code is also shown for you to hand over."
            )
        else:
            self.fields["phone"].help_text = _(
                "This site sends no SMS: with a phone number or only a name, a claim code is "
                "shown for you to hand over (on paper or as a QR code)."
            )
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4().hex)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        try:
            return awards.normalise_phone(phone)
        except ActionRefused as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("email") or data.get("phone") or data.get("name", "").strip()):
            raise forms.ValidationError(
                _("Give the recipient's e-mail address, phone number or name.")
            )
        upload = data.get("evidence_file")
        if upload is not None:
            content = upload.read()
            try:
                awards.evidence_file_type(content)
            except ActionRefused as exc:
                self.add_error("evidence_file", str(exc))
            data["evidence_content"] = content
        return data

    def evidence(self) -> list[awards.EvidenceInput]:
        """The file is one piece of evidence; the link and the text, another."""
        data = self.cleaned_data
        upload = data.get("evidence_file")
        items = []
        if upload is not None:
            items.append(
                awards.EvidenceInput(
                    name=upload.name, file=data["evidence_content"], file_name=upload.name
                )
            )
        observed = awards.EvidenceInput(
            url=data.get("evidence_url", ""), narrative=data.get("evidence_text", "")
        )
        if not observed.is_empty():
            items.append(observed)
        return items


class RevokeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


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
    can_revoke = is_holder = False
    if request.user.is_authenticated:
        # Only the person who holds the badge reads "your badge"; everyone else, "this badge".
        is_holder = (
            award.claimed_by_id == request.user.pk
            or award.backpack_items.filter(owner=request.user).exists()
        )
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
            "is_holder": is_holder,
            "revoke_form": RevokeForm(),
            "award_url": awards.award_url(award),
            "preview_url": absolute_url("award_preview", award.uuid),
            "image_is_svg": str(award.badge.image.name).endswith(".svg"),
            "evidence": list(award.evidence.all()),
            "sms_delivery": award_sms.delivery(award) if can_revoke else None,
        },
    )
    response["Vary"] = "Accept"
    return response


@require_GET
def award_verify(request: HttpRequest, award_uuid: str) -> HttpResponse:
    """Run the full verification of this award, against what this site publishes."""
    award = _award(award_uuid)
    from blason.verification.fetching import site_fetcher
    from blason.verification.messages import check_text, state_summary
    from blason.verification.trust import recognitions

    report = verify_credential(award.credential, fetcher=LocalFetcher())
    headline, explanation = state_summary(report.state)
    return render(
        request,
        "issuing/_award_verdict.html",
        {
            "report": report,
            "headline": headline,
            "explanation": explanation,
            "checks": [(c.outcome.value, check_text(c)) for c in report.checks],
            "recognitions": recognitions(
                report.credential or {},
                site_fetcher(),
                [item.credential for item in report.endorsements if item.valid],
            ),
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
def award_preview(request: HttpRequest, award_uuid: str) -> HttpResponse:
    """The award's preview image for social networks (``share_images``), in the language of
    the request."""
    award = _award(award_uuid)
    try:
        png = share_images.preview_png(award, get_language() or settings.LANGUAGE_CODE)
    except RenderFailed:
        return share_images.preview_unavailable()
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def evidence_file(request: HttpRequest, award_uuid: str, evidence_uuid: str) -> FileResponse:
    """An evidence file, always as a download (its type was checked from its bytes when
    awarding; nothing in it is rendered in the site's origin)."""
    evidence = get_object_or_404(
        Evidence.objects.exclude(file=""), award__uuid=award_uuid, uuid=evidence_uuid
    )
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.file_name,
        content_type=evidence.content_type,
    )


@require_GET
def issuer_status_list(request: HttpRequest, issuer_uuid: str, number: int) -> HttpResponse:
    issuer = get_object_or_404(Issuer, uuid=issuer_uuid)
    if number != 1 and not Award.objects.filter(issuer=issuer, status_list=number).exists():
        raise Http404
    try:
        credential = awards.status_list_credential(issuer, number)
    except KeyMissing:
        logger.error("issuer %s has no Ed25519 key: `blason create_missing_keys`", issuer.uuid)
        response = json_ld(KEY_MISSING, "application/json")
        response.status_code = 503
        return response
    return json_ld(json.loads(credential), "application/vc+ld+json")


@require_GET
def badge_public(request: HttpRequest, badge_uuid: str) -> HttpResponse:
    badge = get_object_or_404(
        BadgeClass.objects.select_related("issuer"),
        uuid=badge_uuid,
        status__in=[BadgeStatus.PUBLISHED, BadgeStatus.ARCHIVED],
    )
    return render(request, "issuing/badge_public.html", {"badge": badge, "issuer": badge.issuer})


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
