"""Reporting an unwanted e-mail (anyone, from the link in it) and the operators' view of who
sends e-mail (staff accounts): counts per space and account, trust, reports."""

from __future__ import annotations

from datetime import timedelta

from allauth.core.ratelimit import consume as ratelimit_consume
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from blason.core import abuse, quotas, services
from blason.core.models import AbuseReport, Issuer, MailCount, MailScope


class ReportForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("What is wrong with this e-mail? (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )


@require_http_methods(["GET", "POST"])
def abuse_report(request: HttpRequest) -> HttpResponse:
    reference = abuse.read_reference(request.GET.get("ref", ""))
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not ratelimit_consume(request, action="abuse_report"):
            form.add_error(None, _("Too many reports from this address: try again later."))
            status = 429
        elif form.is_valid():
            abuse.report_create(
                reference=reference,
                message=form.cleaned_data["message"],
                address=request.META.get("REMOTE_ADDR"),
            )
            return render(request, "core/abuse_reported.html")
        else:
            status = 400
    return render(
        request, "core/abuse_report.html", {"form": form, "reference": reference}, status=status
    )


def _operator(user: object) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if not getattr(user, "is_staff", False):
        raise PermissionDenied
    return True


def _sent(scope: str, since: object) -> Subquery:
    counts = MailCount.objects.filter(scope=scope, ref=OuterRef("pk"), day__gte=since)
    return Subquery(
        counts.values("ref").annotate(total=Sum("sent")).values("total")[:1],
        output_field=IntegerField(),
    )


@user_passes_test(_operator)
@require_http_methods(["GET"])
def operator_mail(request: HttpRequest) -> HttpResponse:
    """Every space with the people it e-mailed today and over 7 days, busiest first."""
    today = quotas.today()
    spaces = Issuer.objects.annotate(
        sent_today=Coalesce(_sent(MailScope.SPACE, today), Value(0)),
        sent_week=Coalesce(_sent(MailScope.SPACE, today - timedelta(days=6)), Value(0)),
        reports=Count("abuse_reports", distinct=True),
    )
    wanted = request.GET.get("q", "").strip()
    if wanted:
        spaces = spaces.filter(Q(name__icontains=wanted) | Q(slug__icontains=wanted))
    spaces = spaces.order_by("-sent_today", "-sent_week", "-created_at")
    page = Paginator(spaces, 50).get_page(request.GET.get("page"))
    reports = AbuseReport.objects.select_related("issuer", "sender")[:20]
    busiest = list(
        MailCount.objects.filter(scope=MailScope.ACCOUNT, day=today).order_by("-sent")[:20]
    )
    people = get_user_model().objects.in_bulk([row.ref for row in busiest])
    accounts = [(people.get(row.ref), row.sent) for row in busiest]
    return render(
        request,
        "core/operator_mail.html",
        {
            "page": page,
            "reports": reports,
            "accounts": accounts,
            "query": wanted,
            "limits": {
                "new": quotas.space_limit(Issuer(mail_trusted=False)),
                "trusted": quotas.space_limit(Issuer(mail_trusted=True)),
                "account": quotas.account_limit(),
            },
        },
    )


@user_passes_test(_operator)
@require_POST
def operator_trust(request: HttpRequest, issuer_uuid: str) -> HttpResponse:
    issuer = get_object_or_404(Issuer, uuid=issuer_uuid)
    trusted = request.POST.get("trusted") == "1"
    services.issuer_set_mail_trust(issuer=issuer, trusted=trusted, actor=request.user)
    if trusted:
        messages.success(request, _("%(name)s is trusted to send e-mail.") % {"name": issuer.name})
    else:
        messages.success(
            request, _("%(name)s is back to the quota of new spaces.") % {"name": issuer.name}
        )
    return redirect("core:operator_mail")
