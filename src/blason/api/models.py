"""What the Open Badges 3.0 API keeps besides django-oauth-toolkit's own tables.

DOT keeps the OAuth side (``Application``, grants, access and refresh tokens). A
``RegisteredClient`` holds what an application said about itself when it registered (RFC 7591):
the consent screen shows it and the registration answer echoes it. An ``ApiProfile`` is the
Open Badges Profile an application wrote for the earner (``putProfile``), kept as received.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RegisteredClient(models.Model):
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="ob_client",
    )
    client_uri = models.URLField(max_length=2000)
    logo_uri = models.URLField(max_length=2000)
    tos_uri = models.URLField(max_length=2000)
    policy_uri = models.URLField(max_length=2000)
    software_id = models.CharField(max_length=255)
    software_version = models.CharField(max_length=255)
    # The scopes the application registered for, space-separated: it may ask for no others.
    scope = models.TextField()
    # The registration request as received (the RFC 7591 answer echoes it).
    metadata = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.application.name)


class ApiProfile(models.Model):
    """The Profile (Open Badges 3.0) an application put for the earner, as received."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_profile"
    )
    document = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"


class SpentCode(models.Model):
    """An authorization code already exchanged, and what it gave: presented again, the tokens
    it gave are revoked (RFC 6749 §4.1.2; the code may have been stolen). Kept as a digest."""

    code_checksum = models.CharField(max_length=64, unique=True)
    application = models.ForeignKey(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    access_token_checksum = models.CharField(max_length=64)
    token_family = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"spent code {self.code_checksum[:8]}"
