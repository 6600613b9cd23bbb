from django.urls import path

from blason.core import abuse_views, space_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("abuse/report/", abuse_views.abuse_report, name="abuse_report"),
    path("operator/mail/", abuse_views.operator_mail, name="operator_mail"),
    path(
        "operator/mail/spaces/<uuid:issuer_uuid>/trust/",
        abuse_views.operator_trust,
        name="operator_trust",
    ),
    path("spaces/new/", space_views.space_create, name="space_create"),
    path("spaces/mine/", space_views.personal_space, name="personal_space"),
    path("invitations/<uuid:token>/", space_views.invitation, name="invitation"),
    path("spaces/<slug:slug>/settings/", space_views.space_settings, name="space_settings"),
    path("spaces/<slug:slug>/members/", space_views.members, name="issuer_members"),
    path("spaces/<slug:slug>/members/invite/", space_views.member_invite, name="member_invite"),
    path(
        "spaces/<slug:slug>/members/<uuid:user_uuid>/role/",
        space_views.member_role,
        name="member_role",
    ),
    path(
        "spaces/<slug:slug>/members/<uuid:user_uuid>/remove/",
        space_views.member_remove,
        name="member_remove",
    ),
    path(
        "spaces/<slug:slug>/invitations/<uuid:token>/cancel/",
        space_views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("spaces/<slug:slug>/activity/", views.issuer_activity, name="issuer_activity"),
]
