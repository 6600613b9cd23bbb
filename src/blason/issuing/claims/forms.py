"""Forms of claim links: the awarders' link form, the visitors' claim form (with its light
protection against robots), the refusal of a claim."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blason.core.exceptions import ActionRefused
from blason.issuing.awarding import services as awards
from blason.issuing.claims import services as claims
from blason.issuing.claims.models import ClaimLink

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
# A person needs more than this to read the page and write a name; robots post at once.
MIN_FILL_SECONDS = 2
# A form older than this is sent again with a fresh token (the page stayed open all night).
MAX_FILL_SECONDS = 24 * 3600
FORM_SALT = "blason.issuing.claim-form"


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )


def default_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """From now (to the minute) to the end of today, in the site's time zone."""
    local = timezone.localtime(now or timezone.now()).replace(second=0, microsecond=0)
    end = timezone.make_aware(datetime.combine(local.date(), time(23, 59)))
    if end <= local:  # pragma: no cover - only during the last minute of the day
        end = local + timedelta(hours=1)
    return local, end


class ClaimLinkForm(forms.Form):
    title = forms.CharField(
        label=_("Name of the event"),
        max_length=200,
        help_text=_("Shown on the poster and on the claim page, e.g. “Job fair, Lille”."),
    )
    opens_at = _datetime_field(_("Claims open on"))
    closes_at = _datetime_field(_("Claims close on"))
    max_claims = forms.IntegerField(
        label=_("Maximum number of people (optional)"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text=_("Leave empty for no limit."),
    )
    requires_approval = forms.BooleanField(
        label=_("An awarder approves each claim before the badge is awarded"),
        required=False,
        help_text=_("Without approval, the badge is awarded at once to whoever fills in the form."),
    )

    def __init__(self, *args: Any, link: ClaimLink | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if link is not None:
            self.initial.update(
                title=link.title,
                opens_at=timezone.localtime(link.opens_at) if link.opens_at else None,
                closes_at=timezone.localtime(link.closes_at) if link.closes_at else None,
                max_claims=link.max_claims,
                requires_approval=link.requires_approval,
            )
        elif not self.is_bound:
            opens, closes = default_window()
            self.initial.update(opens_at=opens, closes_at=closes)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        return data


def form_stamp(token: str) -> str:
    """A signed note of when the claim form was shown, for which link."""
    return signing.TimestampSigner(salt=FORM_SALT).sign(token)


class ClaimForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words"}),
        help_text=_("First name and last name, as they will appear on the badge."),
    )
    email = forms.EmailField(
        label=_("Your e-mail address (optional)"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Your phone number (optional)"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    # Robots fill every field: people never see this one (hidden from eyes and screen readers).
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, token: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.token = token
        self.fields["stamp"].initial = form_stamp(token)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        try:
            return awards.normalise_phone(phone)
        except ActionRefused as exc:
            raise forms.ValidationError(
                _("This phone number does not look right. Check it, or leave it empty.")
            ) from exc

    def is_robot(self) -> bool:
        """The hidden field, which people never see, was filled in."""
        return bool(self.data.get("website"))

    def too_fast_or_stale(self) -> bool:
        """Sent quicker than a person can, or from a page shown too long ago: shown again
        with a fresh stamp (a person just presses the button again)."""
        signer = signing.TimestampSigner(salt=FORM_SALT)
        stamp = str(self.data.get("stamp", ""))
        try:
            if signer.unsign(stamp, max_age=MAX_FILL_SECONDS) != self.token:
                return True
        except signing.BadSignature:  # also SignatureExpired: shown more than a day ago
            return True
        try:
            signer.unsign(stamp, max_age=MIN_FILL_SECONDS)
        except signing.SignatureExpired:
            return False  # a person's pace
        return True

    def fresh_stamp(self) -> None:
        """Give a form shown again a new stamp (the bound value would be re-rendered)."""
        data = dict(self.data.items())
        data["stamp"] = form_stamp(self.token)
        self.data = data


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (the person will read it)"),
        max_length=claims.MAX_REASON,
        widget=forms.TextInput(),
    )
