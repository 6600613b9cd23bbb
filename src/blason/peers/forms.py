"""Forms of the workshop: short, phone-first, one question each where possible."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from blason.issuing.models import BadgeClass
from blason.peers.models import (
    CriterionGroup,
    Decision,
    Majority,
    ValidationRule,
    Validators,
    VoteChoice,
)
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


# Badge requests and peer validation -------------------------------------------------------------


class RequestForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("As the group knows you: the peers see it, and it goes on the badge."),
    )
    description = forms.CharField(
        label=_("What did you do?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        help_text=_("Tell it simply, as you would tell the group: when, where, with whom."),
    )
    evidence_url = forms.URLField(
        label=_("A link that shows it (optional)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("A photo, a video, a page…"),
    )
    evidence_file = forms.FileField(
        label=_("A photo or a document (optional)"),
        required=False,
        help_text=_("PDF, PNG or JPEG."),
    )
    evidence_public_ok = forms.BooleanField(
        label=_(
            "I understand that the peers see my link and my file, and that once the badge is "
            "awarded anyone who sees the badge can see them too."
        ),
        required=False,
    )

    def __init__(self, *args: Any, needs_name: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_name:  # the account's name is used
            del self.fields["name"]

    def clean(self) -> dict[str, Any]:
        from blason.core.exceptions import ActionRefused
        from blason.issuing.awarding.services import evidence_file_type

        data = super().clean() or {}
        upload = data.get("evidence_file")
        if upload is not None:
            content = upload.read()
            try:
                evidence_file_type(content)
            except ActionRefused as exc:
                self.add_error("evidence_file", str(exc))
            data["evidence_content"] = content
        if (upload is not None or data.get("evidence_url")) and not data.get("evidence_public_ok"):
            # A photo often shows people: nothing becomes visible to others without a yes.
            self.add_error(
                "evidence_public_ok",
                _("Tick this box to send a link or a file, or remove them to send without."),
            )
        return data


class ValidationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"), choices=Decision.choices, widget=forms.RadioSelect
    )
    observed_on = forms.DateField(
        label=_("When did you see it?"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    place = forms.CharField(
        label=_("Where?"), max_length=200, help_text=_("For example: “the Tuesday workshop”.")
    )
    observation = forms.CharField(
        label=_("What did you see?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )
    comment = forms.CharField(
        label=_("A word for the person (needed if something is missing)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        help_text=_("If you answer “not yet”, say what is missing, so they know what to work on."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Decision.REFUSE and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what is missing."))
        return data


class MemberChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "display_name", "") or _("A member without a name"))


class BadgeChoiceField(forms.ModelChoiceField[BadgeClass]):
    def label_from_instance(self, obj: BadgeClass) -> str:
        return obj.name


class RuleForm(forms.Form):
    accepts_requests = forms.BooleanField(
        label=_("People can ask for this badge"), required=False, initial=True
    )
    validators = forms.ChoiceField(
        label=_("Who validates the requests?"),
        choices=Validators.choices,
        initial=Validators.MEMBERS,
        widget=forms.RadioSelect,
    )
    ambassador_badge = BadgeChoiceField(
        label=_("Badge the ambassadors have"),
        queryset=BadgeClass.objects.none(),
        required=False,
        to_field_name="uuid",
        empty_label=_("Choose a badge"),
        help_text=_("Only for “members who have another badge”: for example “Badge ambassador”."),
    )
    reviewers = MemberChoiceField(
        label=_("Validators chosen by name"),
        queryset=BadgeClass.objects.none(),
        required=False,
        to_field_name="uuid",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for “members chosen by name”."),
    )
    approvals_needed = forms.IntegerField(
        label=_("How many approvals are needed?"),
        min_value=1,
        max_value=20,
        initial=3,
        help_text=_(
            "The badge is awarded when this many validators approve. If as many say "
            "something is missing, the request is closed and the person can ask again later."
        ),
    )

    def __init__(
        self, *args: Any, badges: QuerySet[BadgeClass], members: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        ambassador = self.fields["ambassador_badge"]
        assert isinstance(ambassador, forms.ModelChoiceField)
        ambassador.queryset = badges
        reviewers = self.fields["reviewers"]
        assert isinstance(reviewers, forms.ModelMultipleChoiceField)
        reviewers.queryset = members

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("validators")
        if kind == Validators.AMBASSADORS and data.get("ambassador_badge") is None:
            self.add_error("ambassador_badge", _("Choose the badge the ambassadors have."))
        if kind == Validators.NAMED and not data.get("reviewers"):
            self.add_error("reviewers", _("Choose at least one validator."))
        return data


class JoinForm(forms.Form):
    """Joining a group from its link (the QR code shown in the room) without an account yet: a
    name and an e-mail address or a mobile number (plus the year of birth sign-up asks), the
    address or number confirmed later. Its ``cleaned_data`` is what allauth's
    ``adapter.save_user`` reads (``email``, ``phone`` with ``_has_phone_field``)."""

    display_name = forms.CharField(
        label=_("Your first name and last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Give your name.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from blason.core import sms
        from blason.guardians.forms import ContactField, birth_year_field

        super().__init__(*args, **kwargs)
        self.sms = bool(sms.enabled())
        self.fields["contact"] = ContactField(
            label=(
                _("Your mobile number or e-mail address") if self.sms else _("Your e-mail address")
            ),
            help_text=(
                _("We send you a code by SMS, or a link by e-mail, to confirm it later.")
                if self.sms
                else _("We send you a link to confirm it later.")
            ),
            error_messages={"required": _("Give a mobile number or an e-mail address.")},
        )
        self.fields["birth_year"] = birth_year_field()
        self._has_phone_field = False

    def clean(self) -> dict[str, Any]:
        from allauth.account.adapter import get_adapter
        from allauth.account.internal.flows.manage_email import email_already_exists
        from allauth.account.internal.flows.phone_verification import phone_already_exists

        data = super().clean() or {}
        contact = data.get("contact")
        if not contact:
            return data
        channel, value = contact
        data["email"], data["phone"] = "", ""
        # An address or number that is already an account's never signs anyone in: allauth's
        # own checks, raising its own message (as its sign-up does when the address is not
        # confirmed first, so no more is revealed than there).
        try:
            if channel == "email":
                value = get_adapter().clean_email(value)
                email_already_exists(value, always_raise=True)
                data["email"] = value
            else:
                phone_already_exists(None, value, always_raise=True)
                data["phone"] = value
                self._has_phone_field = True
        except forms.ValidationError as exc:
            self.add_error(
                "contact",
                [*exc.messages, _("If it is yours, sign in below to join the group.")],
            )
        return data
