"""The awarders' forms: awarding one person, revoking an award."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from blason.core import sms
from blason.core.exceptions import ActionRefused
from blason.issuing.awarding import services as awards


class AwardForm(forms.Form):
    """Award to one person, known by an e-mail address, a phone number or only a name."""

    name = forms.CharField(label=gettext_lazy("Recipient's name"), max_length=200, required=False)
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        required=False,
        help_text=gettext_lazy("They receive an e-mail with a link to collect the badge."),
    )
    phone = forms.CharField(
        label=gettext_lazy("or phone number"),
        max_length=32,
        required=False,
        help_text=gettext_lazy(
            "With a phone number or only a name, a claim code is shown for you to hand over."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the e-mail or SMS"),
        choices=settings.LANGUAGES,
        required=False,
    )
    narrative = forms.CharField(
        label=gettext_lazy("Why this badge (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_url = forms.URLField(
        label=gettext_lazy("Evidence: a link (optional)"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    evidence_text = forms.CharField(
        label=gettext_lazy("Evidence: what was seen or done (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence_file = forms.FileField(
        label=gettext_lazy("Evidence: a file (optional)"),
        required=False,
        help_text=gettext_lazy("PDF, PNG or JPEG."),
    )
    # A token per displayed form: the same form sent twice (a retry after an error page, a
    # double click) awards its recipient once.
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def idempotency_key(self) -> str:
        """The award's key for this submission and recipient ("" without a token)."""
        data = self.cleaned_data
        if not data.get("submission"):
            return ""
        who = "|".join((data["submission"], data["email"], data["phone"], data["name"]))
        return "form:" + hashlib.sha256(who.encode()).hexdigest()[:40]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = (get_language() or settings.LANGUAGE_CODE)[:2]
        if sms.enabled():
            self.fields["phone"].help_text = _(
                "With a phone number (and no e-mail address), they receive an SMS with a link "
                "to collect the badge; a claim code is also shown for you to hand over."
            )
        else:
            self.fields["phone"].help_text = _(
                "This site sends no SMS: with a phone number or only a name, a claim code is "
                "shown for you to hand over (on paper or as a QR code)."
            )
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4().hex)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        try:
            return awards.normalise_phone(phone)
        except ActionRefused as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("email") or data.get("phone") or data.get("name", "").strip()):
            raise forms.ValidationError(
                _("Give the recipient's e-mail address, phone number or name.")
            )
        upload = data.get("evidence_file")
        if upload is not None:
            content = upload.read()
            try:
                awards.evidence_file_type(content)
            except ActionRefused as exc:
                self.add_error("evidence_file", str(exc))
            data["evidence_content"] = content
        return data

    def evidence(self) -> list[awards.EvidenceInput]:
        """The file is one piece of evidence; the link and the text, another."""
        data = self.cleaned_data
        upload = data.get("evidence_file")
        items = []
        if upload is not None:
            items.append(
                awards.EvidenceInput(
                    name=upload.name, file=data["evidence_content"], file_name=upload.name
                )
            )
        observed = awards.EvidenceInput(
            url=data.get("evidence_url", ""), narrative=data.get("evidence_text", "")
        )
        if not observed.is_empty():
            items.append(observed)
        return items


class RevokeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)
