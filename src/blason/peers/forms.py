"""Forms of the workshop: short, phone-first, one question each where possible."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from blason.issuing.models import BadgeClass
from blason.peers.models import CriterionGroup, Majority, ValidationRule, VoteChoice
from blason.peers.services import MAX_QUORUM


class WorkshopForm(forms.Form):
    badge = forms.ModelChoiceField(
        label=_("Badge to design"),
        queryset=BadgeClass.objects.none(),
        required=False,
        empty_label=_("A new badge (name it below)"),
        help_text=_("A draft badge of this space, or a new one."),
    )
    badge_name = forms.CharField(
        label=_("Name of the new badge"),
        max_length=200,
        required=False,
        help_text=_("For example: “Caring for donkeys”."),
    )
    badge_description = forms.CharField(
        label=_("What does it recognise? (one sentence)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    title = forms.CharField(
        label=_("Title of the workshop"),
        max_length=200,
        required=False,
        help_text=_("Optional: the badge's name is used when empty."),
    )
    rule = forms.ChoiceField(
        label=_("The group validates the badge when"),
        choices=ValidationRule.choices,
        initial=ValidationRule.PARTICIPANTS,
        widget=forms.RadioSelect,
    )
    quorum = forms.IntegerField(
        label=_("How many (members or votes)"),
        min_value=1,
        max_value=MAX_QUORUM,
        initial=5,
        help_text=_("For example 5: at least 5 members took part, or at least 5 votes."),
    )
    majority = forms.ChoiceField(
        label=_("A criterion is kept when “keep” has"),
        choices=Majority.choices,
        initial=Majority.HALF,
        widget=forms.RadioSelect,
    )
    start_from_badge = forms.BooleanField(
        label=_("Start from the criteria the badge already has"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, drafts: QuerySet[BadgeClass], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        badge_field = self.fields["badge"]
        assert isinstance(badge_field, forms.ModelChoiceField)
        badge_field.queryset = drafts

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("badge") is None:
            if not (data.get("badge_name") or "").strip():
                self.add_error("badge_name", _("Give the new badge a name, or choose a badge."))
            if not (data.get("badge_description") or "").strip():
                self.add_error(
                    "badge_description", _("Say in one sentence what the new badge recognises.")
                )
        return data


class GroupChoiceField(forms.ModelChoiceField[CriterionGroup]):
    def label_from_instance(self, obj: CriterionGroup) -> str:
        return obj.name


def _group_field(groups: QuerySet[CriterionGroup]) -> GroupChoiceField:
    return GroupChoiceField(
        label=_("Group"),
        queryset=groups,
        required=False,
        empty_label=_("No group yet"),
        to_field_name="uuid",
    )


class CriterionForm(forms.Form):
    text = forms.CharField(
        label=_("Your criterion"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
        help_text=_("What does a person who deserves this badge know how to do? A few words."),
    )

    def __init__(
        self,
        *args: Any,
        groups: QuerySet[CriterionGroup],
        facilitator: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if groups.exists():
            self.fields["group"] = _group_field(groups)
        if facilitator:
            self.fields["spoken_by"] = forms.CharField(
                label=_("Said by (optional)"),
                max_length=100,
                required=False,
                help_text=_("When you type in the idea of someone in the room."),
            )


class CriterionEditForm(forms.Form):
    text = forms.CharField(
        label=_("New words"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
        help_text=_("Changing the words clears the votes: everyone votes again."),
    )

    def __init__(
        self, *args: Any, groups: QuerySet[CriterionGroup], facilitator: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if facilitator:
            self.fields["group"] = _group_field(groups)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name of the group"), max_length=100)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
    )


class VoteForm(forms.Form):
    choice = forms.ChoiceField(choices=VoteChoice.choices)


class ShowNameForm(forms.Form):
    show_name = forms.BooleanField(required=False)
