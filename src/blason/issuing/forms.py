"""The badge designer form: what the badge says, its image, kind and validity."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blason.issuing.images import CleanImage, ImageRejected, build_svg, clean_upload
from blason.issuing.models import AchievementType, Validity

MAX_CRITERIA = 20
IMAGE_SOURCES = [
    ("build", _("Make an image here")),
    ("upload", _("Upload an image (PNG or SVG)")),
    ("keep", _("Keep the current image")),
]


class BadgeForm(forms.Form):
    name = forms.CharField(label=_("Name of the badge"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
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
        help_text=_("For example: observed in a real situation by two members of the group."),
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

    def __init__(self, *args: Any, has_image: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_image = has_image
        if not has_image:
            cast(forms.ChoiceField, self.fields["image_source"]).choices = IMAGE_SOURCES[:2]

    def clean_criteria_items(self) -> list[str]:
        lines = [line.strip(" -•\t") for line in self.cleaned_data["criteria_items"].splitlines()]
        items = [line for line in lines if line]
        if len(items) > MAX_CRITERIA:
            raise forms.ValidationError(_("At most %(count)d criteria.") % {"count": MAX_CRITERIA})
        return items

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
        return data

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
