"""The awards of a space: search, filters, pages and a spreadsheet export."""

from __future__ import annotations

import csv
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from blason.core import keyset, site
from blason.core.access import issuer_for_member
from blason.core.downloads import safe_cell
from blason.core.models import Issuer, Role
from blason.issuing.awarding import credentials, selectors
from blason.issuing.awarding.models import Award
from blason.issuing.badges.models import BadgeClass

PAGE_SIZE = 50
ROWS_PER_WRITE = 1000  # awards read per query chunk, and written to the response at once
STATES = [
    ("", gettext_lazy("All")),
    ("valid", gettext_lazy("Valid")),
    ("expired", gettext_lazy("Expired")),
    ("revoked", gettext_lazy("Revoked")),
    ("unclaimed", gettext_lazy("Not collected yet")),
]


class AwardFilter(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Name, e-mail address, phone number or claim code."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    badge = forms.ChoiceField(label=gettext_lazy("Badge"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=STATES)
    since = forms.DateField(
        label=gettext_lazy("Awarded from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=gettext_lazy("Awarded until"),
        required=False,
        help_text=gettext_lazy("Included."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, issuer: Issuer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        badges = BadgeClass.objects.filter(issuer=issuer).order_by("name")
        choices = [("", _("All badges")), *((str(b.uuid), b.name) for b in badges)]
        self.fields["badge"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The first day comes after the last day."))
        return data

    def apply(self, queryset: QuerySet[Award]) -> QuerySet[Award]:
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["badge"]:
            queryset = queryset.filter(badge__uuid=data["badge"])
        zone = timezone.get_current_timezone()
        if data["since"]:
            start = datetime.combine(data["since"], time.min, tzinfo=zone)
            queryset = queryset.filter(issued_at__gte=start)
        if data["until"]:
            end = datetime.combine(data["until"] + timedelta(days=1), time.min, tzinfo=zone)
            queryset = queryset.filter(issued_at__lt=end)
        now = timezone.now()
        state = data["state"]
        if state == "revoked":
            queryset = queryset.filter(revoked_at__isnull=False)
        elif state == "expired":
            queryset = queryset.filter(revoked_at__isnull=True, valid_until__lt=now)
        elif state == "valid":
            queryset = queryset.filter(revoked_at__isnull=True).filter(
                Q(valid_until__isnull=True) | Q(valid_until__gte=now)
            )
        elif state == "unclaimed":
            queryset = queryset.filter(claimed_at__isnull=True)
        return queryset


def _state_code(award: Award, now: Any) -> str:
    if award.revoked_at:
        return "revoked"
    if award.valid_until and award.valid_until < now:
        return "expired"
    return "valid"


def _state_label(code: str) -> str:
    return {"revoked": _("Revoked"), "expired": _("Expired")}.get(code) or _("Valid")


@login_required
@require_GET
def award_list(request: HttpRequest, slug: str) -> HttpResponse | StreamingHttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.REVIEWER)
    form = AwardFilter(request.GET or None, issuer=access.issuer)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    awarded = form.apply(selectors.award_rows(access.issuer, search=search))
    if request.GET.get("format") == "csv" and access.can(Role.AWARDER):
        if form.is_bound and not form.is_valid():  # never export more than was asked for
            problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
            return HttpResponseBadRequest(
                _("The export was not made: %(problems)s") % {"problems": problems},
                content_type="text/plain; charset=utf-8",
            )
        return _export(awarded.order_by("-issued_at", "-id"), access.issuer)
    page = keyset.page_from_request(request, awarded, size=PAGE_SIZE, moment_field="issued_at")
    award_path = site.path_for_each("award_public")
    for award in page.object_list:
        award.public_path = award_path(award.uuid)
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    return render(
        request,
        "issuing/award_list.html",
        {
            "access": access,
            "issuer": access.issuer,
            "form": form,
            "page": page,
            "count": keyset.bounded_count(awarded),
            "query": query.urlencode(),
            "now": timezone.now(),
            "can_export": access.can(Role.AWARDER),
        },
    )


EXPORTED = (
    "uuid",
    "badge__name",
    "recipient_name",
    "recipient_email",
    "recipient_phone",
    "claim_code",
    "issued_at",
    "valid_until",
    "revoked_at",
    "claimed_at",
)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _export(awarded: QuerySet[Award], issuer: Issuer) -> StreamingHttpResponse:
    """The filtered awards as CSV, streamed (a large space does not load into memory): one
    query read by chunks (a server-side cursor on PostgreSQL), only the columns written."""
    awarded = awarded.only(*EXPORTED)
    writer = csv.writer(_Echo())
    now = timezone.now()
    header = [
        _("Badge"),
        _("Name"),
        _("E-mail address"),
        _("Phone number"),
        _("Claim code"),
        _("Awarded on"),
        _("Status"),
        _("Collected"),
        _("Address of the badge"),
    ]

    # What is the same on every row is worked out once (labels in the reader's language now,
    # not when the server reads the generator; the address of an award from a template).
    labels = {state: _state_label(state) for state in ("revoked", "expired", "valid")}
    collected = {True: _("yes"), False: _("no")}
    placeholder = "00000000-0000-0000-0000-000000000000"
    address = credentials.award_url(Award(uuid=placeholder))

    def rows() -> Any:
        yield "\ufeff" + writer.writerow(header)  # BOM: spreadsheets read it as UTF-8
        lines: list[str] = []
        for award in awarded.iterator(chunk_size=ROWS_PER_WRITE):
            lines.append(
                writer.writerow(
                    [
                        safe_cell(award.badge.name),
                        safe_cell(award.recipient_name),
                        safe_cell(award.recipient_email),
                        safe_cell(award.recipient_phone),
                        safe_cell(award.claim_code or ""),
                        award.issued_at.date().isoformat(),
                        labels[_state_code(award, now)],
                        collected[award.claimed_at is not None],
                        address.replace(placeholder, str(award.uuid)),
                    ]
                )
            )
            if len(lines) == ROWS_PER_WRITE:  # one write per chunk, not per row
                yield "".join(lines)
                lines = []
        if lines:
            yield "".join(lines)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="awards-{issuer.slug}.csv"'
    return response
