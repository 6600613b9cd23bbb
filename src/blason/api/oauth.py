"""The OAuth 2.0 server django-oauth-toolkit runs (``OAUTH2_PROVIDER["OAUTH2_SERVER_CLASS"]``).

Only what the Open Badges 3.0 API uses: the authorization code grant with refresh tokens
(no implicit, password or client-credentials grant), and PKCE with S256 only: the "plain"
method is refused when the application asks for a code, before the earner sees the consent
screen, not only when the code is made.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from oauth2_provider import views as dot_views
from oauth2_provider.models import AccessToken, RefreshToken
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2 import WebApplicationServer
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import code_challenge_method_s256


class ObServer(WebApplicationServer):  # type: ignore[misc]
    def __init__(self, request_validator: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(request_validator, *args, **kwargs)
        self.auth_grant._code_challenge_methods = {"S256": code_challenge_method_s256}


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class ObValidator(OAuth2Validator):  # type: ignore[misc]
    """django-oauth-toolkit's validator, remembering which tokens each code gave so that a
    code presented twice revokes them (RFC 6749 §4.1.2: the code may have been stolen)."""

    def save_bearer_token(self, token: dict[str, Any], request: Any, *args: Any, **kw: Any) -> Any:
        from blason.api.models import SpentCode

        saved = super().save_bearer_token(token, request, *args, **kw)
        code = getattr(request, "code", None)
        if request.grant_type == "authorization_code" and code and token.get("access_token"):
            checksum = _digest(token["access_token"])
            family = (
                RefreshToken.objects.filter(access_token__token_checksum=checksum)
                .values_list("token_family", flat=True)
                .first()
            )
            SpentCode.objects.create(
                code_checksum=_digest(code),
                application=request.client,
                access_token_checksum=checksum,
                token_family=family,
            )
            # Codes live minutes; what they gave lives no longer than a refresh token.
            horizon = int(str(settings.OAUTH2_PROVIDER["REFRESH_TOKEN_EXPIRE_SECONDS"]))
            SpentCode.objects.filter(
                created_at__lt=timezone.now() - timedelta(seconds=horizon)
            ).delete()
        return saved

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kw: Any
    ) -> bool:
        if super().validate_code(client_id, code, client, request, *args, **kw):
            return True
        from blason.api.models import SpentCode

        spent = SpentCode.objects.filter(code_checksum=_digest(code), application=client).first()
        if spent is not None:
            RefreshToken.revoke_family(spent.token_family)
            AccessToken.objects.filter(token_checksum=spent.access_token_checksum).delete()
        return False


# Grants the token endpoint takes; django-oauth-toolkit's view answers the device code grant
# itself, before asking the OAuth server, and fails (500) without a device_code.
GRANT_TYPES = ("authorization_code", "refresh_token")


class ObTokenView(dot_views.TokenView):  # type: ignore[misc]
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("grant_type") not in GRANT_TYPES:
            answer = JsonResponse(
                {
                    "error": "unsupported_grant_type",
                    "error_description": "Only authorization_code and refresh_token are taken.",
                },
                status=400,
            )
            answer["Cache-Control"] = "no-store"
            return answer
        response: HttpResponse = super().post(request, *args, **kwargs)
        return response
