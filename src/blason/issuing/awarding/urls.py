"""Addresses of awarding: one person from the badge's page, the list of awards, and awarding from
a spreadsheet (included in ``blason.issuing.urls``)."""

from django.urls import path

from blason.issuing.awarding import batch_views, list_views, views

BATCH = "spaces/<slug:slug>/batches/<uuid:batch_uuid>/"

urlpatterns = [
    path(
        "spaces/<slug:slug>/badges/<uuid:badge_uuid>/award/",
        views.award_new,
        name="award_new",
    ),
    path("spaces/<slug:slug>/badges/<uuid:badge_uuid>/", views.badge_detail, name="badge"),
    path("spaces/<slug:slug>/awards/", list_views.award_list, name="award_list"),
    path(
        "spaces/<slug:slug>/awards/<uuid:award_uuid>/revoke/",
        views.award_revoke,
        name="award_revoke",
    ),
    path(
        "spaces/<slug:slug>/badges/<uuid:badge_uuid>/award-many/",
        batch_views.batch_upload,
        name="batch_upload",
    ),
    path("spaces/<slug:slug>/batches/", batch_views.batch_list, name="batch_list"),
    path(
        "spaces/<slug:slug>/batches/template.csv",
        batch_views.batch_template,
        name="batch_template",
    ),
    path(BATCH, batch_views.batch_detail, name="batch_detail"),
    path(BATCH + "progress/", batch_views.batch_progress, name="batch_progress"),
    path(BATCH + "columns/", batch_views.batch_columns, name="batch_columns"),
    path(BATCH + "confirm/", batch_views.batch_confirm, name="batch_confirm"),
    path(BATCH + "cancel/", batch_views.batch_cancel, name="batch_cancel"),
    path(BATCH + "resume/", batch_views.batch_resume, name="batch_resume"),
    path(BATCH + "discard/", batch_views.batch_discard, name="batch_discard"),
    path(BATCH + "errors.csv", batch_views.batch_problems, name="batch_problems"),
    path(BATCH + "codes/", batch_views.batch_codes, name="batch_codes"),
    path(BATCH + "codes.csv", batch_views.batch_codes_csv, name="batch_codes_csv"),
]
