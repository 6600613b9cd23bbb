"""The public side of claim links: the page behind the poster's QR code (``/c/<token>``), where
anyone claims the badge without an account, and the page where each person follows their claim.

These pages are made for a phone in a crowded room: one column, large fields and buttons, plain
words. The claims a browser made are remembered in its session, so that a second tap or a
reload shows the same claim again instead of making another.
"""

from __future__ import annotations

from typing import Any

from allauth.core.ratelimit import consume as ratelimit_consume
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from blason.core.exceptions import ActionRefused
from blason.issuing.badges import content
from blason.issuing.claims import selectors as claim_selectors
from blason.issuing.claims import services as claims
from blason.issuing.claims.forms import ClaimForm
from blason.issuing.claims.models import Claim, ClaimLink
from blason.issuing.claims.selectors import LinkState

SESSION_KEY = "issuing_claims"
REMEMBERED = 50  # claims a browser remembers (a phone passed around a family, a kiosk)
# The HTTP status of the claim page in each state: 403 not yet (it will open), 409 full (a
# refused claim or a higher maximum can free a place), 410 gone for good.
STATE_STATUS = {
    LinkState.OPEN: 200,
    LinkState.NOT_YET_OPEN: 403,
    LinkState.FULL: 409,
    LinkState.CLOSED: 410,
    LinkState.INACTIVE: 410,
    LinkState.UNAVAILABLE: 410,
}


def too_many() -> str:
    return _("Too many requests. Please wait a few minutes and try again.")


def _remembered(request: HttpRequest) -> list[str]:
    value = request.session.get(SESSION_KEY, [])
    return [str(item) for item in value] if isinstance(value, list) else []


def _remember(request: HttpRequest, claim: Claim) -> None:
    known = [item for item in _remembered(request) if item != str(claim.uuid)]
    request.session[SESSION_KEY] = [str(claim.uuid), *known][:REMEMBERED]


def _link(request: HttpRequest, token: str) -> ClaimLink | HttpResponse:
    """The link, or the "unknown link" page (a typo in the address typed from the poster).
    Tokens are printed on public posters: they are not secrets, and 49 random bits leave
    nothing to find by trying addresses."""
    link = (
        ClaimLink.objects.select_related("badge", "issuer")
        .filter(token=claim_selectors.normalise_token(token))
        .first()
    )
    if link is None:
        return _message(
            request,
            None,
            _("This link does not exist. Check the address written on the poster."),
            404,
        )
    return link


def _message(
    request: HttpRequest, link: ClaimLink | None, message: str, status: int, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "issuing/claim_closed.html",
        {"link": link, "message": message, **_page_context(link), **extra},
        status=status,
    )


def _page_context(link: ClaimLink | None) -> dict[str, Any]:
    if link is None:
        return {}
    return {
        "badge": link.badge,
        "issuer": link.issuer,
        "text": content.badge_text(link.badge),
        "window": claim_selectors.window_text(link),
    }


def _mine_on(request: HttpRequest, link: ClaimLink) -> Claim | None:
    """The last claim this browser made through ``link``."""
    known = _remembered(request)
    if not known:
        return None
    return Claim.objects.filter(link=link, uuid__in=known).order_by("-created_at").first()


def _form_page(
    request: HttpRequest, link: ClaimLink, form: ClaimForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "issuing/claim_page.html",
        {"link": link, "form": form, "previous": _mine_on(request, link), **_page_context(link)},
        status=status,
    )


def _initial(request: HttpRequest) -> dict[str, str]:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"name": getattr(user, "display_name", "") or "", "email": getattr(user, "email", "")}


@never_cache
@require_http_methods(["GET", "POST"])
def claim_page(request: HttpRequest, token: str) -> HttpResponse:
    found = _link(request, token)
    if isinstance(found, HttpResponse):
        return found
    link = found
    if request.method == "GET":
        state = claim_selectors.link_state(link, taken=claim_selectors.taken_for_state(link))
        if state != LinkState.OPEN:
            return _message(
                request,
                link,
                claim_selectors.state_message(link, state),
                STATE_STATUS[state],
                previous=_mine_on(request, link),
            )
        return _form_page(request, link, ClaimForm(token=link.token, initial=_initial(request)))
    form = ClaimForm(request.POST, token=link.token)
    if not ratelimit_consume(request, action="claim_link"):
        form.add_error(None, too_many())
        return _form_page(request, link, form, status=429)
    if form.is_robot():
        form.add_error(None, _("Your request could not be sent. Please try again."))
        return _form_page(request, link, form, status=400)
    if form.too_fast_or_stale():
        form.fresh_stamp()
        form.add_error(None, _("Please check your details, then press the button again."))
        return _form_page(request, link, form, status=400)
    if not form.is_valid():
        return _form_page(request, link, form, status=400)
    data = form.cleaned_data
    try:
        result = claims.claim_make(
            link=link,
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            language=content.short_language(get_language()),
            user=request.user,
            known=_remembered(request),
        )
    except claims.ClaimRefused as exc:
        return _message(request, link, str(exc), STATE_STATUS[exc.state])
    except ActionRefused as exc:
        form.add_error(None, str(exc))
        return _form_page(request, link, form, status=400)
    if result.mine:
        _remember(request, result.claim)
        return redirect("issuing:claim_status", link.token, result.claim.uuid)
    return render(
        request,
        "issuing/claim_already.html",
        {"link": link, "claim": result.claim, "result": result, **_page_context(link)},
    )


@never_cache
@require_GET
def claim_status(request: HttpRequest, token: str, claim_uuid: str) -> HttpResponse:
    """A person's claim: waiting, refused (and why), or awarded with its claim code. The
    address is the secret: it is shown once, e-mailed, and meant to be bookmarked."""
    claim = get_object_or_404(
        Claim.objects.select_related("link__badge", "link__issuer", "award"),
        uuid=claim_uuid,
        link__token=claim_selectors.normalise_token(token),
    )
    _remember(request, claim)
    link = claim.link
    response = render(
        request,
        "issuing/claim_status.html",
        {"link": link, "claim": claim, "award": claim.award, **_page_context(link)},
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
