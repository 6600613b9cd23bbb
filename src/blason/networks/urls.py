from django.urls import path

from blason.networks import endorsement_views, views

app_name = "networks"

PUBLIC = "networks/<uuid:issuer_uuid>/"

urlpatterns = [
    path("networks/new/", views.network_create, name="create"),
    path(PUBLIC, views.public, name="public"),
    # Stable addresses that verifiers read: change them never.
    path(PUBLIC + "recognized-issuers", views.recognized_issuers, name="list"),
    path(PUBLIC + "registry.json", views.registry, name="registry"),
    path(
        "endorsements/<uuid:endorsement_uuid>/ob2",
        endorsement_views.endorsement_ob2,
        name="endorsement_ob2",
    ),
    path("spaces/<slug:slug>/network/", views.coordinate, name="coordinate"),
    path("spaces/<slug:slug>/network/invite/", views.invite, name="invite"),
    path(PUBLIC + "badges/", views.catalogue, name="catalogue"),
    path("spaces/<slug:slug>/network/area/", views.area, name="area"),
    path("spaces/<slug:slug>/network/share/", views.share, name="share"),
    path(
        "spaces/<slug:slug>/networks/badges/<uuid:shared_uuid>/take-up/",
        views.take_up,
        name="take_up",
    ),
    path(
        "spaces/<slug:slug>/network/members/<uuid:member_uuid>/remove/",
        views.remove,
        name="remove",
    ),
    path("spaces/<slug:slug>/networks/", views.memberships, name="memberships"),
    path("spaces/<slug:slug>/networks/<uuid:member_uuid>/accept/", views.accept, name="accept"),
    path("spaces/<slug:slug>/networks/<uuid:member_uuid>/decline/", views.decline, name="decline"),
    path("spaces/<slug:slug>/networks/<uuid:member_uuid>/leave/", views.leave, name="leave"),
    path(
        "spaces/<slug:slug>/endorsements/",
        endorsement_views.endorsement_list,
        name="endorsements",
    ),
    path("spaces/<slug:slug>/endorsements/ask/", endorsement_views.ask, name="endorsement_ask"),
    path("spaces/<slug:slug>/endorsements/give/", endorsement_views.give, name="endorse"),
    path(
        "spaces/<slug:slug>/endorsements/<uuid:endorsement_uuid>/accept/",
        endorsement_views.accept,
        name="endorsement_accept",
    ),
    path(
        "spaces/<slug:slug>/endorsements/<uuid:endorsement_uuid>/decline/",
        endorsement_views.decline,
        name="endorsement_decline",
    ),
    path(
        "spaces/<slug:slug>/endorsements/<uuid:endorsement_uuid>/withdraw/",
        endorsement_views.withdraw,
        name="endorsement_withdraw",
    ),
]
