from django.urls import path

from blason.peers import criterion_views, feed_views, join_views, map_views, request_views, views

app_name = "peers"

WORKSHOP = "spaces/<slug:slug>/workshops/<uuid:workshop_uuid>/"
CRITERION = WORKSHOP + "criteria/<uuid:criterion_uuid>/"
GROUP = WORKSHOP + "groups/<uuid:group_uuid>/"

urlpatterns = [
    path("join/<str:token>/", join_views.join, name="join"),
    path("spaces/<slug:slug>/join-link/", join_views.join_link, name="join_link"),
    path("spaces/<slug:slug>/join-link/new/", join_views.join_link_new, name="join_link_new"),
    path("spaces/<slug:slug>/join-link/off/", join_views.join_link_off, name="join_link_off"),
    path("spaces/<slug:slug>/feed/", feed_views.group_feed, name="feed"),
    path("spaces/<slug:slug>/workshops/", views.workshop_list, name="workshops"),
    path("spaces/<slug:slug>/workshops/new/", views.workshop_new, name="workshop_new"),
    path(WORKSHOP, views.workshop_detail, name="workshop"),
    path(WORKSHOP + "live/", views.live, name="live"),
    path(WORKSHOP + "map/", map_views.workshop_map, name="map"),
    path(WORKSHOP + "projector/", map_views.workshop_projector, name="projector"),
    path(WORKSHOP + "criteria/", criterion_views.criterion_propose, name="propose"),
    path(WORKSHOP + "name/", criterion_views.show_name, name="show_name"),
    path(WORKSHOP + "groups/", criterion_views.group_add, name="group_add"),
    path(GROUP + "rename/", criterion_views.group_rename, name="group_rename"),
    path(GROUP + "remove/", criterion_views.group_remove, name="group_remove"),
    path(CRITERION + "vote/", criterion_views.vote, name="vote"),
    path(CRITERION + "comment/", criterion_views.comment, name="comment"),
    path(CRITERION + "edit/", criterion_views.criterion_edit, name="criterion_edit"),
    path(CRITERION + "remove/", criterion_views.criterion_withdraw, name="criterion_withdraw"),
    path(WORKSHOP + "close/", views.workshop_close, name="close"),
    path(WORKSHOP + "reopen/", views.workshop_reopen, name="reopen"),
    path(WORKSHOP + "validate/", views.workshop_validate, name="validate"),
    # Badge requests and peer validation
    path("badges/<uuid:badge_uuid>/ask/", request_views.request_new, name="request_new"),
    path("badges/<uuid:badge_uuid>/ask/poster/", request_views.request_poster, name="poster"),
    path("my-requests/", request_views.my_requests, name="my_requests"),
    path("my-requests/<uuid:request_uuid>/", request_views.my_request, name="my_request"),
    path(
        "my-requests/<uuid:request_uuid>/withdraw/",
        request_views.my_request_withdraw,
        name="my_request_withdraw",
    ),
    path("requests/<uuid:request_uuid>/file/", request_views.request_file, name="request_file"),
    path("to-validate/", request_views.to_validate, name="to_validate"),
    path(
        "spaces/<slug:slug>/requests/<uuid:request_uuid>/",
        request_views.request_detail,
        name="request",
    ),
    path("spaces/<slug:slug>/requests/", request_views.space_requests, name="space_requests"),
    path("spaces/<slug:slug>/rules/", request_views.rules, name="rules"),
    path("spaces/<slug:slug>/rules/<uuid:badge_uuid>/", request_views.rule_edit, name="rule_edit"),
    path(
        "spaces/<slug:slug>/rules/<uuid:badge_uuid>/poster.pdf",
        request_views.request_poster_pdf,
        name="poster_pdf",
    ),
]
