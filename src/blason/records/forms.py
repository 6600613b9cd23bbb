"""Forms of learner records: importing a record, a VAE file's target and badges, a counsellor's
link."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blason.backpack.models import Item
from blason.records.services import MAX_FILE_BYTES, MAX_LINK_DAYS

RNCP = re.compile(r"^RNCP\s?(\d{1,6})$", re.I)
ROME = re.compile(r"^[A-N]\d{4}$")
BLOC = re.compile(r"^(RNCP\d{1,6}BC\d{1,3})\s*[-\u2013\u2014:]?\s*(.*)$", re.I)


class RecordImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The record's file (JSON)"),
        help_text=gettext_lazy(
            "A learner record (1EdTech CLR 2.0) exported from Blason or another platform."
        ),
    )


class DossierForm(forms.Form):
    rncp_code = forms.CharField(
        label=gettext_lazy("RNCP code of the certification"),
        max_length=12,
        help_text=gettext_lazy("As on France compétences' register, for example RNCP34826."),
    )
    title = forms.CharField(label=gettext_lazy("Title of the certification"), max_length=300)
    blocs = forms.CharField(
        label=gettext_lazy("Its blocs de compétences (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "One a line, its code then its name: RNCP34826BC01 Accueillir le public."
        ),
    )
    occupations = forms.CharField(
        label=gettext_lazy("Jobs it leads to, ROME codes (optional)"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Separated by spaces, for example M1601 K1302."),
    )

    def clean_rncp_code(self) -> str:
        found = RNCP.match(self.cleaned_data["rncp_code"].strip())
        if not found:
            raise ValidationError(_("Write the code as RNCP followed by its number: RNCP34826."))
        return f"RNCP{int(found.group(1))}"

    def clean_blocs(self) -> list[dict[str, str]]:
        blocs = []
        for number, line in enumerate(self.cleaned_data["blocs"].splitlines(), start=1):
            if not line.strip():
                continue
            found = BLOC.match(line.strip())
            if not found:
                raise ValidationError(
                    _("Line %(number)d: start with the bloc's code, like RNCP34826BC01.")
                    % {"number": number}
                )
            blocs.append({"code": found.group(1).upper(), "name": found.group(2).strip()[:200]})
        if len(blocs) > 30:
            raise ValidationError(_("At most 30 blocs."))
        return blocs

    def clean_occupations(self) -> list[str]:
        codes = [code.upper() for code in re.split(r"[\s,;]+", self.cleaned_data["occupations"])]
        codes = [code for code in codes if code]
        wrong = [code for code in codes if not ROME.match(code)]
        if wrong:
            raise ValidationError(
                _("Not a ROME code: %(codes)s (a letter then four digits: M1601).")
                % {"codes": ", ".join(wrong)}
            )
        return list(dict.fromkeys(codes))[:20]


class EntriesForm(forms.Form):
    """Each of the person's own badges: in the file or not, its place, what they did, the bloc
    it shows, and an evidence file."""

    def __init__(self, *args: Any, items: list[Item], blocs: list[dict[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.items = items
        bloc_choices = [("", _("No bloc in particular"))] + [
            (bloc["code"], f"{bloc['code']} {bloc['name']}".strip()) for bloc in blocs
        ]
        for item in items:
            key = item.uuid.hex
            self.fields[f"in-{key}"] = forms.BooleanField(label=_("In my file"), required=False)
            self.fields[f"position-{key}"] = forms.IntegerField(
                label=_("Place"), min_value=1, max_value=999, required=False
            )
            self.fields[f"narrative-{key}"] = forms.CharField(
                label=_("What I did"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            if blocs:
                self.fields[f"bloc-{key}"] = forms.ChoiceField(
                    label=_("Bloc de compétences"), choices=bloc_choices, required=False
                )
            self.fields[f"file-{key}"] = forms.FileField(
                label=_("An evidence file (photo, PDF; optional)"), required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item in self.items:
            upload = data.get(f"file-{item.uuid.hex}")
            if upload is not None and upload.size > MAX_FILE_BYTES:
                self.add_error(
                    f"file-{item.uuid.hex}",
                    _("This file is too large (at most %(size)d MB).")
                    % {"size": MAX_FILE_BYTES // (1024 * 1024)},
                )
        return data

    def chosen(self) -> list[dict[str, Any]]:
        """The badges in the file, in the person's order (ties: the order shown)."""
        rows = []
        for index, item in enumerate(self.items):
            key = item.uuid.hex
            if not self.cleaned_data.get(f"in-{key}"):
                continue
            upload = self.cleaned_data.get(f"file-{key}")
            rows.append(
                {
                    "sort": (self.cleaned_data.get(f"position-{key}") or 1000 + index, index),
                    "item": item,
                    "narrative": self.cleaned_data.get(f"narrative-{key}", ""),
                    "bloc": self.cleaned_data.get(f"bloc-{key}", ""),
                    "upload": upload,
                }
            )
        return sorted(rows, key=lambda row: row["sort"])


class LinkForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("For whom"),
        max_length=150,
        help_text=gettext_lazy("For example: my adviser at the Mission Locale."),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Open for how many days"),
        min_value=1,
        max_value=MAX_LINK_DAYS,
        initial=30,
    )
