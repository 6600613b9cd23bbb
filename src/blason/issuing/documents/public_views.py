"""The public award page, its downloads and verification, the public badge page, and the
issuer's status list."""

from __future__ import annotations

import hashlib
import json
import logging
from uuid import UUID

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from blason.core import page_cache
from blason.core.compiled import CompiledQuery
from blason.core.models import Issuer, Role
from blason.core.site import absolute_url
from blason.issuing.awarding import credentials, status_lists
from blason.issuing.awarding import sms as award_sms
from blason.issuing.awarding.forms import RevokeForm
from blason.issuing.awarding.models import Award, Evidence, StatusListCache
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


# Seconds a shared award page is kept: its validity is in its key (seen at once); the texts
# it shows from the badge, the issuer and other apps' fragments are at most this old.
PAGE_TIMEOUT = 60
# Seconds a browser or proxy may keep an award's JSON: the signed credential never changes.
CREDENTIAL_MAX_AGE = 300

# The reads before the caches (compiled once: the ORM's compiling cost more than the query).
_AWARD_PAGE_STAMP = CompiledQuery(
    lambda key: (
        Award.objects.filter(uuid=key)
        .order_by()
        .values_list("revoked_at", "valid_until", "badge__updated_at")[:1]
    ),
    UUID,
)
_AWARD_CREDENTIAL = CompiledQuery(
    lambda key: Award.objects.filter(uuid=key).order_by().values_list("credential")[:1], UUID
)
_AWARD_VERDICT_STAMP = CompiledQuery(
    lambda key: (
        Award.objects.filter(uuid=key)
        .order_by()
        .annotate(
            # No row yet: revision 0, which is what the row is made with.
            list_revision=Coalesce(
                Subquery(
                    StatusListCache.objects.filter(
                        issuer=OuterRef("issuer"), number=OuterRef("status_list")
                    ).values("revision")[:1]
                ),
                0,
            )
        )
        .values_list("revoked_at", "valid_until", "list_revision")[:1]
    ),
    UUID,
)
_BADGE_PAGE_STAMP = CompiledQuery(
    lambda key: (
        BadgeClass.objects.filter(
            uuid=key, status__in=[BadgeStatus.PUBLISHED, BadgeStatus.ARCHIVED]
        )
        .order_by()
        .values_list("updated_at", "issuer__name")[:1]
    ),
    UUID,
)


@require_http_methods(["GET"])
def award_public(request: HttpRequest, award_uuid: str) -> HttpResponse:
    if wants_json(request):
        return _award_json(request, award_uuid)
    if not page_cache.is_shared(request):
        return page_cache.private(_award_page(request, _award(award_uuid), {}))
    stamp = _AWARD_PAGE_STAMP.first_row(award_uuid)
    if stamp is None:
        raise Http404
    revoked_at, valid_until, badge_updated = stamp
    expired = valid_until is not None and valid_until < timezone.now()
    key = page_cache.cache_key(
        "award-page",
        request.get_full_path(),
        page_cache.language(),
        revoked_at,
        expired,
        badge_updated,
    )
    return page_cache.shared_page(
        request,
        key,
        lambda extra: _award_page(request, _award(award_uuid), extra),
        max_age=page_cache.STATUS_MAX_AGE,
        timeout=PAGE_TIMEOUT,
    )


def _award_json(request: HttpRequest, award_uuid: str) -> HttpResponse:
    """The signed credential, byte for byte: one column read, revalidated by its digest."""
    row = _AWARD_CREDENTIAL.first_row(award_uuid)
    if row is None:
        raise Http404
    credential = row[0]
    etag = '"' + hashlib.sha256(credential.encode()).hexdigest()[:32] + '"'
    vary = ("Accept",)
    download = bool(request.GET.get("download"))
    if not download and page_cache.not_modified(request, etag):
        response: HttpResponse = page_cache.answer_not_modified(
            etag, max_age=CREDENTIAL_MAX_AGE, vary=vary
        )
    else:
        response = HttpResponse(credential, content_type="application/ld+json")
        page_cache.public(response, etag, max_age=CREDENTIAL_MAX_AGE, vary=vary)
    response["Access-Control-Allow-Origin"] = "*"
    if download:
        response["Content-Disposition"] = f'attachment; filename="badge-{award_uuid}.json"'
    return response


def _award_page(request: HttpRequest, award: Award, extra: dict[str, object]) -> HttpResponse:
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
    # Evidence is signed into the credential: an award whose credential names none has none.
    evidence = list(award.evidence.all()) if '"evidence"' in award.credential else []
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
            "revoke_form": RevokeForm() if can_revoke else None,
            "award_url": credentials.award_url(award),
            "preview_url": absolute_url("award_preview", award.uuid),
            "image_is_svg": str(award.badge.image.name).endswith(".svg"),
            "evidence": evidence,
            "sms_delivery": award_sms.delivery(award) if can_revoke else None,
            **extra,
        },
    )
    patch_vary_headers(response, ("Accept",))
    return response


# Seconds a verdict is kept: its key holds the award's revocation and its status list's
# revision (a revocation is seen at once); key rotations and lists of recognised issuers are
# seen within this time.
VERDICT_TIMEOUT = 300


@require_GET
def award_verify(request: HttpRequest, award_uuid: str) -> HttpResponse:
    """Run the full verification of this award, against what this site publishes; the verdict
    is said in verification's plain words (its fragment of the ``award_verify.verdict`` slot)
    and kept per (award, revocation, status list revision, language)."""
    stamp = _AWARD_VERDICT_STAMP.first_row(award_uuid)
    if stamp is None:
        raise Http404
    revoked_at, valid_until, revision = stamp
    expired = valid_until is not None and valid_until < timezone.now()
    key = page_cache.cache_key(
        "award-verdict", str(award_uuid), page_cache.language(), revoked_at, expired, revision
    )
    etag = page_cache.etag_of(key)
    max_age = page_cache.STATUS_MAX_AGE
    if page_cache.not_modified(request, etag):
        return page_cache.answer_not_modified(etag, max_age=max_age)
    store = page_cache.cache()
    body = store.get(key)
    if body is None:
        body = _award_verdict(request, _award(award_uuid)).content.decode()
        timeout = VERDICT_TIMEOUT
        if valid_until is not None and not expired:
            timeout = max(1, min(timeout, int((valid_until - timezone.now()).total_seconds())))
        store.set(key, body, timeout)
    response = HttpResponse(body)
    page_cache.public(response, etag, max_age=max_age)
    return response


def _award_verdict(request: HttpRequest, award: Award) -> HttpResponse:
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
    response = json_ld(json.loads(credential), "application/vc+ld+json")
    # Says which awards are revoked: revalidated on every use (a 304 while it is the same).
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    if page_cache.not_modified(request, etag):
        response = page_cache.answer_not_modified(etag, max_age=0, vary=("Accept",))
        response["Access-Control-Allow-Origin"] = "*"
        return response
    page_cache.public(response, etag, max_age=0, vary=("Accept",))
    return response


@require_GET
def badge_public(request: HttpRequest, badge_uuid: str) -> HttpResponse:
    def shown() -> BadgeClass:
        return get_object_or_404(
            BadgeClass.objects.select_related("issuer"),
            uuid=badge_uuid,
            status__in=[BadgeStatus.PUBLISHED, BadgeStatus.ARCHIVED],
        )

    if not page_cache.is_shared(request):
        return page_cache.private(_badge_page(request, shown(), {}))
    stamp = _BADGE_PAGE_STAMP.first_row(badge_uuid)
    if stamp is None:
        raise Http404
    key = page_cache.cache_key("badge-page", request.get_full_path(), page_cache.language(), *stamp)
    return page_cache.shared_page(
        request,
        key,
        lambda extra: _badge_page(request, shown(), extra),
        max_age=page_cache.PUBLIC_MAX_AGE,
        timeout=PAGE_TIMEOUT,
    )


def _badge_page(request: HttpRequest, badge: BadgeClass, extra: dict[str, object]) -> HttpResponse:
    return render(
        request, "issuing/badge_public.html", {"badge": badge, "issuer": badge.issuer, **extra}
    )
