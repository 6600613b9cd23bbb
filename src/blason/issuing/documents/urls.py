"""Public, stable addresses that go into issued badges: change them never (included without a
namespace by ``blason.urls``)."""

from django.urls import path

from blason.issuing.documents import issuer_views, public_views, views

urlpatterns = [
    path("issuers/<uuid:issuer_uuid>", issuer_views.issuer_profile, name="issuer_profile"),
    path("issuers/<uuid:issuer_uuid>/did.json", issuer_views.issuer_did, name="issuer_did"),
    path(
        "issuers/<uuid:issuer_uuid>/keys/<str:fragment>",
        issuer_views.issuer_key,
        name="issuer_key",
    ),
    path("issuers/<uuid:issuer_uuid>/jwks.json", issuer_views.issuer_jwks, name="issuer_jwks"),
    path("issuers/<uuid:issuer_uuid>/ob2", issuer_views.issuer_ob2, name="issuer_ob2"),
    path(
        "issuers/<uuid:issuer_uuid>/ob2/keys/<str:fragment>",
        issuer_views.issuer_ob2_key,
        name="issuer_ob2_key",
    ),
    path(
        "issuers/<uuid:issuer_uuid>/status/<int:number>",
        public_views.issuer_status_list,
        name="issuer_status_list",
    ),
    path(
        "issuers/<uuid:issuer_uuid>/ob2/revocations",
        views.issuer_ob2_revocations,
        name="issuer_ob2_revocations",
    ),
    path("badges/<uuid:badge_uuid>", public_views.badge_public, name="badge_public"),
    path("badges/<uuid:badge_uuid>/ob2", views.badge_ob2, name="badge_ob2"),
    path("badges/<uuid:badge_uuid>/image", views.badge_image, name="badge_image"),
    path("awards/<uuid:award_uuid>", public_views.award_public, name="award_public"),
    path("awards/<uuid:award_uuid>/ob2", views.award_ob2, name="award_ob2"),
    path(
        "awards/<uuid:award_uuid>/ob2/badge.png",
        views.award_ob2_image,
        name="award_ob2_image",
    ),
    path(
        "awards/<uuid:award_uuid>/ob2/signed.jws",
        views.award_ob2_jws,
        name="award_ob2_jws",
    ),
    path(
        "awards/<uuid:award_uuid>/credential.jwt",
        views.award_vc_jwt,
        name="award_vc_jwt",
    ),
    path("awards/<uuid:award_uuid>/verify", public_views.award_verify, name="award_verify"),
    path(
        "awards/<uuid:award_uuid>/evidence/<uuid:evidence_uuid>",
        public_views.evidence_file,
        name="evidence_file",
    ),
    path("awards/<uuid:award_uuid>/preview.png", public_views.award_preview, name="award_preview"),
    path(
        "awards/<uuid:award_uuid>/badge.<str:extension>",
        public_views.award_image,
        name="award_image",
    ),
]
