"""The pathway editor's forms."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from blason.core.models import Issuer
from blason.issuing.badges.selectors import ImageRejected, clean_upload
from blason.issuing.models import BadgeClass, BadgeStatus
from blason.jobs.forms import OccupationsField
from blason.pathways.models import Rule

if TYPE_CHECKING:
    from blason.issuing.badges.images import CleanImage


def _badges(issuer: Issuer) -> Any:
    return BadgeClass.objects.filter(issuer=issuer).exclude(status=BadgeStatus.ARCHIVED)


class PathwayForm(forms.Form):
    name = forms.CharField(label=_("Name of the pathway"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text=_("Where it leads, for whom, in a few sentences."),
    )
    completion_badge = forms.ModelChoiceField(
        label=_("Completion badge"),
        queryset=BadgeClass.objects.none(),
        required=False,
        help_text=_(
            "Issued automatically, once, to each person who completes the pathway. "
            "Choose a badge of the kind “Learning programme”."
        ),
    )
    occupations = OccupationsField(
        label=_("Occupations it leads to (ROME)"),
        required=False,
        max_choices=10,
        help_text=_(
            "Type part of an occupation's name, then choose it from the list. The pathway's "
            "page and its followers' backpacks show the job offers for them near each person."
        ),
    )
    public = forms.BooleanField(
        label=_("Anyone can see this pathway"), required=False, initial=True
    )
    image = forms.FileField(
        label=_("Image (optional)"),
        required=False,
        help_text=_("A PNG or SVG image, 2 MB at most, shown on the pathway's page."),
    )

    def __init__(self, *args: Any, issuer: Issuer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["completion_badge"].queryset = _badges(issuer)  # type: ignore[attr-defined]

    def clean_image(self) -> CleanImage | None:
        """The upload checked and cleaned as a badge image is (no script in an SVG); None
        when none is sent (the current image is kept)."""
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        try:
            return clean_upload(upload.read())
        except ImageRejected as exc:
            raise forms.ValidationError(str(exc)) from exc


class NewPathwayForm(PathwayForm):
    required = forms.IntegerField(
        label=_("How many badges are needed"),
        min_value=1,
        max_value=50,
        required=False,
        help_text=_("Leave empty when every badge of the pathway is needed."),
    )


class BadgeRequirementForm(forms.Form):
    badge = forms.ModelChoiceField(
        label=_("A badge of this space"), queryset=BadgeClass.objects.none(), required=False
    )
    achievement_id = forms.CharField(
        label=_("Or another issuer's badge: its Open Badges id"),
        max_length=1000,
        required=False,
        help_text=_(
            "The address of the badge (OB 3.0 achievement id or OB 2.0 BadgeClass id), as "
            "found in the badge's credential. Imported badges count."
        ),
    )
    name = forms.CharField(label=_("Name shown"), max_length=300, required=False)
    how_to_url = forms.URLField(
        label=_("How to get it (link)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("A request page, an event or a training."),
    )

    def __init__(self, *args: Any, issuer: Issuer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["badge"].queryset = _badges(issuer)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("badge") and not (data.get("achievement_id") or "").strip():
            raise forms.ValidationError(_("Choose a badge, or give another issuer's badge id."))
        return data


class StepForm(forms.Form):
    name = forms.CharField(label=_("Name of the step"), max_length=200)
    rule = forms.ChoiceField(label=_("Reached with"), choices=Rule.choices, initial=Rule.ALL)
    required = forms.IntegerField(
        label=_("How many are needed (for “a number of them”)"),
        min_value=1,
        max_value=50,
        required=False,
    )
    milestone_badge = forms.ModelChoiceField(
        label=_("Milestone badge (optional)"),
        queryset=BadgeClass.objects.none(),
        required=False,
        help_text=_("Issued automatically, once, to each person who reaches the step."),
    )
    how_to_url = forms.URLField(
        label=_("How to get it (link)"), max_length=500, required=False, assume_scheme="https"
    )

    def __init__(self, *args: Any, issuer: Issuer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone_badge"].queryset = _badges(issuer)  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    keep = forms.ChoiceField(choices=[("yes", _("Keep it")), ("no", _("Revoke it"))])
