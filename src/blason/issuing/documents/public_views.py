"""The public award page, its downloads and verification, the public badge page, and the
issuer's status list."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from blason.core.models import Issuer, Role
from blason.core.site import absolute_url
from blason.issuing import hooks
from blason.issuing.awarding import credentials, status_lists
from blason.issuing.awarding import sms as award_sms
from blason.issuing.awarding.forms import RevokeForm
from blason.issuing.awarding.models import Award, Evidence
from blason.issuing.badges.images import ImageRejected, render_png
from blason.issuing.badges.models import BadgeClass, BadgeStatus
from blason.issuing.badges.rendering import RenderFailed
from blason.issuing.documents import share_images
from blason.issuing.documents.issuer_views import json_ld, wants_json
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.documents.published import KEY_MISSING
from blason.issuing.signing.keys import KeyMissing
from obcore import baking
from obcore.errors import BakingError
from obcore.verify import verify_credential

logger = logging.getLogger(__name__)


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
            "award_url": credentials.award_url(award),
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
    """Run the full verification of this award, against what this site publishes; the verdict
    is said in verification's plain words (its fragment of the ``award_verify.verdict`` slot)."""
    award = _award(award_uuid)
    report = verify_credential(award.credential, fetcher=LocalFetcher())
    return render(request, "issuing/_award_verify.html", {"report": report})


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
        credential = status_lists.status_list_credential(issuer, number)
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
    parts = hooks.badge_page_parts(badge)
    return render(
        request,
        "issuing/badge_public.html",
        {"badge": badge, "issuer": badge.issuer, "parts": parts},
    )
