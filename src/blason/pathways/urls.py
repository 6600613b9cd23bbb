from django.urls import path

from blason.pathways import public_views, views

app_name = "pathways"

space = "spaces/<slug:slug>/pathways/"
one = space + "<uuid:pathway_uuid>/"

urlpatterns = [
    # Public, stable addresses.
    path("pathways/<uuid:pathway_uuid>", public_views.pathway_public, name="public"),
    path(
        "pathways/<uuid:pathway_uuid>/pathway.json", public_views.pathway_json, name="public_json"
    ),
    path("pathways/<uuid:pathway_uuid>/follow", public_views.pathway_follow, name="follow"),
    # In the space.
    path(space, views.pathway_list, name="list"),
    path(space + "new/", views.pathway_new, name="new"),
    path(one, views.pathway_detail, name="detail"),
    path(one + "edit/", views.pathway_edit, name="edit"),
    path(one + "status/", views.pathway_status, name="status"),
    path(one + "steps/<uuid:step_uuid>/badges/", views.requirement_add, name="requirement_add"),
    path(one + "steps/<uuid:step_uuid>/steps/", views.step_add, name="step_add"),
    path(one + "steps/<uuid:step_uuid>/", views.step_edit, name="step_edit"),
    path(
        one + "requirements/<int:requirement_id>/remove/",
        views.requirement_remove,
        name="requirement_remove",
    ),
    path(one + "stats/", views.pathway_stats, name="stats"),
    path(one + "export.csv", views.pathway_export, name="export"),
    path(
        one + "milestones/<int:milestone_id>/decide/",
        views.milestone_decide,
        name="milestone_decide",
    ),
]
