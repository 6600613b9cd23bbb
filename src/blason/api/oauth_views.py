"""The OAuth 2.0 side of the Open Badges 3.0 API: dynamic client registration (RFC 7591), the
consent screen, token and revocation endpoints (django-oauth-toolkit), and the earner's
"disconnect" button."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from allauth.core.ratelimit import consume as ratelimit_consume
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider import views as dot_views
from oauth2_provider.models import Application

from blason.api import registration, selectors, services
from blason.api.models import RegisteredClient
from blason.api.oauth import ObTokenView
from blason.api.scopes import ALL_SCOPES, DESCRIPTIONS
from blason.core import audit
from blason.core.access import current_user

MAX_REGISTRATION_BODY = 64 * 1024


def _registration_error(error: str, description: str, status: int = 400) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
def register(request: HttpRequest) -> HttpResponse:
    """RFC 7591 registration, open to any application (no initial access token), as the
    Open Badges API requires; rate-limited per address."""
    if request.method != "POST":
        response = _registration_error("invalid_request", "Use POST.", status=405)
        response["Allow"] = "POST"
        return response
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = MAX_REGISTRATION_BODY + 1
    if length > MAX_REGISTRATION_BODY:
        return _registration_error("invalid_client_metadata", "The request is too large.")
    if not ratelimit_consume(request, action="api_register"):
        response = _registration_error("too_many_requests", "Try again later.", status=429)
        response["Retry-After"] = "600"
        return response
    try:
        data: Any = json.loads(request.body.decode("utf-8"))
    except (ValueError, RecursionError):
        return _registration_error("invalid_client_metadata", "The body must be JSON.")
    allow_http = bool(settings.DEBUG or settings.API_ALLOW_HTTP_LOOPBACK)
    try:
        metadata = registration.read(data, allow_http_loopback=allow_http)
    except registration.RegistrationRefused as exc:
        return _registration_error(exc.error, str(exc))
    application, secret = services.client_register(metadata=metadata)
    answer = {
        "client_id": application.client_id,
        "client_secret": secret,
        "client_id_issued_at": int(application.created.timestamp()),
        "client_secret_expires_at": 0,
        **metadata.as_json(),
    }
    response = JsonResponse(answer, status=201)
    response["Cache-Control"] = "no-store"
    return response


class ConsentView(dot_views.AuthorizationView):  # type: ignore[misc]
    """The authorization endpoint: after signing in, the earner sees which application asks,
    what it will be able to do, and allows or refuses."""

    template_name = "api/consent.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        application = context.get("application")
        if application is not None:
            context["client"] = RegisteredClient.objects.filter(application=application).first()
            asked = set(context.get("scopes") or [])
            # Badge Connect scopes say the same as their OB 3.0 twins: each right once.
            descriptions = {str(DESCRIPTIONS[s]): s for s in reversed(ALL_SCOPES) if s in asked}
            context["asked"] = [(s, d) for d, s in reversed(descriptions.items())]
            context["return_host"] = urlsplit(context.get("redirect_uri") or "").netloc
            context["settings_url"] = reverse("accounts:settings")
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_valid(form)
        if form.cleaned_data.get("allow") and response.status_code == 302:
            location = response.get("Location", "")
            if "code=" in location:
                application = Application.objects.filter(
                    client_id=form.cleaned_data.get("client_id")
                ).first()
                audit.record(
                    action="api.connection.authorized",
                    actor=self.request.user,
                    target=self.request.user,
                    data={
                        "client_id": form.cleaned_data.get("client_id"),
                        "name": application.name if application else "",
                        "scope": form.cleaned_data.get("scope", ""),
                    },
                )
        return response


consent = ConsentView.as_view()
# Token and revocation endpoints: django-oauth-toolkit's own (client_secret_basic, PKCE
# verification, refresh token rotation, RFC 7009 revocation, Cache-Control: no-store), the
# token endpoint taking only the grants the OB 3.0 API uses.
token = ObTokenView.as_view()
revoke = dot_views.RevokeTokenView.as_view()


@login_required
@require_POST
def disconnect(request: HttpRequest, client_id: str) -> HttpResponse:
    """The earner takes back an application's access (settings page, "Connected
    applications")."""
    user = current_user(request)
    application = selectors.connected_application(user, client_id)
    services.connection_revoke(user=user, application=application)
    messages.success(
        request,
        _("%(name)s can no longer reach your account.") % {"name": application.name},
    )
    return redirect("accounts:settings")


def about(request: HttpRequest) -> HttpResponse:
    """What connecting an application means, for earners and developers: the default terms
    and privacy pages the service description points to."""
    return render(request, "api/about.html", {})
