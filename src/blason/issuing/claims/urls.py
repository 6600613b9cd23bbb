"""Addresses of claim links (included in ``blason.issuing.urls``)."""

from django.urls import path

from blason.issuing.claims import public_views as claim_public
from blason.issuing.claims import views as claim_views

LINK = "spaces/<slug:slug>/claim-links/<uuid:link_uuid>/"
CLAIM = LINK + "claims/<uuid:claim_uuid>/"

urlpatterns = [
    # Printed on posters and encoded in their QR codes: change them never.
    path("c/<str:token>", claim_public.claim_page, name="claim_page"),
    path("c/<str:token>/<uuid:claim_uuid>", claim_public.claim_status, name="claim_status"),
    path(
        "spaces/<slug:slug>/badges/<uuid:badge_uuid>/claim-links/new/",
        claim_views.link_new,
        name="claim_link_new",
    ),
    path("spaces/<slug:slug>/claim-links/", claim_views.link_list, name="claim_link_list"),
    path(LINK, claim_views.link_detail, name="claim_link_detail"),
    path(LINK + "edit/", claim_views.link_edit, name="claim_link_edit"),
    path(LINK + "active/", claim_views.link_active, name="claim_link_active"),
    path(LINK + "poster.pdf", claim_views.link_poster, name="claim_link_poster"),
    path(LINK + "qr.<str:extension>", claim_views.link_qr, name="claim_link_qr"),
    path(LINK + "approve/", claim_views.claims_approve, name="claims_approve"),
    path(CLAIM + "approve/", claim_views.claim_approve, name="claim_approve"),
    path(CLAIM + "refuse/", claim_views.claim_refuse, name="claim_refuse"),
]
