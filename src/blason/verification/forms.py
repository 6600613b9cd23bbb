from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from blason.core.exceptions import ActionRefused
from blason.issuing.awarding.services import normalise_phone

# What a person may type for a phone number: digits, spaces, dots, dashes, brackets, a leading +.
PHONE_LIKE = re.compile(r"\+?[\d\s().\-]{6,}")


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("A badge file"),
        required=False,
        help_text=_("A badge image (PNG or SVG) or a badge file (JSON, JWS)."),
    )
    text = forms.CharField(
        label=_("Or the badge's web address, or its content"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("Paste a link (https://…), a JSON badge or a JWS."),
    )
    recipient = forms.CharField(
        label=_("Check the recipient (optional)"),
        required=False,
        max_length=320,
        help_text=_(
            "An e-mail address, a phone number (06 12 34 56 78 or +33 6 12 34 56 78) or a web "
            "address (URL or DID): is this badge really issued to it?"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_recipient(self) -> str:
        """The identifier as the badge holds it: an e-mail address as typed, a phone number
        in its international form (+33612345678), as awarding stores it."""
        value: str = (self.cleaned_data.get("recipient") or "").strip()
        if not value or "@" in value or ":" in value:  # e-mail, URL, DID, urn:…
            return value
        if PHONE_LIKE.fullmatch(value):
            try:
                return normalise_phone(value)
            except ActionRefused as refusal:
                raise forms.ValidationError(str(refusal)) from refusal
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if bool(upload) == bool(text):
            raise forms.ValidationError(
                _("Give either a file or a web address / content, not both and not neither.")
            )
        if upload is not None:
            if upload.size > settings.VERIFY_MAX_BYTES:
                raise forms.ValidationError(
                    _("The file is too large (%(size)d MB at most).")
                    % {"size": settings.VERIFY_MAX_BYTES // (1024 * 1024)}
                )
            data["source"] = upload.read()
        else:
            data["source"] = text
        return data
