from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from blason.accounts.models import User
from blason.guardians.forms import birth_year_field


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds to its own (e-mail and password)."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        required=False,
        help_text=_("Optional. How you appear to others, for example on badges you award."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    # Children under the age of digital consent wait for a parent's agreement (guardians).
    birth_year = birth_year_field()

    def signup(self, request: Any, user: User) -> None:
        from django.utils import translation

        from blason.guardians.services import account_hold

        user.display_name = self.cleaned_data.get("display_name", "")
        user.language = translation.get_language() or settings.LANGUAGE_CODE
        user.save(update_fields=["display_name", "language"])
        account_hold(user=user, birth_year=self.cleaned_data["birth_year"])


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
