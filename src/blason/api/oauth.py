"""The OAuth 2.0 server django-oauth-toolkit runs (``OAUTH2_PROVIDER["OAUTH2_SERVER_CLASS"]``).

Only what the Open Badges 3.0 API uses: the authorization code grant with refresh tokens
(no implicit, password or client-credentials grant), and PKCE with S256 only: the "plain"
method is refused when the application asks for a code, before the earner sees the consent
screen, not only when the code is made.
"""

from __future__ import annotations

from typing import Any

from oauthlib.oauth2 import WebApplicationServer
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import code_challenge_method_s256


class ObServer(WebApplicationServer):  # type: ignore[misc]
    def __init__(self, request_validator: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(request_validator, *args, **kwargs)
        self.auth_grant._code_challenge_methods = {"S256": code_challenge_method_s256}
