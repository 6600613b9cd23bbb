"""Public OB 2.0 documents and the on-request download forms of an award (no sign-in).

Machine documents answer JSON-LD (``application/json`` when only that is accepted) with CORS
open to every origin; a browser asking for them is sent to the matching human page. Downloads
are made from the stored credential on each request and never stored. Nothing here writes:
the RS256 forms are signed with the issuer's RSA key, made with the issuer
(``keys.issuer_keys_create``) and only read here (``keys.active_key``); an issuer without one
gets a 503 page saying so, never a key made on the way.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from blason.core.keystore import KeyStoreError
from blason.core.models import Issuer
from blason.issuing.awarding.models import Award
from blason.issuing.badges.images import ImageRejected
from blason.issuing.badges.models import BadgeClass, BadgeStatus
from blason.issuing.documents import award_documents
from blason.issuing.documents.award_documents import NoOb2Form
from blason.issuing.documents.issuer_views import JSON_LD, json_ld, wants_json
from blason.issuing.signing.keys import KeyMissing
from obcore.errors import BakingError

logger = logging.getLogger(__name__)

NAME_ONLY = gettext_lazy(
    "This badge was given to a name only. Open Badges 2.0 needs an e-mail address or a phone "
    "number to know who received a badge, so this badge has no Open Badges 2.0 form. Its other "
    "downloads work."
)


def _award(award_uuid: str) -> Award:
    return get_object_or_404(Award.objects.select_related("badge", "issuer"), uuid=award_uuid)


def _document(request: HttpRequest, document: dict[str, Any], status: int = 200) -> HttpResponse:
    """JSON-LD, or plain JSON for a client that accepts only that (OB 2.0 "Content-Type")."""
    accept = request.headers.get("Accept", "")
    only_json = "application/json" in accept and "ld+json" not in accept
    response = json_ld(document, "application/json" if only_json else JSON_LD)
    response.status_code = status
    return response


def _unavailable(request: HttpRequest, award: Award, message: str, status: int) -> HttpResponse:
    """A download that cannot be made: said plainly, with the way back to the badge."""
    return render(
        request,
        "issuing/award_download_unavailable.html",
        {"award": award, "badge": award.badge, "message": message},
        status=status,
    )


def _download(body: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def award_ob2(request: HttpRequest, award_uuid: str) -> HttpResponse:
    """The hosted OB 2.0 Assertion; 410 Gone once revoked (what OB 2.0 verifiers look for)."""
    award = _award(award_uuid)
    if not wants_json(request):
        return redirect("award_public", award.uuid)
    if award.revoked_at is not None:
        return _document(request, award_documents.revoked_assertion(award), status=410)
    try:
        return _document(request, award_documents.hosted_assertion(award))
    except NoOb2Form:
        return _document(
            request,
            {"error": "no_ob2_form", "message": str(NAME_ONLY)},
            status=404,
        )


@require_safe
def award_ob2_image(request: HttpRequest, award_uuid: str) -> HttpResponse:
    """The badge image (PNG) with the hosted OB 2.0 Assertion baked in."""
    award = _award(award_uuid)
    if award.revoked_at is not None:
        return _unavailable(request, award, _("This badge was revoked."), 410)
    if not award.badge.image:
        return _unavailable(request, award, _("This badge has no image."), 404)
    try:
        baked = award_documents.baked_png(award)
    except NoOb2Form:
        return _unavailable(request, award, str(NAME_ONLY), 404)
    except (ImageRejected, BakingError):
        return _unavailable(request, award, _("This image cannot be prepared."), 409)
    return _download(baked, "image/png", f"badge-{award.uuid}-ob2.png")


def _signed(request: HttpRequest, award_uuid: str, ob2_form: bool) -> HttpResponse:
    award = _award(award_uuid)
    if award.revoked_at is not None:
        return _unavailable(
            request,
            award,
            _("This badge was revoked: no new signed copy of it is made."),
            410,
        )
    try:
        if ob2_form:
            token = award_documents.signed_assertion(award)
        else:
            token = award_documents.vc_jwt(award)
    except NoOb2Form:
        return _unavailable(request, award, str(NAME_ONLY), 404)
    except KeyStoreError:
        return _unavailable(
            request,
            award,
            _("The issuer's signing key cannot be used right now. Please try again later."),
            503,
        )
    except KeyMissing:
        logger.error("issuer %s has no RSA key: `blason create_missing_keys`", award.issuer.uuid)
        return _unavailable(
            request,
            award,
            _(
                "The issuer's signing key for this form is missing, so no signed copy can be "
                "made right now. Please try again later or tell the site's team."
            ),
            503,
        )
    name = f"badge-{award.uuid}-ob2.jws" if ob2_form else f"badge-{award.uuid}.jwt"
    return _download(token, "text/plain; charset=utf-8", name)


@require_safe
def award_ob2_jws(request: HttpRequest, award_uuid: str) -> HttpResponse:
    """The OB 2.0 signed assertion (compact JWS, RS256)."""
    return _signed(request, award_uuid, ob2_form=True)


@require_safe
def award_vc_jwt(request: HttpRequest, award_uuid: str) -> HttpResponse:
    """The OB 3.0 credential as a VC-JWT (RS256)."""
    return _signed(request, award_uuid, ob2_form=False)


def _public_badge(badge_uuid: str) -> BadgeClass:
    return get_object_or_404(
        BadgeClass.objects.select_related("issuer"),
        uuid=badge_uuid,
        status__in=[BadgeStatus.PUBLISHED, BadgeStatus.ARCHIVED],
    )


@require_safe
def badge_ob2(request: HttpRequest, badge_uuid: str) -> HttpResponse:
    """The OB 2.0 BadgeClass of a published (or archived) badge."""
    badge = _public_badge(badge_uuid)
    if not wants_json(request):
        return redirect("badge_public", badge.uuid)
    return _document(request, award_documents.badge_class_document(badge))


@require_safe
def badge_image(request: HttpRequest, badge_uuid: str) -> HttpResponse:
    """The badge's image at a stable address (the OB 2.0 BadgeClass ``image``)."""
    badge = _public_badge(badge_uuid)
    if not badge.image:
        return HttpResponse(status=404)
    with badge.image.open("rb") as handle:
        body = handle.read()
    is_svg = str(badge.image.name).endswith(".svg")
    response = HttpResponse(body, content_type="image/svg+xml" if is_svg else "image/png")
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    if is_svg:  # cleaned when uploaded; even so, nothing in it may run in this origin
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@require_safe
def issuer_ob2_revocations(request: HttpRequest, issuer_uuid: str) -> HttpResponse:
    """The issuer's OB 2.0 RevocationList (linked from its OB 2.0 profile)."""
    issuer = get_object_or_404(Issuer, uuid=issuer_uuid)
    return _document(request, award_documents.revocation_list_document(issuer))
