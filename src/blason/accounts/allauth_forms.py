"""allauth's forms with Blason's own labels (settings.ACCOUNT_FORMS). Apart from ``forms``:
allauth's sign-up form is built on ``forms.SignupExtraForm``, which would make a cycle."""

from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth_forms
from allauth.core import context
from django import forms
from django.utils.translation import gettext_lazy as _

from blason.accounts import hooks
from blason.core.exceptions import ActionRefused

PHONE = "phone"
EMAIL = "email"


# allauth's "Email" label: "Email" reads "Courriel" or "E-mail" in French
# depending on which catalogue wins; ours say the same thing everywhere, in both languages.
def _relabel(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.EmailField):
            field.label = _("E-mail address")


def sms_available() -> bool:
    from blason.core import sms

    return bool(sms.enabled())


class PhoneField(forms.CharField):
    """A mobile phone number as people write it ("06 12 34 56 78", "+32 470 12 34 56"),
    cleaned to E.164 the way awarding reads numbers (``settings.PHONE_REGION``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Mobile phone number"))
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        from blason.accounts.selectors import normalise_phone

        text: str = super().clean(value)
        if not text:
            return text
        try:
            return normalise_phone(text)
        except ActionRefused as exc:
            raise forms.ValidationError(str(exc), code="invalid_phone") from exc


class LoginForm(allauth_forms.LoginForm):  # type: ignore[misc]  # allauth is untyped
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self)
        login = self.fields["login"]
        login.label = _("E-mail address or phone number")
        login.widget.attrs["autocomplete"] = "username"
        for field in self.fields.values():  # labels say it; placeholders would repeat them
            field.widget.attrs.pop("placeholder", None)


class SignupForm(allauth_forms.SignupForm):  # type: ignore[misc]
    """The one sign-up form, two ways: with a phone number (a code by SMS, no password needed:
    the way shown first when SMS is on) or with an e-mail address and a password. The way
    (``self.way``) is the ``method`` field (``?method=email`` on the page); more questions are
    fields added here (``forms.SignupExtraForm`` holds the name)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sms_available = sms_available()
        self.way = self._way()
        self.fields["method"] = forms.ChoiceField(
            choices=[(PHONE, PHONE), (EMAIL, EMAIL)],
            initial=self.way,
            required=False,
            widget=forms.HiddenInput,
        )
        if self.way == PHONE:
            self.fields.pop("email", None)
            self.fields.pop("password2", None)
            phone = self.fields["phone"]
            phone.required = True
            phone.label = _("Mobile phone number")
            phone.help_text = _("For example 06 12 34 56 78. We send you a code by SMS.")
            password = self.fields["password1"]
            password.required = False
            password.label = _("Password (optional)")
            password.help_text = _("Not needed: you can always sign in with a code sent by SMS.")
        else:
            self.fields.pop("phone", None)
            self._has_phone_field = False
            self.fields["email"].required = True
        name = self.fields["display_name"]
        name.label = _("Your first name and last name")
        name.help_text = _(
            "As on your badges: those awarded to you under this name arrive in your backpack "
            "by themselves."
        )
        for field in self.fields.values():  # labels say it; placeholders would repeat them
            field.widget.attrs.pop("placeholder", None)
        order = ["method", "display_name", "phone", "email", "password1", "password2"]
        order += [name for name, _make_field in hooks.SIGNUP_FIELDS]
        self.order_fields([name for name in order if name in self.fields])
        _relabel(self)

    def _way(self) -> str:
        if self.is_bound:
            wanted = self.data.get("method", "")
            if not wanted:  # sent without it: the way its fields tell
                wanted = EMAIL if self.data.get("email") and not self.data.get("phone") else PHONE
        else:
            request = context.request
            wanted = request.GET.get("method", "") if request is not None else ""
        if wanted not in (PHONE, EMAIL):
            wanted = PHONE
        if wanted == PHONE and not self.sms_available:
            return EMAIL
        return str(wanted)


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):  # type: ignore[misc]
    """Sign in with a code sent by SMS. (By e-mail, the one-time link of ``accounts.views``.)"""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("email", None)
        self.fields["phone"].required = True
        self.fields["phone"].help_text = _(
            "The number of your account, for example 06 12 34 56 78."
        )


class AddEmailForm(allauth_forms.AddEmailForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self)


class ResetPasswordForm(allauth_forms.ResetPasswordForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self)


def _code_field(form: forms.Form) -> None:
    code = form.fields["code"]
    code.label = _("Code received by SMS")
    code.widget.attrs.pop("placeholder", None)
    code.widget.attrs.update(inputmode="numeric", autocomplete="one-time-code")


class ConfirmLoginCodeForm(allauth_forms.ConfirmLoginCodeForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _code_field(self)


class VerifyPhoneForm(allauth_forms.VerifyPhoneForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _code_field(self)


class ChangePhoneForm(allauth_forms.ChangePhoneForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = _("For example 06 12 34 56 78. We send it a code by SMS.")
