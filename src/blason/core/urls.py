from django.urls import path

from blason.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("spaces/<slug:slug>/", views.issuer_detail, name="issuer"),
    path("spaces/<slug:slug>/members/", views.issuer_members, name="issuer_members"),
    path("spaces/<slug:slug>/activity/", views.issuer_activity, name="issuer_activity"),
    path("spaces/<slug:slug>/badges/<uuid:badge_uuid>/", views.badge_detail, name="badge"),
]
