from django.urls import path

from blason.api import badge_connect, oauth_views, views

app_name = "api"

urlpatterns = [
    # Open Badges 3.0 API: the paths the standard fixes.
    path("ims/ob/v3p0/discovery", views.service_description, name="discovery"),
    path("ims/ob/v3p0/credentials", views.credentials, name="credentials"),
    path("ims/ob/v3p0/profile", views.profile, name="profile"),
    # Badge Connect (Open Badges 2.1): manifest and endpoints.
    path(
        ".well-known/badgeconnect.json",
        badge_connect.manifest,
        name="badgeconnect_manifest",
    ),
    path("ims/ob/v2p1/assertions", badge_connect.assertions, name="badgeconnect_assertions"),
    path("ims/ob/v2p1/profile", badge_connect.profile, name="badgeconnect_profile"),
    # OAuth 2.0 (the service description says where).
    path("oauth/register", oauth_views.register, name="register"),
    path("oauth/authorize", oauth_views.consent, name="authorize"),
    path("oauth/token", oauth_views.token, name="token"),
    path("oauth/revoke", oauth_views.revoke, name="revoke"),
    # The earner's side.
    path("apps/about/", oauth_views.about, name="about"),
    path(
        "account/apps/<str:client_id>/disconnect/",
        oauth_views.disconnect,
        name="disconnect",
    ),
]
