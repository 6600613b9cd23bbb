from django.urls import path

from blason.backpack import collection_views, item_views, public_views, views

app_name = "backpack"

urlpatterns = [
    # The claim addresses go into e-mails and onto printed QR codes: change them never.
    path("claim/", views.claim_enter, name="claim_enter"),
    path("claim/<str:code>", views.claim, name="claim"),
    path("claim/<str:code>/certificate.pdf", views.claim_certificate, name="claim_certificate"),
    # Public pages a person chose to show (``profiles``): stable addresses, shared on the web.
    path("people/<slug:slug>", public_views.public_profile, name="public_profile"),
    path("shared/<uuid:item_uuid>", public_views.shared, name="shared"),
    path("shared/<uuid:item_uuid>/image", public_views.shared_image, name="shared_image"),
    path("shared/<uuid:item_uuid>/preview.png", public_views.shared_preview, name="shared_preview"),
    path("shared/<uuid:item_uuid>/download", public_views.shared_download, name="shared_download"),
    path("backpack/", item_views.backpack, name="list"),
    path("backpack/profile/", public_views.profile_settings, name="profile_settings"),
    path("backpack/import/", views.import_badge, name="import"),
    path("backpack/export.zip", item_views.export, name="export"),
    path("backpack/cv/", item_views.cv, name="cv"),
    path("backpack/identities/", views.identities, name="identities"),
    path("backpack/questions/", views.questions, name="questions"),
    path(
        "backpack/questions/<uuid:question_uuid>/",
        views.question_answer,
        name="question_answer",
    ),
    path("backpack/badges/<uuid:item_uuid>/", item_views.item_detail, name="item"),
    path("backpack/badges/<uuid:item_uuid>/check/", item_views.item_check, name="item_check"),
    path("backpack/badges/<uuid:item_uuid>/note/", item_views.item_note, name="item_note"),
    path(
        "backpack/badges/<uuid:item_uuid>/visibility/",
        item_views.item_visibility,
        name="item_visibility",
    ),
    path("backpack/badges/<uuid:item_uuid>/public/", public_views.item_public, name="item_public"),
    path(
        "backpack/badges/<uuid:item_uuid>/collections/",
        item_views.item_collections,
        name="item_collections",
    ),
    path("backpack/badges/<uuid:item_uuid>/remove/", item_views.item_remove, name="item_remove"),
    path("backpack/badges/<uuid:item_uuid>/image", item_views.item_image, name="item_image"),
    path(
        "backpack/badges/<uuid:item_uuid>/certificate.pdf",
        item_views.item_certificate,
        name="item_certificate",
    ),
    path(
        "backpack/badges/<uuid:item_uuid>/download",
        item_views.item_download,
        name="item_download",
    ),
    path("backpack/collections/", collection_views.collections, name="collections"),
    path(
        "backpack/collections/<uuid:collection_uuid>/",
        collection_views.collection_detail,
        name="collection",
    ),
    path(
        "backpack/collections/<uuid:collection_uuid>/delete/",
        collection_views.collection_delete,
        name="collection_delete",
    ),
    path(
        "backpack/collections/<uuid:collection_uuid>/public/",
        public_views.collection_public,
        name="collection_public",
    ),
    path(
        "backpack/collections/<uuid:collection_uuid>/move/",
        collection_views.collection_move,
        name="collection_move",
    ),
    path(
        "backpack/collections/<uuid:collection_uuid>/badges/<uuid:item_uuid>/move/",
        collection_views.entry_move,
        name="entry_move",
    ),
    path(
        "backpack/collections/<uuid:collection_uuid>/badges/<uuid:item_uuid>/remove/",
        collection_views.entry_remove,
        name="entry_remove",
    ),
]
