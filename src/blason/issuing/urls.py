from django.urls import path

from blason.issuing import award_list, award_views, views
from blason.issuing.batch_urls import urlpatterns as batch_urlpatterns
from blason.issuing.claim_urls import urlpatterns as claim_urlpatterns

app_name = "issuing"

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
        "spaces/<slug:slug>/badges/<uuid:badge_uuid>/award/",
        award_views.award_new,
        name="award_new",
    ),
    path("spaces/<slug:slug>/badges/<uuid:badge_uuid>/", award_views.badge_detail, name="badge"),
    path("spaces/<slug:slug>/awards/", award_list.award_list, name="award_list"),
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

urlpatterns += batch_urlpatterns
urlpatterns += claim_urlpatterns
