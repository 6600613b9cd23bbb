"""The pages of the children's accounts feature.

- ``held``: the waiting page of a held account (reached from sign-up or sign-in, through the
  session: ``session.remember_held``);
- ``consent``: the parent's consent link — what they agree to, agree or refuse;
- ``start``, ``open_link``, ``children``, ``child_delete``: the parent's area, without an
  account: ask for a one-time link, open it, see the children's accounts, delete one.
"""

from __future__ import annotations

import uuid

from allauth.core.ratelimit import consume as ratelimit_consume
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blason.accounts.services import AccountError
from blason.guardians import age, notify, selectors, services, session
from blason.guardians.forms import (
    AccessRequestForm,
    ConsentForm,
    DeleteChildForm,
    ParentContactForm,
)
from blason.guardians.links import LinkError, LinkUsed
from blason.guardians.models import Guardianship, identity

# Where ``backpack.views.claim`` keeps the code someone was collecting when they went to
# create an account (a test checks the two names agree).
CLAIM_CODE_SESSION_KEY = "backpack_claim_code"


def _too_many() -> str:
    return _("Too many requests. Please wait a few minutes and try again.")


def _link_error(request: HttpRequest, error: LinkError, *, kind: str) -> HttpResponse:
    return render(
        request,
        "guardians/link_invalid.html",
        {"reason": error.reason, "kind": kind, "days": settings.GUARDIAN_CONSENT_DAYS},
        status=error.status,
    )


@require_http_methods(["GET", "POST"])
def held(request: HttpRequest) -> HttpResponse:
    """A held account's page: why it waits, the parent's address, the badge meanwhile."""
    child_uuid = session.held_child(request)
    guardianship = selectors.held(child_uuid) if child_uuid else None
    if guardianship is None:  # nothing waits in this browser (any more)
        session.forget_held(request)
        if request.user.is_authenticated:
            return redirect("core:home")
        return redirect_to_login(request.get_full_path())
    form = ParentContactForm(
        request.POST or None, initial={"contact": guardianship.contact or None}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            if not ratelimit_consume(
                request, action="guardian_message", key=str(guardianship.uuid)
            ):
                form.add_error(None, _too_many())
                status = 429
            else:
                channel, contact = form.cleaned_data["contact"]
                try:
                    services.consent_request(
                        guardianship=guardianship, channel=channel, contact=contact
                    )
                except services.GuardianError as exc:
                    form.add_error("contact", str(exc))
                else:  # the page now says where the link went
                    return redirect("guardians:held")
    code = request.session.get(CLAIM_CODE_SESSION_KEY)
    return render(
        request,
        "guardians/held.html",
        {
            "guardianship": guardianship,
            "form": form,
            "age": age.consent_age(),
            "sms": notify.sms_available(),
            "waits_until": notify.waits_until(guardianship),
            "claim_url": reverse("backpack:claim", args=[code]) if code else "",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, token: str) -> HttpResponse:
    """The parent's page: what the account is and holds, agree or refuse."""
    try:
        guardianship = services.for_consent_link(token)
    except LinkError as exc:
        return _link_error(request, exc, kind="consent")
    form = ConsentForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return _consent_page(request, guardianship, status=400)
        try:
            if form.cleaned_data["decision"] == "agree":
                services.consent_give(guardianship=guardianship)
            else:
                services.consent_refuse(guardianship=guardianship)
                return render(request, "guardians/refused.html")
        except services.GuardianError:  # answered in another tab meanwhile
            return _link_error(request, LinkUsed(), kind="consent")
        session.grant(request, [guardianship.uuid])
        messages.success(request, _("Thank you: the account is open."))
        return redirect("guardians:children")
    return _consent_page(request, guardianship)


def _consent_page(
    request: HttpRequest, guardianship: Guardianship, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "guardians/consent.html",
        {
            "guardianship": guardianship,
            "child": guardianship.child,
            "identity": identity(guardianship.child),
            "age": age.consent_age(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """The parent's area: ask for a link to the children's accounts."""
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "guardians/start.html", {"form": form}, status=400)
        channel, contact = form.cleaned_data["contact"]
        if not ratelimit_consume(request, action="guardian_link", key=contact):
            form.add_error(None, _too_many())
            return render(request, "guardians/start.html", {"form": form}, status=429)
        services.access_link_send(channel=channel, contact=contact)
        return render(
            request,
            "guardians/link_sent.html",
            {"contact": contact, "minutes": settings.SESAME_MAX_AGE // 60},
        )
    return render(
        request,
        "guardians/start.html",
        {"form": form, "has_access": bool(session.granted(request))},
    )


@require_http_methods(["GET", "POST"])
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """Ask for a click before using the link: mail scanners that follow links do not POST."""
    try:
        found = services.for_access_link(token)
    except LinkError as exc:
        return _link_error(request, exc, kind="access")
    if request.method == "POST":
        try:
            opened = services.access_open(token)
        except LinkError as exc:
            return _link_error(request, exc, kind="access")
        session.grant(request, [guardianship.uuid for guardianship in opened])
        return redirect("guardians:children")
    return render(request, "guardians/open.html", {"count": len(found)})


@require_http_methods(["GET"])
def children(request: HttpRequest) -> HttpResponse:
    """The children's accounts this browser was given access to."""
    accounts = selectors.children(session.granted(request))
    if not accounts:
        messages.info(request, _("To see your child's account, ask for a new link."))
        return redirect("guardians:start")
    return render(
        request,
        "guardians/children.html",
        {"accounts": accounts, "age": age.consent_age()},
    )


@require_http_methods(["GET", "POST"])
def child_delete(request: HttpRequest, guardianship_uuid: uuid.UUID) -> HttpResponse:
    account = selectors.child(session.granted(request), guardianship_uuid)
    if account is None:
        raise Http404
    form = DeleteChildForm(request.POST or None)
    blocking: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.child_delete(guardianship=account.guardianship)
        except AccountError as exc:
            blocking = [str(exc)]
        else:
            session.revoke(request, guardianship_uuid)
            return render(request, "guardians/deleted.html")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "guardians/child_delete.html",
        {"account": account, "form": form, "blocking": blocking},
        status=status,
    )
