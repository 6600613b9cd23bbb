"""Claim links for awarders: open one for a badge, print its poster, follow and decide the
claims (approve, refuse with a reason, approve many at once), change or close it."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blason.core import keyset, site
from blason.core.access import IssuerAccess, issuer_for_member
from blason.core.exceptions import ActionRefused
from blason.core.models import Role
from blason.issuing.badges import content
from blason.issuing.badges.models import BadgeClass, BadgeStatus
from blason.issuing.claims import posters as claim_posters
from blason.issuing.claims import selectors as claim_selectors
from blason.issuing.claims import services as claims
from blason.issuing.claims.forms import ClaimLinkForm, RefuseForm
from blason.issuing.claims.models import Claim, ClaimLink, ClaimStatus

LINKS_PAGE = 25
CLAIMS_PAGE = 50
WAITING_PAGE = 100
STATUS_FILTERS = {"pending", "issued", "refused"}


def _link(access: IssuerAccess, link_uuid: str) -> ClaimLink:
    links = claim_selectors.with_counts(
        ClaimLink.objects.select_related("badge", "issuer", "created_by")
    )
    return claim_selectors.describe(get_object_or_404(links, issuer=access.issuer, uuid=link_uuid))


def _claim(link: ClaimLink, claim_uuid: str) -> Claim:
    return get_object_or_404(Claim, link=link, uuid=claim_uuid)


def _detail(link: ClaimLink) -> HttpResponse:
    return redirect("issuing:claim_link_detail", link.issuer.slug, link.uuid)


def _form_data(form: ClaimLinkForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "opens_at": data["opens_at"],
        "closes_at": data["closes_at"],
        "max_claims": data["max_claims"],
        "requires_approval": data["requires_approval"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def link_new(request: HttpRequest, slug: str, badge_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    badge = get_object_or_404(BadgeClass, issuer=access.issuer, uuid=badge_uuid)
    if badge.status != BadgeStatus.PUBLISHED:
        messages.error(request, _("Only a published badge can be awarded."))
        return redirect("issuing:badge", slug, badge.uuid)
    form = ClaimLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = claims.link_create(badge=badge, actor=request.user, **_form_data(form))
        except ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The claim link is ready: print the poster or share the link.")
            )
            return _detail(link)
    return render(
        request,
        "issuing/claim_link_form.html",
        {"access": access, "issuer": access.issuer, "badge": badge, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def link_edit(request: HttpRequest, slug: str, link_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    link = _link(access, link_uuid)
    form = ClaimLinkForm(request.POST or None, link=link)
    if request.method == "POST" and form.is_valid():
        try:
            claims.link_update(link=link, actor=request.user, **_form_data(form))
        except ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The claim link is changed."))
            return _detail(link)
    return render(
        request,
        "issuing/claim_link_form.html",
        {
            "access": access,
            "issuer": access.issuer,
            "badge": link.badge,
            "link": link,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def link_active(request: HttpRequest, slug: str, link_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    link = _link(access, link_uuid)
    active = request.POST.get("active") == "1"
    claims.link_set_active(link=link, actor=request.user, active=active)
    if active:
        messages.success(request, _("The claim link is open again."))
    else:
        messages.success(request, _("The claim link is closed: nobody can claim through it now."))
    return _detail(link)


@login_required
@require_GET
def link_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    # A page of links read by position (newest first, ``id`` as tie-breaker), then the
    # claims of these links only counted: never every claim of the space grouped.
    links = ClaimLink.objects.filter(issuer=access.issuer).select_related("badge", "issuer")
    page = keyset.page_from_request(request, links, size=LINKS_PAGE, moment_field="created_at")
    return render(
        request,
        "issuing/claim_link_list.html",
        {
            "access": access,
            "issuer": access.issuer,
            "page": page,
            "links": claim_selectors.counted(page.object_list),
        },
    )


@login_required
@require_GET
def link_detail(request: HttpRequest, slug: str, link_uuid: str) -> HttpResponse:
    """The link, its poster and QR code, the claims waiting for a decision and all the
    others (searchable: "I lost my code")."""
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    link = _link(access, link_uuid)
    waiting = list(
        Claim.objects.filter(link=link, status=ClaimStatus.PENDING).order_by("created_at")[
            :WAITING_PAGE
        ]
    )
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    shown = claim_selectors.claim_rows(
        link, search=query, status=status if status in STATUS_FILTERS else ""
    )
    page = keyset.page_from_request(request, shown, size=CLAIMS_PAGE, moment_field="created_at")
    approve = site.path_for_each("issuing:claim_approve", access.issuer.slug, link.uuid)
    refuse = site.path_for_each("issuing:claim_refuse", access.issuer.slug, link.uuid)
    for claim in waiting:
        claim.approve_path = approve(claim.uuid)  # type: ignore[attr-defined]
        claim.refuse_path = refuse(claim.uuid)  # type: ignore[attr-defined]
    award_path = site.path_for_each("award_public")
    for claim in page.object_list:
        claim.award_path = award_path(claim.award.uuid) if claim.award else ""
    return render(
        request,
        "issuing/claim_link_detail.html",
        {
            "access": access,
            "issuer": access.issuer,
            "badge": link.badge,
            "link": link,
            "address": claim_selectors.link_url(link),
            "short_address": claim_posters.short_address(link),
            "qr": claim_posters.qr_inline(link),
            "waiting": waiting,
            "page": page,
            "query": query,
            "status": status if status in STATUS_FILTERS else "",
            "refuse_form": RefuseForm(),
            "languages": settings.LANGUAGES,
            "language": content.short_language(get_language()),
        },
    )


@login_required
@require_GET
def link_poster(request: HttpRequest, slug: str, link_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    link = _link(access, link_uuid)
    language = content.short_language(request.GET.get("language") or get_language())
    pdf = claim_posters.poster_pdf(link, language)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(link.title)[:60] or link.token
    with translation.override(language):  # the file is named in the poster's language
        label = _("poster")
    response["Content-Disposition"] = f'attachment; filename="{slugify(label)}-{name}.pdf"'
    return response


@login_required
@require_GET
def link_qr(request: HttpRequest, slug: str, link_uuid: str, extension: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    link = _link(access, link_uuid)
    if extension == "svg":
        response = HttpResponse(claim_posters.qr_svg(link), content_type="image/svg+xml")
    elif extension == "png":
        response = HttpResponse(claim_posters.qr_png(link), content_type="image/png")
    else:
        return HttpResponse(status=404)
    name = slugify(link.title)[:60] or link.token
    response["Content-Disposition"] = f'attachment; filename="qr-{name}.{extension}"'
    return response


@login_required
@require_POST
def claim_approve(request: HttpRequest, slug: str, link_uuid: str, claim_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    link = _link(access, link_uuid)
    claim = _claim(link, claim_uuid)
    try:
        claims.claim_approve(claim=claim, actor=request.user)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s receives the badge.") % {"name": claim.name})
    return redirect(reverse("issuing:claim_link_detail", args=[slug, link.uuid]) + "#waiting")


@login_required
@require_POST
def claim_refuse(request: HttpRequest, slug: str, link_uuid: str, claim_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    link = _link(access, link_uuid)
    claim = _claim(link, claim_uuid)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why, in a few words: the person will read it."))
    else:
        try:
            claims.claim_refuse(claim=claim, actor=request.user, reason=form.cleaned_data["reason"])
        except ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The claim of %(name)s is refused.") % {"name": claim.name})
    return redirect(reverse("issuing:claim_link_detail", args=[slug, link.uuid]) + "#waiting")


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@login_required
@require_POST
def claims_approve(request: HttpRequest, slug: str, link_uuid: str) -> HttpResponse:
    """Approve the ticked claims, or all those waiting ("everyone")."""
    access = issuer_for_member(request, slug, minimum=Role.AWARDER)
    link = _link(access, link_uuid)
    everyone = request.POST.get("everyone") == "1"
    chosen = [value for value in request.POST.getlist("claims") if _is_uuid(value)]
    if not everyone and not chosen:
        messages.error(request, _("Tick the claims to approve first."))
        return redirect(reverse("issuing:claim_link_detail", args=[slug, link.uuid]) + "#waiting")
    summary = claims.claims_approve(
        link=link, actor=request.user, uuids=None if everyone else chosen[: claims.APPROVE_AT_ONCE]
    )
    if summary.approved:
        messages.success(
            request,
            ngettext(
                "%(count)d person receives the badge.",
                "%(count)d people receive the badge.",
                summary.approved,
            )
            % {"count": summary.approved},
        )
    for problem in summary.refused[:10]:
        messages.error(request, problem)
    if everyone and summary.left:
        messages.info(
            request,
            ngettext(
                "%(count)d claim is still waiting: press the button again.",
                "%(count)d claims are still waiting: press the button again.",
                summary.left,
            )
            % {"count": summary.left},
        )
    return redirect(reverse("issuing:claim_link_detail", args=[slug, link.uuid]) + "#waiting")
