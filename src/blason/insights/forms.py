"""The dashboards' filters (period, badge) and a person's territory statistics choice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from blason.insights import periods
from blason.issuing.models import BadgeClass


class QuickSelect(forms.Select):
    """A ``<select>`` written by a loop in Python: Django's own renders a template per option,
    a third of a network's dashboard with its 200 badges. The same element, attributes and
    chosen option (without the blank lines between options); grouped choices are left to
    Django's."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        choices = list(self.choices)
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        final = flatatt(self.build_attrs(self.attrs, attrs))
        parts: list[str] = [format_html('<select name="{}"{}>', name, final)]
        found = False
        for option, label in choices:
            text = "" if option is None else str(option)
            selected = text in chosen and (self.allow_multiple_selected or not found)
            found = found or selected
            mark = " selected" if selected else ""
            parts.append(format_html('<option value="{}"{}>{}</option>', text, mark, label))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every part escaped by format_html)


class FilterForm(forms.Form):
    """``?period=12m&badge=<uuid>``: a wrong value is told, and the default used."""

    period = forms.ChoiceField(label=_("Period"), required=False, widget=QuickSelect)
    badge = forms.ChoiceField(label=_("Badge"), required=False, widget=QuickSelect)

    def __init__(
        self,
        data: object,
        *,
        choices: Sequence[periods.Period],
        badges: Sequence[BadgeClass],
    ) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        period_field, badge_field = self.fields["period"], self.fields["badge"]
        assert isinstance(period_field, forms.ChoiceField)
        assert isinstance(badge_field, forms.ChoiceField)
        period_field.choices = [(p.code, p.label) for p in choices]
        badge_field.choices = [("", _("Every badge"))] + [(str(b.uuid), b.name) for b in badges]
        self._periods = {p.code: p for p in choices}
        self._badges = {str(b.uuid): b for b in badges}
        if not badges:
            del self.fields["badge"]

    def chosen_period(self) -> periods.Period:
        code = self.cleaned_data.get("period") if self.is_valid() else None
        return self._periods.get(code or periods.ALL) or periods.fixed()[0]

    def chosen_badge(self) -> BadgeClass | None:
        if not self.is_valid() or "badge" not in self.fields:
            return None
        return self._badges.get(self.cleaned_data.get("badge") or "")


class TerritoryForm(forms.Form):
    opted_out = forms.BooleanField(
        label=_("Leave me out of territory statistics"),
        required=False,
        help_text=_("The skills map and the open data of a territory will not count your badges."),
    )
