"""Claiming a badge with its code (typed, scanned or in the e-mail), importing one from anywhere,
the identities (e-mail addresses, phone number) whose badges arrive by themselves, and the
"Is this badge yours?" questions."""

from __future__ import annotations

from allauth.core.ratelimit import consume as ratelimit_consume
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from blason.backpack import checking, claims, imports, keeping, selectors, sharing
from blason.backpack.forms import ClaimCodeForm, ImportForm
from blason.backpack.models import Item, credential_identity
from blason.core import sms
from blason.core.access import current_user
from blason.issuing.awarding import selectors as credentials
from blason.issuing.badges.selectors import badge_text
from blason.issuing.models import Award
from blason.issuing.signing import selectors as signing

# The code someone was collecting when they went to sign in or create an account.
PENDING_CODE = "backpack_claim_code"


def too_many() -> str:
    return _("Too many requests. Please wait a few minutes and try again.")


def _claim_rate(request: HttpRequest, *, dry_run: bool) -> bool:
    # allauth's public ``consume`` never limits GET requests; a claim link is opened by GET.
    from allauth.core.internal import ratelimit

    usage = ratelimit.consume(
        request, app="allauth.account", action="claim", dry_run=dry_run, limit_get=True
    )
    return usage is not None


def _claim_allowed(request: HttpRequest) -> bool:
    """Checked before every look-up, so a guess that happens to be right is refused as well
    once the limit is reached; only unknown codes count towards it."""
    return _claim_rate(request, dry_run=True)


def _unknown_code(request: HttpRequest, form: ClaimCodeForm) -> HttpResponse:
    _claim_rate(request, dry_run=False)
    form.add_error("code", _("We do not know this code. Check each character and try again."))
    return render(request, "backpack/claim_enter.html", {"form": form}, status=404)


def _limited(request: HttpRequest) -> HttpResponse:
    context = {"form": ClaimCodeForm(), "problem": too_many()}
    return render(request, "backpack/claim_enter.html", context, status=429)


@require_http_methods(["GET", "POST"])
def claim_enter(request: HttpRequest) -> HttpResponse:
    """Type a code: big field, any case, spaces or dashes, O for 0 — all read the same."""
    form = ClaimCodeForm(request.POST or None)
    if request.method == "POST":
        if not _claim_allowed(request):
            return _limited(request)
        if not form.is_valid():
            return render(request, "backpack/claim_enter.html", {"form": form}, status=400)
        award = claims.award_for_code(form.cleaned_data["code"])
        if award is None:
            return _unknown_code(request, form)
        return redirect("backpack:claim", award.claim_code)
    return render(request, "backpack/claim_enter.html", {"form": form})


def _closed(request: HttpRequest, reason: str, status: int, code: str) -> HttpResponse:
    return render(
        request,
        "backpack/claim_closed.html",
        {"reason": reason, "code": code, "next": reverse("backpack:claim", args=[code])},
        status=status,
    )


def _claimable(request: HttpRequest, code: str) -> Award | HttpResponse:
    """The award the code gives, while the person holding the code may still see it: not
    after someone else collected it, not once withdrawn. Codes are bearer secrets: the pages
    refused here say nothing about the badge, and unknown codes count towards the limit."""
    if not _claim_allowed(request):
        return _limited(request)
    award = claims.award_for_code(code)
    if award is None:
        return _unknown_code(request, ClaimCodeForm({"code": code}))
    code = award.claim_code or code
    user = request.user if request.user.is_authenticated else None
    mine = user is not None and award.claimed_by_id == user.pk
    if award.claimed_at is not None and not mine:
        return _closed(request, "collected", 409, code)
    if award.revoked_at is not None:
        return _closed(request, "withdrawn", 410, code)
    return award


def _collect(request: HttpRequest, code: str) -> HttpResponse:
    """The one-click "Add to my badges" of a signed-in person."""
    try:
        result = claims.claim_award(user=current_user(request), code=code)
    except claims.AlreadyCollected:
        return _closed(request, "collected", 409, code)
    except claims.AwardWithdrawn:
        return _closed(request, "withdrawn", 410, code)
    request.session.pop(PENDING_CODE, None)
    messages.success(
        request,
        _("The badge “%(name)s” is in your backpack.") % {"name": result.item.name},
    )
    return redirect("backpack:item", result.item.uuid)


@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest, code: str) -> HttpResponse:
    """The badge behind a code, and every way to keep it (``keeping``): into a backpack (one
    click when signed in; else sign up or sign in first, the code kept in the ``next`` address
    and in the session), or without an account (its picture, a certificate, its address)."""
    found = _claimable(request, code)
    if isinstance(found, HttpResponse):
        return found
    award = found
    code = award.claim_code or code
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST":
        if user is None:
            return redirect_to_login(request.get_full_path())
        return _collect(request, code)
    if user is not None and award.claimed_by_id == user.pk:
        identity = credential_identity(
            credentials.award_url(award), signing.issuer_url(award.issuer)
        )
        item = Item.objects.filter(owner=user, identity=identity).first()
        if item is not None:
            return redirect("backpack:item", item.uuid)
    if user is None:
        request.session[PENDING_CODE] = code
    response = render(
        request,
        "backpack/claim.html",
        {
            "award": award,
            "badge": award.badge,
            "issuer": award.issuer,
            "text": badge_text(award.badge),
            "code": code,
            "expired": keeping.expired(award),
            "sent_to": keeping.masked_recipient(award),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def certificate_language(request: HttpRequest) -> str:
    """``?lang=fr`` or ``?lang=en``, else the page's language."""
    language = request.GET.get("lang") or translation.get_language() or settings.LANGUAGE_CODE
    return "en" if language.startswith("en") else "fr"


def pdf_download(pdf: bytes, *, name: str, language: str) -> HttpResponse:
    label = "certificat" if language == "fr" else "certificate"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{label}-{slugify(name)[:60]}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def claim_certificate(request: HttpRequest, code: str) -> HttpResponse:
    """The PDF certificate of the badge behind a code, for a person who keeps it without an
    account: in the name the issuer gave, with a QR code to the badge's public page. Given
    on the same terms as the claim page."""
    found = _claimable(request, code)
    if isinstance(found, HttpResponse):
        return found
    award = found
    language = certificate_language(request)
    pdf = sharing.award_certificate_pdf(award, language)
    response = pdf_download(pdf, name=award.badge.name, language=language)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_badge(request: HttpRequest) -> HttpResponse:
    bound = request.method == "POST"
    form = ImportForm(request.POST if bound else None, request.FILES if bound else None)
    context: dict[str, object] = {"form": form}
    if not bound:
        return render(request, "backpack/import.html", context)
    if not ratelimit_consume(request, action="backpack_fetch"):
        form.add_error(None, too_many())
        return render(request, "backpack/import.html", context, status=429)
    if not form.is_valid():
        return render(request, "backpack/import.html", context, status=400)
    data = form.cleaned_data
    try:
        item = imports.import_badge(
            user=current_user(request),
            content=data.get("content"),
            file_name=data.get("file_name", ""),
            text=data.get("text", ""),
        )
    except imports.AlreadyInBackpack as exc:
        context.update(existing=exc.item, problem=str(exc))
        return render(request, "backpack/import.html", context, status=409)
    except imports.ImportRefused as exc:
        context["problem"] = str(exc)
        if exc.report:
            context["verdict"] = checking.report_context(exc.report)
        return render(request, "backpack/import.html", context, status=400)
    messages.success(request, _("The badge “%(name)s” is in your backpack.") % {"name": item.name})
    if not item.is_owners:
        messages.warning(
            request,
            _(
                "None of your verified addresses or phone numbers appears in it: it is kept "
                "marked “issued to someone else”, and cannot be made public or printed in your "
                "name."
            ),
        )
    return redirect("backpack:item", item.uuid)


@login_required
@require_http_methods(["GET"])
def identities(request: HttpRequest) -> HttpResponse:
    from allauth.account.models import EmailAddress

    from blason.accounts.services import can_remove_phone

    user = current_user(request)
    return render(
        request,
        "backpack/identities.html",
        {
            "emails": EmailAddress.objects.filter(user=user).order_by("-primary", "email"),
            "phone": user.phone if user.phone_verified else "",
            "phone_removable": bool(user.phone_verified) and can_remove_phone(user),
            "sms_on": sms.enabled(),
        },
    )


@login_required
@require_http_methods(["GET"])
def questions(request: HttpRequest) -> HttpResponse:
    """The page "Is this badge yours?": badges awarded to the person's verified address or
    number under another name, one yes or no each."""
    return render(
        request,
        "backpack/questions.html",
        {"questions": list(selectors.open_questions(current_user(request)))},
    )


@login_required
@require_POST
def question_answer(request: HttpRequest, question_uuid: str) -> HttpResponse:
    user = current_user(request)
    question = selectors.question_for(user, question_uuid)
    answer = request.POST.get("answer", "")
    if answer not in ("yes", "no"):
        messages.error(request, _("Answer yes or no."))
        return redirect("backpack:questions")
    try:
        item = claims.question_answer(user=user, question=question, mine=answer == "yes")
    except claims.QuestionClosed as exc:
        messages.error(request, str(exc))
        return redirect("backpack:questions")
    if item is not None:
        messages.success(
            request, _("The badge “%(name)s” is in your backpack.") % {"name": item.name}
        )
    else:
        messages.success(
            request,
            _("Understood: this badge will not be offered to you again."),
        )
    if selectors.open_questions(user).exists():
        return redirect("backpack:questions")
    return redirect("backpack:list")
