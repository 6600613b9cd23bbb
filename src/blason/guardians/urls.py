from django.urls import path

from blason.guardians import views

app_name = "guardians"

# These addresses go into messages to parents: change them never.
urlpatterns = [
    path("guardian/", views.start, name="start"),
    path("guardian/waiting/", views.held, name="held"),
    path("guardian/consent/<str:token>/", views.consent, name="consent"),
    path("guardian/open/<str:token>/", views.open_link, name="open"),
    path("guardian/children/", views.children, name="children"),
    path(
        "guardian/children/<uuid:guardianship_uuid>/delete/",
        views.child_delete,
        name="child_delete",
    ),
]
