from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

from blason.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # Public, stable addresses that go into issued badges: change them never.
    path("", include("blason.issuing.documents.urls")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("blason.accounts.urls")),
    path("", include("blason.guardians.urls")),
    path("", include("blason.insights.urls")),
    path("", include("blason.jobs.urls")),
    path("", include("blason.pathways.urls")),
    path("", include("blason.api.urls")),
    path("", include("blason.verification.urls")),
    path("", include("blason.backpack.urls")),
    path("", include("blason.records.urls")),
    path("", include("blason.exports.urls")),
    path("", include("blason.peers.urls")),
    path("", include("blason.networks.urls")),
    path("", include("blason.core.urls")),
    path("", include("blason.issuing.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns.append(
        re_path(r"^media/(?P<path>.+)$", serve, {"document_root": settings.MEDIA_ROOT})
    )

handler400 = "blason.core.errors.bad_request"
handler403 = "blason.core.errors.permission_denied"
handler404 = "blason.core.errors.page_not_found"
handler500 = "blason.core.errors.server_error"
