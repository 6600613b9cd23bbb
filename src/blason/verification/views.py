"""Public verification ("Vérifier un badge"): anyone checks a badge, without an account."""

from __future__ import annotations

from typing import Any

from allauth.core.ratelimit import consume as ratelimit_consume
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blason.core import page_cache
from blason.core.clients import client_ip
from blason.verification import results
from blason.verification.fetching import site_fetcher
from blason.verification.forms import VerifyForm
from blason.verification.messages import check_text, state_summary
from blason.verification.trust import Line, recognitions
from obcore.report import Report, State

BUSY_RETRY_AFTER = 30  # seconds
# Verdicts on a badge read and authentic: the page then offers an empty form for the next one.
AUTHENTIC = frozenset(
    {State.VALID, State.EXPIRED, State.REVOKED, State.SUSPENDED, State.NOT_YET_VALID}
)
# Seconds the empty form's HTML (one per language) and the page without a result are kept.
PAGE_TIMEOUT = 3600
# Seconds the page answering an authentic badge is kept, under what it shows (see _verified).
ANSWER_TIMEOUT = 300


def busy_message() -> str:
    return _(
        "Many badges from other sites are being checked right now. Please try again in a minute."
    )


def _blank_form() -> SafeString:
    """The empty form's fields as HTML: the same for every visitor in a language, so made once
    (three widgets' templates cost more than the rest of the page)."""
    key = page_cache.cache_key("verify-form", page_cache.language())
    store = page_cache.cache()
    html: str | None = store.get(key)
    if html is None:
        html = render_to_string("includes/form_fields.html", {"form": VerifyForm()})
        store.set(key, html, PAGE_TIMEOUT)
    return mark_safe(html)  # noqa: S308 - rendered by the template above, escaped there


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if not page_cache.is_shared(request):
            return page_cache.private(_page(request, {}))
        return page_cache.shared_page(
            request,
            page_cache.cache_key("verify-page", request.get_full_path(), page_cache.language()),
            lambda extra: _page(request, extra),
            max_age=page_cache.PUBLIC_MAX_AGE,
            timeout=PAGE_TIMEOUT,
        )
    return _verified(request)


def _page(request: HttpRequest, extra: dict[str, object]) -> HttpResponse:
    context = {"form": VerifyForm(), "form_html": _blank_form(), **extra}
    return render(request, "verification/verify.html", context)


def _verified(request: HttpRequest) -> HttpResponse:
    """The answer to a badge sent: its verdict, above an empty form for the next badge when
    this one was read and authentic, else above the form as sent."""
    form = VerifyForm(request.POST, request.FILES)
    context: dict[str, object] = {"form": form}
    if not ratelimit_consume(request, action="verify"):
        form.add_error(None, _("Too many requests. Please wait a few minutes and try again."))
        return render(request, "verification/verify.html", context, status=429)
    if not form.is_valid():
        return render(request, "verification/verify.html", context, status=400)
    # This site's own documents (issuer profiles, keys, status lists) are read locally:
    # a badge awarded here verifies even where the server cannot reach its own address.
    # Other sites are fetched within this process's bounded slots (see fetching.py).
    fetcher = site_fetcher(client=client_ip(request))  # the visitor, behind a proxy too
    report = results.verify(
        form.cleaned_data["source"],
        fetcher=fetcher,
        recipient=form.cleaned_data.get("recipient") or None,
    )
    if fetcher.busy:
        form.add_error(None, busy_message())
        response = render(request, "verification/verify.html", context, status=503)
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
        return response
    headline, explanation = state_summary(report.state)
    authentic = report.state in AUTHENTIC
    if authentic:
        context["form_html"] = _blank_form()  # for the next badge; else as sent, to mend
    context.update(
        report=report,
        headline=headline,
        explanation=explanation,
        checks=[(c.outcome.value, check_text(c)) for c in report.checks],
        details=_details(report.credential or {}),
        # Beside the signature's result: what the lists of recognised issuers say.
        recognitions=recognitions(
            report.credential or {},
            fetcher,
            [item.credential for item in report.endorsements if item.valid],
        ),
    )
    if authentic and page_cache.is_shared(request):
        # The page then shows nothing but the verdict (worked out above, for this request) and
        # an empty form: made once per address (the language form returns to it), language
        # and verdict shown, keyed on every word of it.
        key = page_cache.cache_key(
            "verify-answer", request.get_full_path(), page_cache.language(), _shown(context)
        )
        return page_cache.shared_answer(
            request,
            key,
            lambda extra: render(request, "verification/verify.html", {**context, **extra}),
            timeout=ANSWER_TIMEOUT,
        )
    return render(request, "verification/verify.html", context)


def _shown(context: dict[str, Any]) -> tuple[object, ...]:
    """Everything of ``context`` the page with a verdict shows, as plain values."""
    report: Report = context["report"]
    lines: list[Line] = context["recognitions"]
    return (
        str(report.state),
        str(context["headline"]),
        str(context["explanation"]),
        tuple((str(outcome), str(text)) for outcome, text in context["checks"]),
        tuple(sorted(context["details"].items())),
        tuple(
            (
                line.kind,
                str(line.state),
                line.name,
                line.url,
                line.valid_until.isoformat() if line.valid_until else None,
            )
            for line in lines
        ),
        len(report.endorsements),
    )


def _details(credential: dict[str, object]) -> dict[str, str]:
    """Names to show, read leniently from an OB 3.0 credential or an OB 2.0 assertion."""

    def text(value: object) -> str:
        return value if isinstance(value, str) else ""

    issuer = credential.get("issuer")
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    if not isinstance(achievement, dict):
        achievement = {}
    criteria = achievement.get("criteria")
    return {
        "badge": text(achievement.get("name")) or text(credential.get("name")),
        "issuer": text(issuer.get("name")) if isinstance(issuer, dict) else text(issuer),
        "description": text(achievement.get("description")),
        "criteria": text(criteria.get("narrative")) if isinstance(criteria, dict) else "",
        "issued": text(credential.get("validFrom") or credential.get("issuedOn")),
    }
