from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from blason.accounts import hooks
from blason.accounts.models import User


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds to its own (e-mail and password)."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        required=False,
        help_text=_("Optional. How you appear to others, for example on badges you award."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Other apps' questions (``hooks.SIGNUP_FIELDS``; ``guardians``: the year of birth, as
        # children under the age of digital consent wait for a parent's agreement).
        for name, make_field in hooks.SIGNUP_FIELDS:
            self.fields[name] = make_field()

    def signup(self, request: Any, user: User) -> None:
        from django.utils import translation

        user.display_name = self.cleaned_data.get("display_name", "")
        user.language = translation.get_language() or settings.LANGUAGE_CODE
        user.save(update_fields=["display_name", "language"])
        for signed_up in hooks.SIGNED_UP:
            signed_up(user, self.cleaned_data)


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        required=False,
        help_text=_("How you appear to others, for example on badges you award."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class LoginLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type DELETE to confirm"),
        help_text=_("This cannot be undone."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"]
        # Accept the word in either language, so nobody is stuck on the translation.
        if value.strip().upper() not in {"DELETE", "SUPPRIMER", str(_("DELETE")).upper()}:
            raise forms.ValidationError(_("Type the word DELETE to confirm."))
        return value
