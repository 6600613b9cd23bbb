"""The dashboards' filters (period, badge) and a person's territory statistics choice."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from blason.insights import periods
from blason.issuing.models import BadgeClass


class FilterForm(forms.Form):
    """``?period=12m&badge=<uuid>``: a wrong value is told, and the default used."""

    period = forms.ChoiceField(label=_("Period"), required=False)
    badge = forms.ChoiceField(label=_("Badge"), required=False)

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
