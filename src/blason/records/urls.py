from django.urls import path

from blason.records import dossier_views, views

app_name = "records"

urlpatterns = [
    path("backpack/record/", views.home, name="home"),
    path("backpack/record/clr.json", views.record_download, name="record"),
    path("backpack/record/annex.pdf", views.annex_download, name="annex"),
    path("backpack/record/import/", views.import_record, name="import"),
    path("backpack/vae/new/", dossier_views.dossier_new, name="dossier_new"),
    path("backpack/vae/<uuid:dossier_uuid>/", dossier_views.dossier_detail, name="dossier"),
    path(
        "backpack/vae/<uuid:dossier_uuid>/dossier.pdf",
        dossier_views.dossier_pdf,
        name="dossier_pdf",
    ),
    path(
        "backpack/vae/<uuid:dossier_uuid>/dossier.zip",
        dossier_views.dossier_zip,
        name="dossier_zip",
    ),
    path(
        "backpack/vae/<uuid:dossier_uuid>/delete/",
        dossier_views.dossier_delete,
        name="dossier_delete",
    ),
    path("backpack/vae/<uuid:dossier_uuid>/links/", dossier_views.link_create, name="link_create"),
    path(
        "backpack/vae/<uuid:dossier_uuid>/links/<uuid:link_uuid>/revoke/",
        dossier_views.link_revoke,
        name="link_revoke",
    ),
    # A counsellor's read-only link: the address holds a signed token (``selectors.link_token``).
    path("vae/<str:token>/", dossier_views.counsellor, name="counsellor"),
    path("vae/<str:token>/dossier.pdf", dossier_views.counsellor_pdf, name="counsellor_pdf"),
]
