"""The badge designer's forms: what the badge says (in one or two languages), what it is linked
to (alignments), its image, kind and validity."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blason.issuing.badges import content
from blason.issuing.badges.alignments import MAX_ALIGNMENTS, AlignmentError, Kind, normalise
from blason.issuing.badges.images import CleanImage, ImageRejected, build_svg, clean_upload
from blason.issuing.badges.models import AchievementType, Validity
from blason.jobs.forms import OccupationsField
from blason.jobs.rome import labels as occupation_labels  # the bundled ROME 4.0 list, no query

MAX_CRITERIA = 20
IMAGE_SOURCES = [
    ("build", _("Make an image here")),
    ("upload", _("Upload an image (PNG or SVG)")),
    ("keep", _("Keep the current image")),
]


MARKDOWN_HINT = _("Formatting: **bold**, *italic*, a list with - at the start of each line.")
MARKDOWN_FIELDS = ("description", "criteria", "translation_description", "translation_criteria")
# The translation section's title, by the language the translation is written in.
TRANSLATION_TITLES = {
    "en": _("Translation into English (optional)"),
    "fr": _("Translation into French (optional)"),
}


def _criteria_lines(text: str) -> list[str]:
    lines = [line.strip(" -•\t") for line in text.splitlines()]
    items = [line for line in lines if line]
    if len(items) > MAX_CRITERIA:
        raise forms.ValidationError(_("At most %(count)d criteria.") % {"count": MAX_CRITERIA})
    return items


class BadgeForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language the badge is written in"),
        choices=settings.LANGUAGES,
        help_text=_("You can give the texts in the other language below, in the translation."),
    )
    name = forms.CharField(label=_("Name of the badge"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=content.MAX_MARKDOWN,
        help_text=_("What the badge recognises, in a few sentences."),
    )
    criteria_items = forms.CharField(
        label=_("Criteria, one per line"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("Each line is one thing the person did or can do."),
    )
    criteria = forms.CharField(
        label=_("How the badge is earned"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=content.MAX_MARKDOWN,
        help_text=_("For example: observed in a real situation by two members of the group."),
    )
    # The jobs the badge prepares for, picked from the ROME 4.0 list (stored as alignments,
    # before the other links: ``occupation_entries``).
    occupations = OccupationsField(
        required=False,
        max_choices=MAX_ALIGNMENTS,
        label=_("Jobs it prepares for (ROME)"),
        help_text=_("Type part of a job's name, then choose it from the list."),
    )
    translation_name = forms.CharField(label=_("Name of the badge"), max_length=200, required=False)
    translation_description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=content.MAX_MARKDOWN,
        required=False,
    )
    translation_criteria_items = forms.CharField(
        label=_("Criteria, one per line"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("In the same order as above."),
    )
    translation_criteria = forms.CharField(
        label=_("How the badge is earned"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=content.MAX_MARKDOWN,
        required=False,
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas."), max_length=500
    )
    achievement_type = forms.ChoiceField(
        label=_("Kind of achievement"), choices=AchievementType.choices
    )
    validity = forms.ChoiceField(
        label=_("Validity"), choices=Validity.choices, widget=forms.RadioSelect
    )
    validity_days = forms.IntegerField(
        label=_("Number of days"), required=False, min_value=1, max_value=36500
    )
    valid_until = forms.DateField(
        label=_("Expiry date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    image_source = forms.ChoiceField(
        label=_("Image"),
        choices=IMAGE_SOURCES,
        widget=forms.RadioSelect,
        initial="build",
    )
    image_file = forms.FileField(label=_("Image file"), required=False)
    shape = forms.ChoiceField(
        label=_("Shape"),
        choices=[
            ("shield", _("Shield")),
            ("circle", _("Circle")),
            ("hexagon", _("Hexagon")),
            ("star", _("Star")),
        ],
        initial="shield",
    )
    colour = forms.CharField(
        label=_("Colour"), initial="#1f4fb8", widget=forms.TextInput(attrs={"type": "color"})
    )
    icon = forms.ChoiceField(
        label=_("Icon"),
        choices=[
            ("star", _("Star")),
            ("heart", _("Heart")),
            ("check", _("Tick")),
            ("hands", _("Hands")),
            ("none", _("No icon")),
        ],
        initial="star",
    )
    image_text = forms.CharField(label=_("Short text on the image"), max_length=12, required=False)

    def __init__(
        self,
        *args: Any,
        has_image: bool = False,
        preview_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.has_image = has_image
        if not has_image:
            cast(forms.ChoiceField, self.fields["image_source"]).choices = IMAGE_SOURCES[:2]
        for name in MARKDOWN_FIELDS:
            field = self.fields[name]
            field.help_text = (
                f"{field.help_text} {MARKDOWN_HINT}" if field.help_text else MARKDOWN_HINT
            )
        if not self.fields["language"].initial and not self.initial.get("language"):
            self.initial["language"] = content.short_language(None)
        # What the person types in the translation is in the other language: say so to the
        # browser (spelling) and to screen readers.
        for name in ("name", "description", "criteria_items", "criteria"):
            self.fields[f"translation_{name}"].widget.attrs["lang"] = self.translation_language
        if preview_url:
            for name in MARKDOWN_FIELDS:
                self.fields[name].widget.attrs.update(
                    {
                        "hx-post": preview_url,
                        "hx-trigger": "input changed delay:500ms",
                        "hx-target": f"#id_{name}_preview",
                        "hx-swap": "innerHTML",
                        "hx-sync": "this:replace",
                    }
                )

    @property
    def main_language(self) -> str:
        """The badge's language as chosen in this form (posted, or as it was)."""
        chosen = self.data.get("language") if self.is_bound else None
        chosen = chosen or self.initial.get("language") or settings.LANGUAGE_CODE
        return chosen if chosen in content.site_languages() else settings.LANGUAGE_CODE

    @property
    def translation_language(self) -> str:
        return content.other_language(self.main_language)

    @property
    def translation_title(self) -> str:
        return str(TRANSLATION_TITLES.get(self.translation_language, ""))

    def clean_criteria_items(self) -> list[str]:
        return _criteria_lines(self.cleaned_data["criteria_items"])

    def clean_translation_criteria_items(self) -> list[str]:
        return _criteria_lines(self.cleaned_data["translation_criteria_items"])

    def clean_tags(self) -> list[str]:
        tags = [tag.strip() for tag in self.cleaned_data["tags"].split(",")]
        return list(dict.fromkeys(tag for tag in tags if tag))[:20]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        validity = data.get("validity")
        if validity == Validity.DURATION and not data.get("validity_days"):
            self.add_error("validity_days", _("Give the number of days."))
        if validity == Validity.DATE:
            until = data.get("valid_until")
            if not until:
                self.add_error("valid_until", _("Give the expiry date."))
            elif until <= timezone.localdate():
                self.add_error("valid_until", _("The expiry date must be in the future."))
        data["image"] = self._image(data)
        data["translations"] = self._translations(data)
        return data

    def occupation_entries(self) -> list[dict[str, str]]:
        """The picked occupations as stored alignments, named from the ROME list (after
        is_valid())."""
        labels = occupation_labels()
        entries = []
        for code in self.cleaned_data.get("occupations") or []:
            entry = normalise(kind=Kind.ROME, code=code)
            entry["name"] = labels.get(code, entry["name"])
            entries.append(entry)
        return entries

    def _translations(self, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """The texts in the other language, all or nothing: a visitor must never see half a
        badge in one language and half in the other."""
        given = {
            name: data.get(f"translation_{name}") or ([] if name == "criteria_items" else "")
            for name in content.TRANSLATED_FIELDS
        }
        if not any(given.values()):
            return {}
        for name in ("name", "description", "criteria"):
            if not str(given[name]).strip() and f"translation_{name}" not in self.errors:
                self.add_error(
                    f"translation_{name}",
                    _("Give this text in the other language too, or leave the translation empty."),
                )
        return {self.translation_language: given}

    def _image(self, data: dict[str, Any]) -> CleanImage | None:
        source = data.get("image_source")
        try:
            if source == "upload":
                upload = data.get("image_file")
                if upload is None:
                    self.add_error("image_file", _("Choose an image file."))
                    return None
                return clean_upload(upload.read())
            if source == "build":
                svg = build_svg(
                    shape=data.get("shape", "shield"),
                    colour=data.get("colour", ""),
                    icon=data.get("icon", "none"),
                    text=data.get("image_text", ""),
                )
                return clean_upload(svg)
        except ImageRejected as exc:
            self.add_error("image_file" if source == "upload" else "colour", str(exc))
        return None


_PICKED_ROME = re.compile(r"^.*\(\s*([A-Na-n]\d{4})\s*\)$")


class AlignmentForm(forms.Form):
    """One thing the badge is linked to. Every field is optional: a blank row is ignored."""

    kind = forms.ChoiceField(
        label=_("Linked to"),
        choices=[("", _("Recognise it from the code")), *Kind.choices],
        required=False,
    )
    code = forms.CharField(label=_("Code or ESCO address"), max_length=500, required=False)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    url = forms.CharField(
        label=_("Web address"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    framework = forms.CharField(label=_("Name of the framework"), max_length=100, required=False)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw = {
            name: str(data.get(name) or "")
            for name in ("kind", "code", "name", "url", "framework", "description")
        }
        data["entry"] = None
        if self.errors or not any(value.strip() for value in raw.values()):
            return data
        # An occupation picked from the ROME list as "Label (M1601)": its code.
        picked = _PICKED_ROME.match(raw["code"].strip())
        if picked and raw["kind"] in ("", Kind.ROME):
            raw["code"] = picked.group(1).upper()
        try:
            entry = normalise(**raw)
        except AlignmentError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
            return data
        if entry["framework"] == "ROME" and not raw["name"].strip():
            # The occupation's label from the ROME 4.0 list shipped with Blason (blason.jobs).
            entry["name"] = occupation_labels().get(entry["code"], entry["name"])
        data["entry"] = entry
        return data


class BaseAlignmentFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    default_error_messages = {
        "too_many_forms": _("At most %(num)d links per badge."),
    }

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this link")

    def clean(self) -> None:
        seen: set[str] = set()
        for form in self.forms:
            entry = getattr(form, "cleaned_data", {}).get("entry")
            if not entry or form.cleaned_data.get("DELETE"):
                continue
            if entry["url"] in seen:
                form.add_error("code", _("This link is already in the list."))
            seen.add(entry["url"])

    def entries(self) -> list[dict[str, str]]:
        """The alignments to store, in the order they were given (call after is_valid())."""
        return [
            form.cleaned_data["entry"]
            for form in self.forms
            if form.cleaned_data.get("entry") and not form.cleaned_data.get("DELETE")
        ]


AlignmentFormSet = forms.formset_factory(
    AlignmentForm,
    formset=BaseAlignmentFormSet,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=MAX_ALIGNMENTS,
    validate_max=True,
    absolute_max=MAX_ALIGNMENTS + 10,
)
ALIGNMENTS_PREFIX = "alignments"
