"""allauth's forms with Blason's own labels (settings.ACCOUNT_FORMS). Apart from ``forms``:
allauth's sign-up form is built on ``forms.SignupExtraForm``, which would make a cycle."""

from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth_forms
from django import forms
from django.utils.translation import gettext_lazy as _


# allauth's "Email" label: "Email" reads "Courriel" or "E-mail" in French
# depending on which catalogue wins; ours say the same thing everywhere, in both languages.
def _relabel(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.EmailField):
            field.label = _("E-mail address")


class LoginForm(allauth_forms.LoginForm):  # type: ignore[misc]  # allauth is untyped
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self)


class SignupForm(allauth_forms.SignupForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self)


class AddEmailForm(allauth_forms.AddEmailForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self)


class ResetPasswordForm(allauth_forms.ResetPasswordForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self)
