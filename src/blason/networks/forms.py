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
