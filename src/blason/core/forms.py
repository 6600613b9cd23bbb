from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from blason.core.models import Issuer, IssuerKind, Role
from blason.core.territory import REGIONS, departement_of


class IssuerForm(forms.ModelForm[Issuer]):
    url = forms.URLField(
        label=_("website"),
        required=False,
        assume_scheme="https",
        help_text=_("Shown on every badge you award; optional for communities and people."),
    )

    class Meta:
        model = Issuer
        fields = ["name", "description", "url", "email"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"email": _("Where people can reach the issuer about a badge.")}


class IssuerSettingsForm(IssuerForm):
    """The profile with where the issuer is and its official numbers (all optional): they go
    into the issuer's profile in every badge (OB 3.0 ``address`` and ``otherIdentifier``)."""

    region_code = forms.ChoiceField(
        label=_("Région"),
        required=False,
        choices=[("", "—"), *sorted(REGIONS.items(), key=lambda item: item[1])],
    )

    class Meta(IssuerForm.Meta):
        fields = [
            *IssuerForm.Meta.fields,
            "commune_code",
            "departement_code",
            "region_code",
            "siret",
            "rna",
        ]
        help_texts = {
            **IssuerForm.Meta.help_texts,
            "commune_code": _("Its INSEE code, like 59350 for Lille (optional)."),
            "siret": _("14 digits, for an organisation (optional)."),
            "rna": _("For an association: W followed by 9 characters (optional)."),
        }

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        for field in ("commune_code", "departement_code", "siret", "rna"):
            if isinstance(data.get(field), str):
                data[field] = data[field].replace(" ", "").upper()
        commune = data.get("commune_code")
        if commune and not data.get("departement_code"):
            data["departement_code"] = departement_of(str(commune))
        return data


class IssuerCreateForm(IssuerForm):
    kind = forms.ChoiceField(
        label=_("This space is for"),
        choices=[
            (IssuerKind.ORGANISATION, _("an organisation (association, company, public body…)")),
            (IssuerKind.COMMUNITY, _("a community or group of peers (collectif)")),
        ],
        widget=forms.RadioSelect,
        initial=IssuerKind.ORGANISATION,
    )

    class Meta(IssuerForm.Meta):
        fields = ["kind", "name", "description", "url", "email"]


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.AWARDER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
