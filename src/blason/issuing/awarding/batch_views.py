"""Awarding from a spreadsheet (awarders): upload, check, confirm, follow the progress, hand out
the claim codes; and the space's list of these batches.

Why one module of over 400 lines: the pages of one batch follow each other in an awarder's visit
(upload, check, columns, confirm, progress, codes) and share the helpers that find the batch and
build its page.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from blason.core.access import IssuerAccess, issuer_for_member
from blason.core.downloads import safe_cell
from blason.core.exceptions import ActionRefused
from blason.core.models import Role
from blason.issuing.awarding import batch_reading, batches
from blason.issuing.awarding import sms as award_sms
from blason.issuing.awarding.batch_forms import (
    FIELD_LABELS,
    ColumnsForm,
    ConfirmForm,
    UploadForm,
    upload_limit,
)
from blason.issuing.awarding.batch_rows import problem_message, summary
from blason.issuing.awarding.claim_codes import claim_url
from blason.issuing.awarding.credentials import award_url
from blason.issuing.awarding.models import Award, AwardBatch, BatchStatus
from blason.issuing.awarding.models import RecipientKind as Kind
from blason.issuing.badges.models import BadgeClass, BadgeStatus

PREVIEW_ROWS = 8
PROBLEMS_SHOWN = 200
HOLDERS_SHOWN = 50
AWARDS_PAGE = 50
CODES_PAGE = 120
BATCHES_PAGE = 25
CODE_KINDS = (Kind.PHONE, Kind.NAME)


def _batch(access: IssuerAccess, batch_uuid: str) -> AwardBatch:
    return get_object_or_404(
        AwardBatch.objects.select_related("badge", "created_by"),
        issuer=access.issuer,
        uuid=batch_uuid,
    )


def _progress(batch: AwardBatch) -> dict[str, Any]:
    processed = batch.done + batch.skipped
    return {
        "processed": processed,
        "percent": int(100 * processed / batch.total) if batch.total else 100,
        "active": batch.status in batches.ACTIVE,
        "stalled": batches.is_stalled(batch),
        "excluded": batch.mapping.get("excluded", {}),
    }


def _reading(batch: AwardBatch) -> dict[str, Any]:
    return {
        "stalled": batches.is_stalled(batch),
        "started": batches.reading_started_at(batch) is not None,
    }


def _csv_response(rows: Iterator[list[str]], filename: str) -> StreamingHttpResponse:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # spreadsheets read the file as UTF-8
        for row in rows:
            yield writer.writerow([safe_cell(str(cell)) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def batch_upload(request: HttpRequest, slug: str, badge_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    badge = get_object_or_404(BadgeClass, issuer=access.issuer, uuid=badge_uuid)
    if badge.status != BadgeStatus.PUBLISHED:
        messages.error(request, _("Only a published badge can be awarded."))
        return redirect("issuing:badge", slug, badge.uuid)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = batch_reading.batch_upload(
                badge=badge,
                actor=request.user,
                content=form.content,
                source_name=form.cleaned_data["file"].name,
                language=get_language() or "",
            )
        except ActionRefused as exc:
            form.add_error("file", str(exc))
        else:
            if result.existing:
                messages.info(
                    request,
                    _(
                        "This file was already sent for this badge on %(date)s: here it is. "
                        "Nobody receives the badge twice from the same file."
                    )
                    % {"date": date_format(result.batch.created_at, "DATETIME_FORMAT")},
                )
            return redirect("issuing:batch_detail", slug, result.batch.uuid)
    return render(
        request,
        "issuing/batch_upload.html",
        {
            "access": access,
            "issuer": access.issuer,
            "badge": badge,
            "form": form,
            "max_rows": settings.BATCH_MAX_ROWS,
            "max_megabytes": upload_limit() // (1024 * 1024),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def batch_template(request: HttpRequest, slug: str) -> HttpResponse:
    """An empty spreadsheet with the expected columns, in the reader's language."""
    issuer_for_member(request, slug)
    french = (get_language() or "").startswith("fr")
    header = [
        _("first name"),
        _("last name"),
        _("e-mail"),
        _("phone"),
        _("language"),
        _("comment"),
        _("evidence"),
    ]
    delimiter = ";" if french else ","  # what Excel expects in each language
    response = HttpResponse(
        "\ufeff" + delimiter.join(header) + "\r\n", content_type="text/csv; charset=utf-8"
    )
    name = "modele-attribution.csv" if french else "awarding-template.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def batch_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.REVIEWER)
    listed = (
        AwardBatch.objects.filter(issuer=access.issuer)
        .select_related("badge", "created_by")
        .defer("mapping")
        .order_by("-created_at")
    )
    page = Paginator(listed, BATCHES_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "issuing/batch_list.html",
        {"access": access, "issuer": access.issuer, "page": page},
    )


def _detail(
    request: HttpRequest,
    access: IssuerAccess,
    batch: AwardBatch,
    *,
    columns_form: ColumnsForm | None = None,
    confirm_form: ConfirmForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "access": access,
        "issuer": access.issuer,
        "batch": batch,
        "badge": batch.badge,
        "can_award": access.can(Role.AWARDER),
    }
    if batch.status == BatchStatus.CHECKED:
        counts = summary(batch.rows)
        header = batch.mapping.get("header", [])
        problems = [row for row in batch.rows if row.get("problems")]
        holders = [row for row in batch.rows if row.get("holder")]
        context.update(
            counts=counts,
            preview=batch.rows[:PREVIEW_ROWS],
            problems=[
                (row, [problem_message(problem) for problem in row["problems"]])
                for row in problems[:PROBLEMS_SHOWN]
            ],
            more_problems=max(0, len(problems) - PROBLEMS_SHOWN),
            holders=holders[:HOLDERS_SHOWN],
            more_holders=max(0, len(holders) - HOLDERS_SHOWN),
            columns_form=columns_form
            or ColumnsForm(
                header=header,
                initial=ColumnsForm.initial_from(batch.mapping.get("columns", {})),
            ),
            confirm_form=confirm_form or ConfirmForm(counts=counts),
            field_labels=FIELD_LABELS,
        )
    elif batch.status == BatchStatus.READING:
        context.update(_reading(batch))
    elif batch.status == BatchStatus.REFUSED:
        context["refusal"] = batch_reading.refusal(batch)
    else:
        context.update(_progress(batch))
        context["can_resume"] = context["can_award"] and batches.can_resume(batch)
        if not context["active"]:
            # Rows without their credentials (a few kB each); a batch holds at most
            # BATCH_MAX_ROWS awards, so numbered pages stay cheap (index on batch and name).
            awarded = (
                Award.objects.filter(batch=batch)
                .defer("credential", "narrative")
                .order_by("recipient_name", "pk")
            )
            page = Paginator(awarded, AWARDS_PAGE).get_page(request.GET.get("page"))
            context["page"] = page
            kinds = awarded.aggregate(
                codes=Count("pk", filter=Q(recipient_kind__in=CODE_KINDS)),
                phones=Count("pk", filter=Q(recipient_kind=Kind.PHONE)),
            )
            context["codes_count"] = kinds["codes"]
            context["sms_report"] = award_sms.report(batch, phones=kinds["phones"])
            told = award_sms.deliveries(list(page.object_list))
            context["rows"] = [(award, told.get(award.pk)) for award in page.object_list]
    return render(request, "issuing/batch_detail.html", context, status=status)


@login_required
@require_GET
def batch_detail(request: HttpRequest, slug: str, batch_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.REVIEWER)
    return _detail(request, access, _batch(access, batch_uuid))


@login_required
@require_GET
def batch_progress(request: HttpRequest, slug: str, batch_uuid: str) -> HttpResponse:
    """The progress of reading or awarding, polled by the batch page; once the file is read or
    the awarding finished, the page reloads itself."""
    access = issuer_for_member(request, slug, minimum=Role.REVIEWER)
    batch = get_object_or_404(AwardBatch, issuer=access.issuer, uuid=batch_uuid)
    if batch.status == BatchStatus.READING:
        context = {"batch": batch, "oob": True, **_reading(batch)}
        return render(request, "issuing/_batch_reading_progress.html", context)
    if batch.status not in batches.ACTIVE and getattr(request, "htmx", False):
        return HttpResponseClientRefresh()
    context = {"batch": batch, "oob": True, "can_award": access.can(Role.AWARDER)}
    return render(request, "issuing/_batch_progress.html", {**context, **_progress(batch)})


@login_required
@require_POST
def batch_columns(request: HttpRequest, slug: str, batch_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    batch = _batch(access, batch_uuid)
    if batch.status != BatchStatus.CHECKED:
        messages.error(
            request,
            batches.not_checked_message(batch)
            if batch.status in batches.UNCONFIRMED
            else _("This file is already confirmed: its columns can no longer change."),
        )
        return redirect("issuing:batch_detail", slug, batch.uuid)
    form = ColumnsForm(request.POST, header=batch.mapping.get("header", []))
    if not form.is_valid():
        return _detail(request, access, batch, columns_form=form, status=400)
    try:
        batches.batch_set_columns(
            batch=batch, actor=request.user, columns=form.cleaned_data["columns"]
        )
    except ActionRefused as exc:
        form.add_error(None, str(exc))
        return _detail(request, access, batch, columns_form=form, status=400)
    messages.success(request, _("The file is checked again with these columns."))
    return redirect("issuing:batch_detail", slug, batch.uuid)


@login_required
@require_POST
def batch_confirm(request: HttpRequest, slug: str, batch_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    batch = _batch(access, batch_uuid)
    if batch.status != BatchStatus.CHECKED:
        messages.error(request, batches.not_checked_message(batch))
        return redirect("issuing:batch_detail", slug, batch.uuid)
    form = ConfirmForm(request.POST, counts=summary(batch.rows))
    if not form.is_valid():
        return _detail(request, access, batch, confirm_form=form, status=400)
    data = form.cleaned_data
    try:
        batches.batch_confirm(
            batch=batch,
            actor=request.user,
            narrative=data["narrative"],
            language=data["language"],
            skip_invalid=data.get("skip_invalid", False),
            include_holders=data.get("include_holders", False),
        )
    except ActionRefused as exc:
        form.add_error(None, str(exc))
        return _detail(request, access, batch, confirm_form=form, status=400)
    messages.success(request, _("Awarding has started. You can leave this page: it goes on."))
    return redirect("issuing:batch_detail", slug, batch.uuid)


def _action(
    request: HttpRequest, slug: str, batch_uuid: str, service: Any, done: str
) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    batch = _batch(access, batch_uuid)
    try:
        service(batch=batch, actor=request.user)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
        if service is batches.batch_discard:
            return redirect("issuing:badge", slug, batch.badge.uuid)
    return redirect("issuing:batch_detail", slug, batch.uuid)


@login_required
@require_POST
def batch_cancel(request: HttpRequest, slug: str, batch_uuid: str) -> HttpResponse:
    done = _("Awarding is stopped. The badges already awarded stay awarded.")
    return _action(request, slug, batch_uuid, batches.batch_cancel, done)


@login_required
@require_POST
def batch_resume(request: HttpRequest, slug: str, batch_uuid: str) -> HttpResponse:
    done = _("Awarding resumes where it stopped; nobody receives the badge twice.")
    return _action(request, slug, batch_uuid, batches.batch_resume, done)


@login_required
@require_POST
def batch_discard(request: HttpRequest, slug: str, batch_uuid: str) -> HttpResponse:
    done = _("The file is discarded; nothing was awarded from it.")
    return _action(request, slug, batch_uuid, batches.batch_discard, done)


@login_required
@require_GET
def batch_problems(request: HttpRequest, slug: str, batch_uuid: str) -> StreamingHttpResponse:
    """The lines with errors as a spreadsheet, to correct them."""
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    batch = _batch(access, batch_uuid)
    header = [_("Line"), _("Name"), _("E-mail address"), _("Phone number"), _("Problem")]

    def rows() -> Iterator[list[str]]:
        yield header
        for row in batch.rows:
            for problem in row.get("problems", ()):
                yield [
                    row["line"],
                    row["name"],
                    row["email"],
                    row["phone"],
                    problem_message(problem),
                ]

    return _csv_response(rows(), f"errors-{batch.uuid}.csv")


def _codes(batch: AwardBatch) -> Any:
    return (
        Award.objects.filter(batch=batch, recipient_kind__in=CODE_KINDS)
        .defer("credential", "narrative")
        .order_by("recipient_name", "pk")
    )


@login_required
@require_GET
def batch_codes(request: HttpRequest, slug: str, batch_uuid: str) -> HttpResponse:
    """A printable page of slips: each person's claim code, with a QR code to scan."""
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    batch = _batch(access, batch_uuid)
    page = Paginator(_codes(batch), CODES_PAGE).get_page(request.GET.get("page"))
    slips = [
        (
            award,
            claim_url(award.claim_code or ""),
            segno.make(claim_url(award.claim_code or ""), error="m").svg_inline(
                scale=2, omitsize=True
            ),
        )
        for award in page.object_list
    ]
    return render(
        request,
        "issuing/batch_codes.html",
        {
            "access": access,
            "issuer": access.issuer,
            "batch": batch,
            "badge": batch.badge,
            "page": page,
            "slips": slips,
            "claim_page": claim_url(""),
        },
    )


@login_required
@require_GET
def batch_codes_csv(request: HttpRequest, slug: str, batch_uuid: str) -> StreamingHttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    batch = _batch(access, batch_uuid)
    header = [_("Name"), _("Phone number"), _("Claim code"), _("Claim address"), _("Badge address")]

    def rows() -> Iterator[list[str]]:
        yield header
        for award in _codes(batch).select_related(None).iterator(chunk_size=1000):
            code = award.claim_code or ""
            yield [
                award.recipient_name,
                award.recipient_phone,
                code,
                claim_url(code),
                award_url(award),
            ]

    return _csv_response(rows(), f"claim-codes-{batch.uuid}.csv")
