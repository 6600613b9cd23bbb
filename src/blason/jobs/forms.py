"""Form fields to pick ROME occupations and a place by typing part of their name.

Both work without JavaScript: the text typed is read when the form is sent (a code, a picked
label, or a text only one entry answers); when several answer, the form comes back with them
as boxes to tick. With JavaScript, htmx fills a ``<datalist>`` as the person types (the
browser shows it as the input's list of suggestions), from ``jobs:occupation_options`` and
``jobs:place_options``. Nobody types a code or a whole label by hand.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blason.jobs import places
from blason.jobs.models import Occupation
from blason.jobs.occupations import occupations, search_occupations
from blason.jobs.places import Place

CANDIDATES = 12
_PICKED_CODE = re.compile(r"\(\s*([A-Na-n]\d{4})\s*\)\s*$")
_CODE = re.compile(r"^\s*([A-Na-n]\d{4})\s*$")


class OccupationsWidget(forms.Widget):
    template_name = "jobs/widgets/occupations.html"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, Any]:
        codes = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
        if isinstance(codes, str):
            codes = [codes]
        return {"codes": [str(code) for code in codes or []], "text": data.get(f"{name}_add", "")}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}_add" not in data

    def format_value(self, value: Any) -> Any:
        return value

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if isinstance(value, dict):
            codes, text = value.get("codes", []), value.get("text", "")
        else:
            codes, text = list(value or []), ""
        chosen = occupations(codes)
        chosen_codes = {item.code for item in chosen}
        candidates = []
        if text and not _resolve_one(text):
            candidates = sorted(
                (
                    item
                    for item in search_occupations(text, CANDIDATES)
                    if item.code not in chosen_codes
                ),
                key=lambda item: item.grand_domain_code,
            )  # grouped by grand domaine of the ROME (the template shows each group's label)
        context["widget"].update(chosen=chosen, candidates=candidates, text=text, **_aria(attrs))
        return context


def _aria(attrs: dict[str, Any] | None) -> dict[str, str]:
    """The ARIA attributes Django gives a field's widget (help text, errors), for templates."""
    attrs = attrs or {}
    return {
        "describedby": str(attrs.get("aria-describedby", "")),
        "invalid": "true" if attrs.get("aria-invalid") else "",
    }


def _resolve_one(text: str) -> Occupation | None:
    """The occupation a typed text names for sure: a code, a picked "Label (M1601)", an exact
    label, or a text only one occupation answers."""
    text = " ".join(text.split())
    match = _PICKED_CODE.search(text) or _CODE.match(text)
    if match:
        found = occupations([match.group(1).upper()])
        return found[0] if found else None
    results = search_occupations(text, 2)
    if len(results) == 1:
        return results[0]
    exact = [
        item for item in search_occupations(text, 50) if item.label.casefold() == text.casefold()
    ]
    return exact[0] if len(exact) == 1 else None


class OccupationsField(forms.Field):
    """One or more ROME 4.0 occupations; cleans to a list of codes ("M1601"), in the order
    picked, each checked against the referential."""

    widget = OccupationsWidget
    default_error_messages = {
        "required": _("Choose at least one occupation."),
        "unknown": _("“%(code)s” is not an occupation of the ROME 4.0 list."),
        "none": _("No occupation of the ROME list matches “%(text)s”: try another word."),
        "several": _("Several occupations match “%(text)s”: tick the one you mean."),
    }

    def __init__(self, *, max_choices: int = 20, **kwargs: Any) -> None:
        self.max_choices = max_choices
        kwargs.setdefault("label", _("Occupations (ROME)"))
        kwargs.setdefault(
            "help_text", _("Type part of an occupation's name, then choose it from the list.")
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, dict):
            codes, text = list(value.get("codes", [])), str(value.get("text", "")).strip()
        else:
            codes, text = list(value or []), ""
        wanted = [str(code).strip().upper() for code in codes if str(code).strip()]
        known = {item.code for item in occupations(wanted)}
        for code in wanted:
            if code not in known:
                raise ValidationError(self.error_messages["unknown"], "unknown", {"code": code})
        if text:
            found = _resolve_one(text)
            if found is None:
                if search_occupations(text, 1):
                    raise ValidationError(self.error_messages["several"], "several", {"text": text})
                raise ValidationError(self.error_messages["none"], "none", {"text": text})
            wanted.append(found.code)
        result = list(dict.fromkeys(wanted))
        if len(result) > self.max_choices:
            raise ValidationError(
                ngettext(
                    "Choose at most %(count)d occupation.",
                    "Choose at most %(count)d occupations.",
                    self.max_choices,
                )
                % {"count": self.max_choices},
                "too_many",
            )
        return result

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], "required")

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return list(initial or []) != self.to_python(data)
        except ValidationError:
            return True


class PlaceWidget(forms.Widget):
    template_name = "jobs/widgets/place.html"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str]:
        return {"text": data.get(name, ""), "pick": data.get(f"{name}_pick", "")}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}_pick" not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        text, candidates = "", []
        if isinstance(value, Place):
            text = value.label
        elif isinstance(value, dict):
            text = value.get("text", "")
            picked = places.parse_key(value.get("pick", ""))
            if picked:
                text = picked.label
            elif text and places.from_label(text) is None:
                candidates = places.search(text, CANDIDATES)
        elif isinstance(value, str):
            found = places.from_label(value)
            text = found.label if found else value
        context["widget"].update(text=text, candidates=candidates, **_aria(attrs))
        return context


class PlaceField(forms.Field):
    """A commune, a département or a région of France; cleans to a ``places.Place``."""

    widget = PlaceWidget
    default_error_messages = {
        "required": _("Choose a town, a département or a région."),
        "none": _("No town, département or région matches “%(text)s”."),
        "several": _("Several places match “%(text)s”: choose one."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Near"))
        kwargs.setdefault(
            "help_text", _("Type the name or postcode of a town, or a département or région.")
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Place | None:
        if isinstance(value, Place) or value is None:
            return value
        if isinstance(value, str):
            value = {"text": value, "pick": ""}
        picked = places.parse_key(value.get("pick", ""))
        if picked:
            return picked
        text = " ".join(str(value.get("text", "")).split())
        if not text:
            return None
        found = places.from_label(text)
        if found is None:
            code = "several" if places.search(text, 1) else "none"
            raise ValidationError(self.error_messages[code], code, {"text": text})
        return found

    def prepare_value(self, value: Any) -> Any:
        return value


DISTANCES = (5, 10, 20, 30, 50)


class OffersSearchForm(forms.Form):
    """Where to look for offers: a place and, around a town, a distance."""

    place = PlaceField()
    distance = forms.TypedChoiceField(
        label=_("Distance around a town"),
        choices=[(value, _("%(km)d km") % {"km": value}) for value in DISTANCES],
        coerce=int,
        initial=10,
        required=False,
    )
