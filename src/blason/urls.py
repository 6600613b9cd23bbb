from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

from blason.core import views as core_views
from blason.issuing import award_views, document_views, public_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # Public, stable addresses that go into issued badges: change them never.
    path("issuers/<uuid:issuer_uuid>", public_views.issuer_profile, name="issuer_profile"),
    path("issuers/<uuid:issuer_uuid>/did.json", public_views.issuer_did, name="issuer_did"),
    path(
        "issuers/<uuid:issuer_uuid>/keys/<str:fragment>",
        public_views.issuer_key,
        name="issuer_key",
    ),
    path("issuers/<uuid:issuer_uuid>/jwks.json", public_views.issuer_jwks, name="issuer_jwks"),
    path("issuers/<uuid:issuer_uuid>/ob2", public_views.issuer_ob2, name="issuer_ob2"),
    path(
        "issuers/<uuid:issuer_uuid>/ob2/keys/<str:fragment>",
        public_views.issuer_ob2_key,
        name="issuer_ob2_key",
    ),
    path(
        "issuers/<uuid:issuer_uuid>/status/<int:number>",
        award_views.issuer_status_list,
        name="issuer_status_list",
    ),
    path(
        "issuers/<uuid:issuer_uuid>/ob2/revocations",
        document_views.issuer_ob2_revocations,
        name="issuer_ob2_revocations",
    ),
    path("badges/<uuid:badge_uuid>", award_views.badge_public, name="badge_public"),
    path("badges/<uuid:badge_uuid>/ob2", document_views.badge_ob2, name="badge_ob2"),
    path("badges/<uuid:badge_uuid>/image", document_views.badge_image, name="badge_image"),
    path("awards/<uuid:award_uuid>", award_views.award_public, name="award_public"),
    path("awards/<uuid:award_uuid>/ob2", document_views.award_ob2, name="award_ob2"),
    path(
        "awards/<uuid:award_uuid>/ob2/badge.png",
        document_views.award_ob2_image,
        name="award_ob2_image",
    ),
    path(
        "awards/<uuid:award_uuid>/ob2/signed.jws",
        document_views.award_ob2_jws,
        name="award_ob2_jws",
    ),
    path(
        "awards/<uuid:award_uuid>/credential.jwt",
        document_views.award_vc_jwt,
        name="award_vc_jwt",
    ),
    path("awards/<uuid:award_uuid>/verify", award_views.award_verify, name="award_verify"),
    path(
        "awards/<uuid:award_uuid>/evidence/<uuid:evidence_uuid>",
        award_views.evidence_file,
        name="evidence_file",
    ),
    path("awards/<uuid:award_uuid>/preview.png", award_views.award_preview, name="award_preview"),
    path(
        "awards/<uuid:award_uuid>/badge.<str:extension>",
        award_views.award_image,
        name="award_image",
    ),
    path("accounts/", include("allauth.urls")),
    path("account/", include("blason.accounts.urls")),
    path("", include("blason.guardians.urls")),
    path("", include("blason.insights.urls")),
    path("", include("blason.api.urls")),
    path("", include("blason.verification.urls")),
    path("", include("blason.backpack.urls")),
    path("", include("blason.peers.urls")),
    path("", include("blason.core.urls")),
    path("", include("blason.issuing.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns.append(
        re_path(r"^media/(?P<path>.+)$", serve, {"document_root": settings.MEDIA_ROOT})
    )

handler400 = "blason.core.errors.bad_request"
handler403 = "blason.core.errors.permission_denied"
handler404 = "blason.core.errors.page_not_found"
handler500 = "blason.core.errors.server_error"
