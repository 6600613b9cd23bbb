from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from blason.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("blason.accounts.urls")),
    path("", include("blason.issuing.urls")),
    path("", include("blason.core.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "blason.core.errors.bad_request"
handler403 = "blason.core.errors.permission_denied"
handler404 = "blason.core.errors.page_not_found"
handler500 = "blason.core.errors.server_error"
