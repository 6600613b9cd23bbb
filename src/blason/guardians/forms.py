"""The fields and forms of the children's accounts feature. ``birth_year_field`` is what the
shared sign-up form (``accounts.forms.SignupExtraForm``) adds; the rest are this app's."""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms
from django.conf import settings
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blason.guardians import age, notify
from blason.guardians.models import Channel


class BirthYearField(forms.IntegerField):
    """A year of birth, for the age check only (never stored)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Year of birth"))
        kwargs.setdefault(
            "help_text",
            _(
                "For example 2009. By law, a person under %(age)s needs a parent's or "
                "guardian's agreement to have an account. We use the year only to know this, "
                "and do not keep it."
            )
            % {"age": age.consent_age()},
        )
        kwargs.setdefault("min_value", age.OLDEST_YEAR)
        kwargs.setdefault(
            "widget",
            forms.NumberInput(
                attrs={"autocomplete": "bday-year", "inputmode": "numeric", "min": age.OLDEST_YEAR}
            ),
        )
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Give your year of birth."),
                "invalid": _("Write the year with four digits, for example 2009."),
                "min_value": _("Write the year with four digits, for example 2009."),
            },
        )
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and value > timezone.localdate().year:
            raise forms.ValidationError(
                _("This year has not come yet: write the year you were born.")
            )


def birth_year_field() -> BirthYearField:
    return BirthYearField()


def parse_contact(text: str) -> tuple[str, str]:
    """``(channel, contact)`` from what was typed: an e-mail address, or a mobile number
    (when this site can send text messages). Raises ``ValidationError`` with a message."""
    text = text.strip()
    if "@" in text:
        try:
            validate_email(text)
        except forms.ValidationError as exc:
            raise forms.ValidationError(_("This e-mail address is not valid.")) from exc
        return Channel.EMAIL, text.lower()
    try:
        number = phonenumbers.parse(text, settings.PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(
            _("Write an e-mail address, or a mobile number such as 06 12 34 56 78.")
        )
    if not notify.sms_available():
        raise forms.ValidationError(
            _("This site cannot send text messages: give an e-mail address.")
        )
    if phonenumbers.number_type(number) not in {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }:
        raise forms.ValidationError(
            _("This number cannot receive text messages: give a mobile number.")
        )
    return Channel.SMS, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class ContactField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> tuple[str, str]:
        return parse_contact(super().clean(value))


class ParentContactForm(forms.Form):
    """The child gives a parent's address (or number)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"] = ContactField(
            label=(
                _("E-mail address or mobile number of a parent or guardian")
                if notify.sms_available()
                else _("E-mail address of a parent or guardian")
            ),
            help_text=_("We send them a link to agree. We ask nothing else."),
        )


class AccessRequestForm(forms.Form):
    """A parent asks for a link to their children's accounts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"] = ContactField(
            label=(
                _("Your e-mail address or mobile number")
                if notify.sms_available()
                else _("Your e-mail address")
            ),
            help_text=_("The one that received the message asking for your agreement."),
        )


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(choices=[("agree", "agree"), ("refuse", "refuse")])


class DeleteChildForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that the account and its badges are deleted for good."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
