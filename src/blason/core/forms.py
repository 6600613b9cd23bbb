from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from blason.core import hooks
from blason.core.models import Issuer, IssuerKind, Role


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
    into the issuer's profile in every badge (OB 3.0 ``address`` and ``otherIdentifier``).

    Where it is: one place picked by its name (a commune, or only a département or a région),
    with the picker another app registers (``hooks.PLACE_FIELD``); it cleans to the three INSEE
    codes the issuer keeps (``commune_code``, ``departement_code``, ``region_code``)."""

    ADDRESS = ("commune_code", "departement_code", "region_code")

    class Meta(IssuerForm.Meta):
        fields = [*IssuerForm.Meta.fields, "siret", "rna"]
        help_texts = {
            **IssuerForm.Meta.help_texts,
            "siret": _("14 digits, for an organisation (optional)."),
            "rna": _("For an association: W followed by 9 characters (optional)."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        place = hooks.place_field(
            required=False,
            label=_("Where it is"),
            help_text=_(
                "Type the name or postcode of its town, or its département or région, "
                "and pick it (optional)."
            ),
        )
        if place is None:
            return
        fields = list(self.fields.items())
        at = [name for name, _field in fields].index("siret")
        self.fields = dict([*fields[:at], ("place", place), *fields[at:]])
        codes = [str(self.initial.get(name) or "") for name in self.ADDRESS]
        kinds = ("commune", "departement", "region")
        self.initial["place"] = next(
            (f"{kind}:{code}" for kind, code in zip(kinds, codes, strict=True) if code), ""
        )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        for field in ("siret", "rna"):
            if isinstance(data.get(field), str):
                data[field] = data[field].replace(" ", "").upper()
        if "place" in self.fields:
            place = data.pop("place", None)
            if place is None:
                data.update(dict.fromkeys(self.ADDRESS, ""))
            else:
                data["commune_code"] = place.code if place.kind == "commune" else ""
                data["departement_code"] = place.departement if place.kind != "region" else ""
                data["region_code"] = place.region
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
