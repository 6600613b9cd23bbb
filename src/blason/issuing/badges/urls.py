"""Addresses of designing badges (included in ``blason.issuing.urls``)."""

from django.urls import path

from blason.issuing.badges import views

urlpatterns = [
    # Included after core's URLs, whose "spaces/new/" and "spaces/mine/" come first.
    path("spaces/<slug:slug>/", views.issuer_detail, name="space"),
    path("spaces/<slug:slug>/badges/new/", views.badge_new, name="badge_new"),
    path("spaces/<slug:slug>/badges/image-preview/", views.image_preview, name="image_preview"),
    path(
        "spaces/<slug:slug>/badges/text-preview/",
        views.markdown_preview,
        name="markdown_preview",
    ),
    path("spaces/<slug:slug>/badges/<uuid:badge_uuid>/edit/", views.badge_edit, name="badge_edit"),
    path(
        "spaces/<slug:slug>/badges/<uuid:badge_uuid>/status/",
        views.badge_status,
        name="badge_status",
    ),
]
