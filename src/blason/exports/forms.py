"""The form that imports another Blason's export into an empty space."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Export file (JSON)"),
        help_text=_("The file another Blason gave as “Export the whole space”."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that the imported awards stay an archive: this site cannot revoke "
            "them, they stay valid as long as the original site serves its addresses."
        ),
        required=True,
    )
