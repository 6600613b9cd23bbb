from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
