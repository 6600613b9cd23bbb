"""Forms of the network pages."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from blason.core.models import Issuer
from blason.core.territory import REGIONS, validate_departement

UUID_IN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def _departements(text: str) -> list[str]:
    codes = [code.strip().upper() for code in re.split(r"[\s,;]+", text) if code.strip()]
    for code in codes:
        validate_departement(code)
    return codes


class NetworkAreaForm(forms.Form):
    charter_url = forms.URLField(
        label=_("Charter"),
        required=False,
        assume_scheme="https",
        help_text=_("The address of the text the members agree to."),
    )
    region_code = forms.ChoiceField(
        label=_("Région"),
        required=False,
        choices=[("", "—"), *sorted(REGIONS.items(), key=lambda item: item[1])],
    )
    departements = forms.CharField(
        label=_("Départements"),
        required=False,
        help_text=_("Their codes, separated by spaces: 59 62 80."),
    )

    def clean_departements(self) -> list[str]:
        return _departements(self.cleaned_data["departements"])


class NetworkCreateForm(NetworkAreaForm):
    name = forms.CharField(label=_("Name of the network"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    url = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    field_order = ["name", "description", "url", "charter_url", "region_code", "departements"]


class InviteForm(forms.Form):
    issuer = forms.CharField(
        label=_("Address of the issuer's public page"),
        help_text=_("Open the issuer's public page on this site and copy its address."),
        max_length=500,
    )
    message = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_issuer(self) -> Issuer:
        text = self.cleaned_data["issuer"].strip()
        found = UUID_IN.search(text)
        issuer = None
        if found:
            issuer = Issuer.objects.filter(uuid=uuid.UUID(found.group(0))).first()
        if issuer is None:
            raise forms.ValidationError(_("No issuer on this site has this address."))
        return issuer


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


ADDRESS_KINDS = {
    "issuer_profile": "issuer_uuid",
    "badge_public": "badge_uuid",
    "award_public": "award_uuid",
}


def subject_at(text: str) -> object | None:
    """The issuer, badge or award whose public page is at ``text`` (an address of this site)."""
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve

    from blason.issuing.models import Award, BadgeClass

    try:
        match = resolve(urlsplit(text.strip()).path)
    except Resolver404:
        return None
    parameter = ADDRESS_KINDS.get(match.url_name or "")
    if parameter is None or match.namespace:
        return None
    value = match.kwargs[parameter]
    if parameter == "issuer_uuid":
        return Issuer.objects.filter(uuid=value).first()
    if parameter == "badge_uuid":
        return BadgeClass.objects.select_related("issuer").filter(uuid=value).first()
    return Award.objects.select_related("issuer", "badge").filter(uuid=value).first()


class EndorseForm(forms.Form):
    subject = forms.CharField(
        label=_("Address of the page of what you endorse"),
        help_text=_("The public page of an issuer, a badge or an awarded badge, on this site."),
        max_length=500,
    )
    comment = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you vouch for it: it goes into the signed endorsement."),
    )

    def clean_subject(self) -> object:
        found = subject_at(self.cleaned_data["subject"])
        if found is None:
            raise forms.ValidationError(
                _("This is not the address of an issuer, a badge or an award on this site.")
            )
        return found


class AskForm(forms.Form):
    what = forms.ChoiceField(label=_("What should be endorsed"))
    endorser = forms.CharField(
        label=_("Address of the endorser's public page"),
        help_text=_("The network, organisation or person you ask, on this site."),
        max_length=500,
    )
    comment = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: object, issuer: Issuer, badges: list[object], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.subjects: dict[str, object] = {"issuer": issuer}
        choices = [("issuer", _("This space (%(name)s)") % {"name": issuer.name})]
        for badge in badges:
            key = str(badge.uuid)  # type: ignore[attr-defined]
            self.subjects[key] = badge
            choices.append((key, _("The badge “%(name)s”") % {"name": badge.name}))  # type: ignore[attr-defined]
        self.fields["what"].choices = choices  # type: ignore[attr-defined]

    def clean_endorser(self) -> Issuer:
        text = self.cleaned_data["endorser"].strip()
        found = UUID_IN.search(text)
        issuer = Issuer.objects.filter(uuid=uuid.UUID(found.group(0))).first() if found else None
        if issuer is None:
            raise forms.ValidationError(_("No issuer on this site has this address."))
        return issuer
