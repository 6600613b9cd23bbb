"""People. An account has an e-mail address, a phone number, or both (allauth keeps the e-mail
addresses it verified; the phone number is on the account, with whether a code sent to it by SMS
was typed back). No username."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        if not email and not extra.get("phone"):
            raise ValueError("An e-mail address or a phone number is required.")
        user = self.model(email=self.normalize_email(email).lower() if email else None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # None for an account made with a phone number only (several such accounts may exist;
    # NULLs are not equal to each other in a unique column).
    email = models.EmailField(_("e-mail address"), unique=True, null=True, blank=True)
    # E.164 (``+33612345678``). Several accounts may hold the same number while nobody has
    # proved it theirs (a sign-up left half-way); once one account has typed back the code
    # sent to it by SMS, it is that account's alone (``phone_verified``).
    phone = models.CharField(_("phone number"), max_length=32, blank=True, default="")
    phone_verified = models.BooleanField(_("phone number verified"), default=False)
    # When it was verified: badges awarded to the number before, without a name, may be a
    # previous holder's (``backpack.claims.collect_awards`` asks about them).
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    display_name = models.CharField(
        _("name"),
        max_length=150,
        blank=True,
        help_text=_("How you appear to others, for example on the badges you award."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=models.Q(phone_verified=True),
                name="accounts_user_verified_phone_once",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.email or self.phone or str(_("(no name)"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        # allauth writes "" when an account has no e-mail address: stored as NULL, so that
        # any number of phone-only accounts fit in the unique column.
        self.email = self.email or None
        self.phone = self.phone or ""
        super().save(*args, **kwargs)

    @property
    def contact(self) -> str:
        """How the account is reached, for its owner's eyes: its e-mail address or its phone
        number."""
        return self.email or self.phone or ""

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)
