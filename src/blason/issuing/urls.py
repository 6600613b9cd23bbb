from django.urls import path

from blason.issuing import award_views, views

app_name = "issuing"

urlpatterns = [
    path("spaces/<slug:slug>/badges/new/", views.badge_new, name="badge_new"),
    path("spaces/<slug:slug>/badges/image-preview/", views.image_preview, name="image_preview"),
    path("spaces/<slug:slug>/badges/<uuid:badge_uuid>/edit/", views.badge_edit, name="badge_edit"),
    path(
        "spaces/<slug:slug>/badges/<uuid:badge_uuid>/award/",
        award_views.award_new,
        name="award_new",
    ),
    path(
        "spaces/<slug:slug>/awards/<uuid:award_uuid>/revoke/",
        award_views.award_revoke,
        name="award_revoke",
    ),
    path(
        "spaces/<slug:slug>/badges/<uuid:badge_uuid>/status/",
        views.badge_status,
        name="badge_status",
    ),
]
