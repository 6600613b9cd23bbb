from django.urls import path

from blason.jobs import views

app_name = "jobs"

urlpatterns = [
    path("jobs/occupations/options/", views.occupation_options, name="occupation_options"),
    path("jobs/places/options/", views.place_options, name="place_options"),
    path("jobs/place/", views.offers_place, name="offers_place"),
    path(
        "spaces/<slug:slug>/people/<uuid:person_uuid>/offers/",
        views.person_offers,
        name="person_offers",
    ),
]
