"""Joining a community by link or QR code.

Facilitators make (and switch off) the space's join link and show its QR code to the room;
anyone who opens it joins the space as a member, after signing in or creating an account
(allauth brings them back to the link with ``next``), or at once with a name and a mobile number
or an e-mail address, confirmed later (``_join_newcomer``).
"""

from __future__ import annotations

import contextlib

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blason.core.access import current_user
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer, Membership
from blason.core.site import absolute_url
from blason.peers import selectors, services
from blason.peers.access import group_space
from blason.peers.forms import JoinForm
from blason.peers.models import JoinLink, Workshop, WorkshopStatus


def join_url(link: JoinLink) -> str:
    """The full address to share (``SITE_URL``, never the request's host)."""
    return absolute_url("peers:join", link.token)


def join_qr(link: JoinLink, label: str) -> SafeString:
    """The join address as an inline SVG QR code named ``label`` for screen readers."""
    svg = segno.make(join_url(link), error="m").svg_inline(
        scale=8, dark="#000000", light="#ffffff", svgclass="join-qr"
    )
    named = f'<svg role="img" aria-label="{escape(label)}" '
    return mark_safe(svg.replace("<svg ", named, 1))  # noqa: S308 - segno's SVG, label escaped


@login_required
@require_GET
def join_link(request: HttpRequest, slug: str) -> HttpResponse:
    access = group_space(request, slug, facilitator=True)
    link = selectors.active_join_link(access.issuer)
    context = {
        "access": access,
        "issuer": access.issuer,
        "link": link,
        "url": join_url(link) if link else "",
        "qr": join_qr(link, _("QR code to join %(name)s") % {"name": access.issuer.name})
        if link
        else "",
        "projector": request.GET.get("projector") == "1",
    }
    return render(request, "peers/join_link.html", context)


@login_required
@require_POST
def join_link_new(request: HttpRequest, slug: str) -> HttpResponse:
    access = group_space(request, slug, facilitator=True)
    had_one = selectors.active_join_link(access.issuer) is not None
    services.join_link_create(issuer=access.issuer, actor=current_user(request))
    if had_one:
        messages.success(request, _("A new link is ready. The old link no longer works."))
    else:
        messages.success(request, _("The join link is ready: show the QR code to the group."))
    return redirect("peers:join_link", slug)


@login_required
@require_POST
def join_link_off(request: HttpRequest, slug: str) -> HttpResponse:
    access = group_space(request, slug, facilitator=True)
    link = selectors.active_join_link(access.issuer)
    if link is None:
        messages.error(request, _("There is no join link to switch off."))
        return redirect("peers:join_link", slug)
    services.join_link_revoke(link=link, actor=current_user(request))
    messages.success(request, _("The join link is switched off: nobody can join with it now."))
    return redirect("peers:join_link", slug)


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """The page the link and QR code open: what this group is, and a button to join it."""
    link = JoinLink.objects.select_related("issuer").filter(token=token).first()
    if link is None:
        raise Http404
    issuer = link.issuer
    if link.revoked_at is not None:
        return render(request, "peers/join_closed.html", {"issuer": issuer}, status=410)
    member = (
        request.user.is_authenticated
        and Membership.objects.filter(issuer=issuer, user=request.user).exists()
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            if "contact" not in request.POST or not settings.SIGNUP_OPEN:
                return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
            return _join_newcomer(request, link)
        try:
            _membership, new = services.join_by_link(link=link, user=current_user(request))
        except ActionRefused as exc:
            messages.error(request, str(exc))
            return render(request, "peers/join_closed.html", {"issuer": issuer}, status=410)
        if new:
            messages.success(request, _("Welcome to %(name)s!") % {"name": issuer.name})
        else:
            messages.info(
                request, _("You are already a member of %(name)s.") % {"name": issuer.name}
            )
        return _to_group(issuer)
    return _join_page(request, link, member=member, form=JoinForm())


def _to_group(issuer: Issuer) -> HttpResponse:
    running = list(Workshop.objects.filter(issuer=issuer, status=WorkshopStatus.OPEN)[:2])
    if len(running) == 1:  # the group is in a workshop right now: straight to it
        return redirect("peers:workshop", issuer.slug, running[0].uuid)
    return redirect("peers:workshops", issuer.slug)


def _join_page(
    request: HttpRequest, link: JoinLink, *, member: bool, form: JoinForm, status: int = 200
) -> HttpResponse:
    context = {
        "issuer": link.issuer,
        "link": link,
        "member": member,
        "form": form,
        "next": urlencode({"next": request.path}),
    }
    return render(request, "peers/join.html", context, status=status)


def _join_newcomer(request: HttpRequest, link: JoinLink) -> HttpResponse:
    """Someone without an account joins from the link with a name and an e-mail address or a
    mobile number. allauth makes the account (its adapter's ``save_user``, the address or number
    not verified) and sends its usual confirmation (a link by e-mail, a code by SMS), to be
    done later; the person is a member and signed in at once. A child under the age of digital
    consent is held (``guardians``) instead: allauth's sign-up flow goes on to the waiting page
    and nothing is joined. All writes happen in one transaction."""
    from allauth.account import app_settings as allauth_settings
    from allauth.account import signals as allauth_signals
    from allauth.account.adapter import get_adapter
    from allauth.account.internal.flows.email_verification import (
        send_verification_email_to_address,
    )
    from allauth.account.internal.flows.phone_verification import (
        ChangePhoneVerificationProcess,
    )
    from allauth.account.models import EmailAddress
    from allauth.account.utils import complete_signup, setup_user_email
    from allauth.core import ratelimit
    from allauth.core.exceptions import RateLimited
    from django.db import IntegrityError, transaction
    from django.utils import translation

    from blason.guardians.services import account_hold

    if not ratelimit.consume(request, action="signup"):
        response: HttpResponse = ratelimit.respond_429(request)
        return response
    form = JoinForm(request.POST)
    if not form.is_valid():
        return _join_page(request, link, member=False, form=form, status=400)
    adapter = get_adapter(request)
    issuer = link.issuer
    try:
        with transaction.atomic():
            user = adapter.new_user(request)
            adapter.save_user(request, user, form)
            user.display_name = form.cleaned_data["display_name"]
            user.language = translation.get_language() or settings.LANGUAGE_CODE
            user.save(update_fields=["display_name", "language"])
            setup_user_email(request, user, [])
            held = account_hold(user=user, birth_year=form.cleaned_data["birth_year"])
            if held is None:
                services.join_by_link(link=link, user=user)
            allauth_signals.user_signed_up.send(sender=user.__class__, request=request, user=user)
    except ActionRefused as exc:
        messages.error(request, str(exc))
        return render(request, "peers/join_closed.html", {"issuer": issuer}, status=410)
    except IntegrityError:
        # The same address joined at the same instant from another request, whose account
        # was written first: the form says so, as it would have a moment later.
        form = JoinForm(request.POST)
        if form.is_valid():
            raise
        return _join_page(request, link, member=False, form=form, status=400)
    if held is not None:
        # The guardians' way, as after sign-up: the address or number checked, then the
        # waiting page; the child joins the group once a parent agreed.
        signup_response: HttpResponse = complete_signup(
            request,
            user,
            allauth_settings.EMAIL_VERIFICATION,
            request.path,
        )
        return signup_response
    adapter.login(request, user)
    if form.cleaned_data["email"]:
        address = EmailAddress.objects.filter(user=user, email=form.cleaned_data["email"]).first()
        if address is not None:
            send_verification_email_to_address(request, address, signup=True)
    else:
        # allauth's phone verification, as when someone changes their number: the code is
        # typed on its page (``account_verify_phone``), now or later.
        process = ChangePhoneVerificationProcess(
            request,
            state=ChangePhoneVerificationProcess.initial_state(
                user=user, phone=form.cleaned_data["phone"]
            ),
        )
        # Too many codes to this number just now: no code, the reminder stays (it sends again).
        with contextlib.suppress(RateLimited):
            process.send()
    messages.success(request, _("Welcome to %(name)s!") % {"name": issuer.name})
    return _to_group(issuer)
