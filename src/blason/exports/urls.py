from django.urls import path

from blason.exports import views

app_name = "exports"

urlpatterns = [
    path("spaces/<slug:slug>/exports/", views.space_exports, name="space"),
    path("spaces/<slug:slug>/exports/space.json", views.space_export, name="space_json"),
    path("spaces/<slug:slug>/exports/open-data.csv", views.space_open_data, name="space_open_data"),
    path("open-data/competences.csv", views.site_open_data, name="site_open_data"),
]
