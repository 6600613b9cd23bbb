from django.urls import path

from blason.insights import map_views, report_views, views

app_name = "insights"

urlpatterns = [
    path("spaces/<slug:slug>/insights/", views.issuer_dashboard, name="issuer"),
    path("operator/insights/", views.site_dashboard, name="site"),
    path("operator/insights/refresh/", views.refresh_request, name="refresh"),
    path("account/territory/", views.territory_settings, name="territory"),
    path("spaces/<slug:slug>/insights/skills/", map_views.issuer_skills_map, name="issuer_skills"),
    path("operator/insights/skills/", map_views.site_skills_map, name="site_skills"),
]
# Each table of the skills map as CSV (the map's filters in the query).
for _table in map_views.TABLES:
    urlpatterns += [
        path(
            f"spaces/<slug:slug>/insights/skills/{_table}.csv",
            map_views.issuer_skills_csv,
            {"table": _table},
            name=f"issuer_skills_{_table}_csv",
        ),
        path(
            f"operator/insights/skills/{_table}.csv",
            map_views.site_skills_csv,
            {"table": _table},
            name=f"site_skills_{_table}_csv",
        ),
    ]
# Each chart's table as CSV (the dashboard's filters in the query).
for _chart in views.CHARTS:
    urlpatterns += [
        path(
            f"spaces/<slug:slug>/insights/{_chart}.csv",
            views.issuer_dashboard_csv,
            {"chart": _chart},
            name=f"issuer_{_chart}_csv",
        ),
        path(
            f"operator/insights/{_chart}.csv",
            views.site_dashboard_csv,
            {"chart": _chart},
            name=f"site_{_chart}_csv",
        ),
    ]
# The one-page PDF report for funders (report_views).
urlpatterns += [
    path(
        "spaces/<slug:slug>/insights/report.pdf", report_views.issuer_report, name="issuer_report"
    ),
    path("operator/insights/report.pdf", report_views.site_report, name="site_report"),
]
