"""Forms of awarding from a spreadsheet: the upload, the choice of columns, the confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from blason.issuing.awarding.spreadsheets import FIELDS, column_label

FIELD_LABELS = {
    "email": gettext_lazy("E-mail address"),
    "phone": gettext_lazy("Phone number"),
    "name": gettext_lazy("Full name"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "language": gettext_lazy("Language of the e-mail"),
    "narrative": gettext_lazy("Why this badge (a comment)"),
    "evidence": gettext_lazy("Evidence (a link)"),
}
IDENTITY_FIELDS = ("email", "phone", "name", "first_name", "last_name")
ACCEPTED_TYPES = (
    ".csv,.txt,.tsv,.xlsx,text/csv,text/plain,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)


def upload_limit() -> int:
    """The largest file accepted: the request size limit (``UPLOAD_MAX_BYTES``)."""
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Your spreadsheet"),
        help_text=gettext_lazy(
            "A CSV or Excel (.xlsx) file: the names of the columns on the first line, then "
            "one person per line."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_TYPES}),
    )

    content: bytes = b""

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = upload_limit()
        content = upload.read(limit + 1)
        if upload.size > limit or len(content) > limit:
            raise forms.ValidationError(
                _("This file is too large (at most %(size)s MB): split it into several files.")
                % {"size": number_format(limit / (1024 * 1024), decimal_pos=0)}
            )
        self.content = content
        return upload


class ColumnsForm(forms.Form):
    """Which column of the file holds what; one select per field."""

    def __init__(self, *args: Any, header: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header = header
        choices = [("", _("— not in the file —"))]
        choices += [(str(index), column_label(index, header)) for index in range(len(header))]
        for name in FIELDS:
            self.fields[name] = forms.ChoiceField(
                label=FIELD_LABELS[name], choices=choices, required=False
            )

    @staticmethod
    def initial_from(columns: dict[str, int | None]) -> dict[str, str]:
        return {name: "" if index is None else str(index) for name, index in columns.items()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen: dict[str, int | None] = {
            name: int(data[name]) if data.get(name) else None for name in FIELDS
        }
        used: dict[int, str] = {}
        for name, index in chosen.items():
            if index is None:
                continue
            if index in used:
                raise forms.ValidationError(
                    _("The column “%(column)s” is chosen twice: choose it only once.")
                    % {"column": column_label(index, self.header)}
                )
            used[index] = name
        if chosen["name"] is not None and (
            chosen["first_name"] is not None or chosen["last_name"] is not None
        ):
            raise forms.ValidationError(
                _("Choose either a column with the full name, or the first and last name columns.")
            )
        if all(chosen[name] is None for name in IDENTITY_FIELDS):
            raise forms.ValidationError(
                _("Choose at least the column of the e-mail addresses, phone numbers or names.")
            )
        data["columns"] = chosen
        return data


class ConfirmForm(forms.Form):
    narrative = forms.CharField(
        label=gettext_lazy("Why this badge, for everyone (optional)"),
        help_text=gettext_lazy("Written in each badge whose line has no comment of its own."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the e-mails"),
        help_text=gettext_lazy("For the lines that do not say which language to use."),
        choices=settings.LANGUAGES,
    )
    skip_invalid = forms.BooleanField(required=False)
    include_holders = forms.BooleanField(required=False)

    def __init__(self, *args: Any, counts: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = (get_language() or settings.LANGUAGE_CODE)[:2]
        valid, invalid, holders = counts["valid"], counts["invalid"], counts["holders"]
        if invalid:
            self.fields["skip_invalid"].label = ngettext(
                "Award the badge only to the lines without errors: the line with an error "
                "receives nothing.",
                "Award the badge only to the lines without errors: the %(count)s lines with "
                "errors receive nothing.",
                invalid,
            ) % {"count": number_format(invalid, force_grouping=True)}
        else:
            del self.fields["skip_invalid"]
        if holders:
            self.fields["include_holders"].label = ngettext(
                "Also award it again to the person who already holds it.",
                "Also award it again to the %(count)s people who already hold it.",
                holders,
            ) % {"count": number_format(holders, force_grouping=True)}
        else:
            del self.fields["include_holders"]
        self.nothing_to_award = not valid and not holders
