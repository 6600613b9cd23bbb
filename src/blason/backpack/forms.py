from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from blason.backpack.models import Collection, Item, ItemRecipient
from blason.issuing.awarding.selectors import normalise_claim_code


class ClaimCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your code"),
        max_length=40,
        help_text=_("8 letters and numbers, for example 7KQ2-M9XD. Capitals or not, as you like."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autocorrect": "off",
                "spellcheck": "false",
                "inputmode": "text",
                "enterkeyhint": "go",
                "class": "claim-input",
            }
        ),
    )

    def clean_code(self) -> str:
        code = normalise_claim_code(self.cleaned_data["code"])
        if len(code) != 9:
            raise forms.ValidationError(
                _("A code has 8 letters and numbers, like 7KQ2-M9XD. Check it and try again.")
            )
        return code


class ImportForm(forms.Form):
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if bool(upload) == bool(text):
            raise forms.ValidationError(
                _("Give either a file or a web address / content, not both and not neither.")
            )
        limit = settings.VERIFY_MAX_BYTES
        if upload is not None:
            if upload.size > limit:
                raise forms.ValidationError(
                    _("The file is too large (%(size)d MB at most).")
                    % {"size": limit // (1024 * 1024)}
                )
            data["content"] = upload.read()
            data["file_name"] = upload.name or ""
        elif len(text.encode("utf-8")) > limit:
            raise forms.ValidationError(
                _("The text is too long (%(size)d MB at most).") % {"size": limit // (1024 * 1024)}
            )
        return data


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("What you want to remember"),
        required=False,
        max_length=2000,
        help_text=_("Only you see it. For example: where and when you earned it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CollectionForm(forms.Form):
    name = forms.CharField(label=_("Name of the collection"), max_length=120)
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ItemCollectionsForm(forms.Form):
    collections = forms.ModelMultipleChoiceField(
        label=_("Put this badge in"),
        queryset=Collection.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["collections"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Collection.objects.filter(owner=user)
        field.to_field_name = "uuid"


class CvForm(forms.Form):
    """Which badges go into a "CV of badges", and in which language."""

    items = forms.ModelMultipleChoiceField(
        label=_("Badges to show"),
        queryset=Item.objects.none(),
        to_field_name="uuid",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one badge.")},
    )
    lang = forms.ChoiceField(
        label=_("Language of the document"),
        choices=[("fr", "Français"), ("en", "English")],
        widget=forms.RadioSelect,
        initial="fr",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["items"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        # Only the person's own badges: one issued to someone else is never presented as theirs.
        field.queryset = Item.objects.filter(
            owner=user, hidden=False, recipient=ItemRecipient.OWNER
        ).order_by("-issued_at")
        field.label_from_instance = lambda item: (  # type: ignore[method-assign,assignment]
            f"{item.name} — {item.issuer_name}" if item.issuer_name else item.name
        )


class PublicProfileForm(forms.Form):
    enabled = forms.BooleanField(
        label=_("Turn my public page on"),
        required=False,
        help_text=_("Only the badges and collections you make public appear on it."),
    )
    name = forms.CharField(
        label=_("Name shown on the page"),
        max_length=150,
        required=False,
        help_text=_("For example your first name and the initial of your last name."),
    )
    headline = forms.CharField(
        label=_("A few words about you (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: “Young volunteer, looking for an apprenticeship in cooking”."),
    )
    slug = forms.SlugField(
        label=_("Address of the page"),
        max_length=60,
        help_text=_("Letters without accents, digits and dashes. It is the end of the address."),
    )
