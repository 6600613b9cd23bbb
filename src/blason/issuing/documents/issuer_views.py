"""Public issuer pages and documents: no sign-in, no tenant data beyond what is published."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from blason.core import page_cache
from blason.core.compiled import CompiledQuery
from blason.core.models import Issuer
from blason.issuing.badges.models import BadgeClass, BadgeStatus
from blason.issuing.signing import issuer_documents
from blason.issuing.signing.models import KeyAlgorithm, SigningKey

JSON_LD = "application/ld+json"


def wants_json(request: HttpRequest) -> bool:
    """Content negotiation: browsers get HTML, verifiers (JSON or JSON-LD) get the document."""
    if request.GET.get("format") == "json":
        return True
    accept = request.headers.get("Accept", "")
    return "text/html" not in accept and ("json" in accept or "*/*" in accept or not accept)


def json_ld(document: dict[str, Any], content_type: str = JSON_LD) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type=content_type
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Accept"
    return response


# Seconds a shared issuer page is kept: its texts and its published badges are in its key,
# anything else it shows is at most this old.
PAGE_TIMEOUT = 60


def _issuer_page_stamp(key: UUID) -> QuerySet[Issuer, Any]:
    badges = BadgeClass.objects.filter(issuer=OuterRef("pk"), status=BadgeStatus.PUBLISHED)
    return (
        Issuer.objects.filter(uuid=key)
        .order_by()
        .annotate(
            badges_changed=Subquery(
                badges.order_by().values("issuer").annotate(last=Max("updated_at")).values("last")
            ),
            badges_count=Subquery(
                badges.order_by().values("issuer").annotate(n=Count("pk")).values("n")
            ),
        )
        .values_list("name", "description", "url", "kind", "badges_changed", "badges_count")[:1]
    )


# Read before the cache (compiled once: the ORM's compiling cost more than the query).
_ISSUER_PAGE_STAMP = CompiledQuery(_issuer_page_stamp, UUID)


@require_GET
def issuer_profile(request: HttpRequest, issuer_uuid: str) -> HttpResponse:
    if wants_json(request):
        issuer = get_object_or_404(Issuer, uuid=issuer_uuid)
        return json_ld(issuer_documents.profile_document(issuer))
    if not page_cache.is_shared(request):
        issuer = get_object_or_404(Issuer, uuid=issuer_uuid)
        return page_cache.private(_issuer_page(request, issuer, {}))
    stamp = _ISSUER_PAGE_STAMP.first_row(issuer_uuid)
    if stamp is None:
        raise Http404
    key = page_cache.cache_key(
        "issuer-page", request.get_full_path(), page_cache.language(), *stamp
    )
    return page_cache.shared_page(
        request,
        key,
        lambda extra: _issuer_page(request, get_object_or_404(Issuer, uuid=issuer_uuid), extra),
        max_age=page_cache.PUBLIC_MAX_AGE,
        timeout=PAGE_TIMEOUT,
    )


def _issuer_page(request: HttpRequest, issuer: Issuer, extra: dict[str, object]) -> HttpResponse:
    badges = BadgeClass.objects.filter(issuer=issuer, status=BadgeStatus.PUBLISHED)
    response = render(
        request,
        "issuing/issuer_public.html",
        {
            "issuer": issuer,
            "badges": badges,
            "profile_url": issuer_documents.issuer_url(issuer),
            **extra,
        },
    )
    patch_vary_headers(response, ("Accept",))
    return response


@require_GET
def issuer_key(request: HttpRequest, issuer_uuid: str, fragment: str) -> HttpResponse:
    issuer = get_object_or_404(Issuer, uuid=issuer_uuid)
    key = get_object_or_404(SigningKey, issuer=issuer, fragment=fragment)
    if not key.public_multikey:  # RSA, P-256: the VC-JWT kid resolves to a bare public JWK
        return json_ld(issuer_documents.jwk_document(issuer, key), "application/jwk+json")
    return json_ld(issuer_documents.key_document(issuer, key))


@require_GET
def issuer_did(request: HttpRequest, issuer_uuid: str) -> HttpResponse:
    issuer = get_object_or_404(Issuer, uuid=issuer_uuid)
    return json_ld(issuer_documents.did_document(issuer), "application/did+ld+json")


@require_GET
def issuer_jwks(request: HttpRequest, issuer_uuid: str) -> JsonResponse:
    issuer = get_object_or_404(Issuer, uuid=issuer_uuid)
    response = JsonResponse(issuer_documents.jwks_document(issuer))
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def issuer_ob2(request: HttpRequest, issuer_uuid: str) -> HttpResponse:
    issuer = get_object_or_404(Issuer, uuid=issuer_uuid)
    return json_ld(issuer_documents.ob2_issuer_document(issuer), "application/json")


@require_GET
def issuer_ob2_key(request: HttpRequest, issuer_uuid: str, fragment: str) -> HttpResponse:
    issuer = get_object_or_404(Issuer, uuid=issuer_uuid)
    key = get_object_or_404(
        SigningKey, issuer=issuer, fragment=fragment, algorithm=KeyAlgorithm.RSA
    )
    return json_ld(issuer_documents.ob2_key_document(issuer, key), "application/json")
