"""The pages of badge requests and peer validation.

Why one module of over 400 lines: the pages of one badge request follow each other (ask, see,
answer as a validator, withdraw, the rule, the poster) and share the helpers that find the
request and check who may see it.

* ``request_new``: "Ask for this badge" (from the badge's public page or its poster's QR code);
  people without an account are asked to sign in or sign up first, and come back.
* ``request_poster``: the badge's request poster with its QR code, to print, or on the projector.
* ``my_requests`` / ``my_request``: the requester follows their requests, reads what the peers
  said, withdraws a waiting one.
* ``to_validate`` / ``request_detail``: validators see the requests they may answer, and record
  what they observed with their answer.
* ``rules`` / ``rule_edit``: the governance page, each badge's rule for every member to read and
  for facilitators to change.

Access: a request is seen by its requester, by the validators its badge's rule names and by the
space's facilitators; anyone else gets "not found" (404), a member who is none of these 403.
Every write goes through ``blason.peers.validation``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blason.core.access import current_user
from blason.core.exceptions import ActionRefused
from blason.core.storage import private_file_response
from blason.issuing.badges import selectors as badge_selectors
from blason.issuing.models import BadgeClass, BadgeStatus
from blason.peers import request_posters, selectors, validation
from blason.peers.access import ValidatorFacts, group_space, is_facilitator_role, may_validate
from blason.peers.forms import RequestForm, RuleForm, ValidationForm
from blason.peers.models import BadgeRequest, PeerRule, RequestStatus, Validators


def _askable(badge_uuid: str) -> BadgeClass:
    badge = get_object_or_404(
        BadgeClass.objects.select_related("issuer"), uuid=badge_uuid, status=BadgeStatus.PUBLISHED
    )
    if selectors.open_rule_of(badge) is None:
        raise Http404
    return badge


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, badge_uuid: str) -> HttpResponse:
    badge = _askable(badge_uuid)
    rule = selectors.open_rule_of(badge)
    user = request.user
    pending = (
        BadgeRequest.objects.filter(badge=badge, requester=user, status="pending").first()
        if user.is_authenticated
        else None
    )
    needs_name = not (getattr(user, "display_name", "") or "").strip()
    form = RequestForm(request.POST or None, request.FILES or None, needs_name=needs_name)
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
        if form.is_valid():
            data = form.cleaned_data
            upload = data.get("evidence_file")
            try:
                made = validation.request_create(
                    badge=badge,
                    requester=current_user(request),
                    description=data["description"],
                    name=data.get("name", ""),
                    evidence_url=data["evidence_url"],
                    evidence_file=data.get("evidence_content"),
                    evidence_file_name=upload.name if upload is not None else "",
                    language=(get_language() or "")[:2],
                )
            except ActionRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Your request is sent! The peers will tell you their answer.")
                )
                return redirect("peers:my_request", made.uuid)
    return render(
        request,
        "peers/request_new.html",
        {
            "badge": badge,
            "issuer": badge.issuer,
            "rule": rule,
            "form": form,
            "pending": pending,
            "next": urlencode({"next": request.path}),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def request_poster(request: HttpRequest, badge_uuid: str) -> HttpResponse:
    """A page to print (A4) or show on the projector: the badge, how to ask for it, and a big
    QR code of the request page."""
    badge = _askable(badge_uuid)
    url = request_posters.request_url(badge)
    qr = request_posters.qr_code(badge)
    return render(
        request,
        "peers/request_poster.html",
        {
            "badge": badge,
            "issuer": badge.issuer,
            "rule": selectors.open_rule_of(badge),
            "url": url,
            "short_url": url.split("://", 1)[-1],
            "qr": qr.svg_data_uri(border=2, dark="#000000"),
            "projector": request.GET.get("projector") == "1",
        },
    )


@login_required
@require_GET
def request_poster_pdf(request: HttpRequest, slug: str, badge_uuid: str) -> HttpResponse:
    """The A4 poster as a PDF, for the members of the space (laying it out takes a moment)."""
    access = group_space(request, slug)
    badge = get_object_or_404(
        BadgeClass, issuer=access.issuer, uuid=badge_uuid, status=BadgeStatus.PUBLISHED
    )
    rule = selectors.open_rule_of(badge)
    if rule is None:
        raise Http404
    language = badge_selectors.short_language(request.GET.get("language") or get_language())
    response = HttpResponse(
        request_posters.poster_pdf(badge, rule, language), content_type="application/pdf"
    )
    with translation.override(language):  # the file is named in the poster's language
        label = _("poster")
    name = slugify(badge.name)[:60] or str(badge.uuid)
    response["Content-Disposition"] = f'attachment; filename="{slugify(label)}-{name}.pdf"'
    return response


# The requester's pages --------------------------------------------------------------------------


@login_required
@require_GET
def my_requests(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "peers/my_requests.html",
        {
            "requests": list(selectors.requests_of(request.user)[:200]),
            "to_validate": len(
                [r for r in selectors.requests_to_validate(request.user) if not r.answered]  # type: ignore[attr-defined]
            ),
        },
    )


def _mine(request: HttpRequest, request_uuid: str) -> BadgeRequest:
    found = selectors.requests_of(request.user).filter(uuid=request_uuid).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def my_request(request: HttpRequest, request_uuid: str) -> HttpResponse:
    found = _mine(request, request_uuid)
    return render(
        request,
        "peers/my_request.html",
        {"item": found, "badge": found.badge, "issuer": found.issuer},
    )


@login_required
@require_POST
def my_request_withdraw(request: HttpRequest, request_uuid: str) -> HttpResponse:
    found = _mine(request, request_uuid)
    try:
        validation.request_withdraw(request=found, actor=current_user(request))
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("peers:my_request", found.uuid)


@login_required
@require_GET
def request_file(request: HttpRequest, request_uuid: str) -> HttpResponseBase:
    """The file attached to a request, always as a download, for those who may see it (the
    requester and the validators of the space): the only way to it (``core.storage``)."""
    found = get_object_or_404(
        BadgeRequest.objects.select_related("badge", "issuer").exclude(evidence_file=""),
        uuid=request_uuid,
    )
    if found.requester_id != request.user.pk:
        _seen_by_peer(
            found, selectors.rule_of(found.badge), selectors.validator_facts(request.user)
        )
    return private_file_response(
        found.evidence_file,
        filename=found.evidence_file_name,
        content_type=found.evidence_content_type,
    )


# The validators' pages --------------------------------------------------------------------------


def _seen_by_peer(
    found: BadgeRequest, rule: PeerRule | None, facts: ValidatorFacts
) -> tuple[bool, bool]:
    """(may validate, is facilitator) for a member looking at someone's request, with the
    badge's rule and the member's validator facts: 404 for people outside the space, 403 for
    members who are neither validators nor facilitators."""
    role = facts.roles.get(found.issuer_id)
    if role is None:
        raise Http404
    validator = may_validate(rule, found.issuer_id, facts)
    facilitator = is_facilitator_role(role)
    if not (validator or facilitator):
        raise PermissionDenied
    return validator, facilitator


@login_required
@require_GET
def to_validate(request: HttpRequest) -> HttpResponse:
    found = selectors.requests_to_validate(request.user)
    return render(
        request,
        "peers/to_validate.html",
        {
            "waiting": [r for r in found if not r.answered],  # type: ignore[attr-defined]
            "answered": [r for r in found if r.answered],  # type: ignore[attr-defined]
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, slug: str, request_uuid: str) -> HttpResponse:
    access = group_space(request, slug)
    found = selectors.request_in(access.issuer, request_uuid)
    if found is None:
        raise Http404
    user = current_user(request)
    # The badge's rule and the person's validator facts (which read the "whose badge is it"
    # rule through the backpack's selectors) are read once for the page.
    rule = selectors.rule_of(found.badge)
    facts = selectors.validator_facts(user)
    validator, facilitator = _seen_by_peer(found, rule, facts)
    reason = (
        validation.why_not_validate(found, user, known=(rule, facts)) if found.is_pending else ""
    )
    form = ValidationForm(
        request.POST or None, initial={"observed_on": timezone.localdate().isoformat()}
    )
    if request.method == "POST":
        if reason or not found.is_pending:
            messages.error(request, reason or _("This request is already decided or withdrawn."))
            return redirect("peers:request", slug, found.uuid)
        if form.is_valid():
            data = form.cleaned_data
            try:
                validation.validation_record(
                    request=found,
                    validator=user,
                    decision=data["decision"],
                    observed_on=data["observed_on"],
                    place=data["place"],
                    observation=data["observation"],
                    comment=data["comment"],
                )
            except ActionRefused as exc:
                form.add_error(None, str(exc))
            else:
                found.refresh_from_db()
                if found.status == "awarded":
                    messages.success(
                        request,
                        _("Thank you! That was the last answer needed: the badge is awarded."),
                    )
                elif found.status == "refused":
                    messages.info(request, _("Thank you! The person is told what is missing."))
                else:
                    messages.success(request, _("Thank you! Your answer is recorded."))
                return redirect("peers:request", slug, found.uuid)
    return render(
        request,
        "peers/request_detail.html",
        {
            "access": access,
            "issuer": access.issuer,
            "item": found,
            "badge": found.badge,
            "rule": rule,
            "form": form,
            "can_answer": found.is_pending and not reason,
            "reason": reason,
            "facilitator": facilitator,
            "validator": validator,
            "my_name": selectors.signing_name(user) if not reason else "",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def space_requests(request: HttpRequest, slug: str) -> HttpResponse:
    """Every request of the space, for its facilitators: the waiting ones first by default."""
    access = group_space(request, slug, facilitator=True)
    status = request.GET.get("status", RequestStatus.PENDING)
    if status not in RequestStatus.values:
        status = ""
    page = Paginator(selectors.requests_in(access.issuer, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "peers/space_requests.html",
        {
            "access": access,
            "issuer": access.issuer,
            "page": page,
            "status": status,
            "statuses": RequestStatus.choices,
        },
    )


# Governance: the rules ------------------------------------------------------------------------


@login_required
@require_GET
def rules(request: HttpRequest, slug: str) -> HttpResponse:
    access = group_space(request, slug)
    return render(
        request,
        "peers/rules.html",
        {
            "access": access,
            "issuer": access.issuer,
            "badges": selectors.rules_of(access.issuer),
            "facilitator": is_facilitator_role(access.role),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, slug: str, badge_uuid: str) -> HttpResponse:
    access = group_space(request, slug, facilitator=True)
    badge = get_object_or_404(
        BadgeClass, issuer=access.issuer, uuid=badge_uuid, status=BadgeStatus.PUBLISHED
    )
    rule = selectors.rule_of(badge)
    badges = BadgeClass.objects.filter(issuer=access.issuer, status=BadgeStatus.PUBLISHED).exclude(
        pk=badge.pk
    )
    members = (
        get_user_model()
        .objects.filter(memberships__issuer=access.issuer)
        .order_by("display_name", "id")
    )
    initial = {}
    if rule is not None:
        initial = {
            "accepts_requests": rule.accepts_requests,
            "validators": rule.validators,
            "ambassador_badge": rule.ambassador_badge,
            "reviewers": list(rule.reviewers.all()),
            "approvals_needed": rule.approvals_needed,
        }
    form = RuleForm(request.POST or None, badges=badges, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = validation.rule_set(
                badge=badge,
                actor=current_user(request),
                validators=data["validators"],
                approvals_needed=data["approvals_needed"],
                accepts_requests=data["accepts_requests"],
                ambassador_badge=data.get("ambassador_badge"),
                reviewers=list(data.get("reviewers") or []),
            )
        except ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            count = selectors.validators_of(saved).count()
            if count < saved.approvals_needed:
                messages.warning(
                    request,
                    ngettext(
                        "The rule is saved, but only %(count)d member can validate today, "
                        "fewer than the %(needed)d approvals needed.",
                        "The rule is saved, but only %(count)d members can validate today, "
                        "fewer than the %(needed)d approvals needed.",
                        count,
                    )
                    % {"count": count, "needed": saved.approvals_needed},
                )
            else:
                messages.success(request, _("The rule is saved and shown to every member."))
            return redirect(f"{reverse('peers:rules', args=[slug])}#rule-{badge.uuid}")
    return render(
        request,
        "peers/rule_edit.html",
        {
            "access": access,
            "issuer": access.issuer,
            "badge": badge,
            "form": form,
            "validator_count": selectors.validators_of(rule).count() if rule else None,
            "ambassadors": Validators.AMBASSADORS,
        },
        status=400 if request.method == "POST" else 200,
    )
