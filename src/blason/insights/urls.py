from django.urls import path

from blason.insights import report_views, views

app_name = "insights"

urlpatterns = [
    path("spaces/<slug:slug>/insights/", views.issuer_dashboard, name="issuer"),
    path("operator/insights/", views.site_dashboard, name="site"),
    path("operator/insights/refresh/", views.refresh_request, name="refresh"),
    path("account/territory/", views.territory_settings, name="territory"),
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
