"""Joining a community by link or QR code.

Facilitators make (and switch off) the space's join link and show its QR code to the room;
anyone who opens it joins the space as a member, after signing in or creating an account
(allauth brings them back to the link with ``next``).
"""

from __future__ import annotations

import segno
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
from blason.core.models import Membership
from blason.core.site import absolute_url
from blason.peers import selectors, services
from blason.peers.access import group_space
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
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
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
        running = list(Workshop.objects.filter(issuer=issuer, status=WorkshopStatus.OPEN)[:2])
        if len(running) == 1:  # the group is in a workshop right now: straight to it
            return redirect("peers:workshop", issuer.slug, running[0].uuid)
        return redirect("peers:workshops", issuer.slug)
    return render(
        request,
        "peers/join.html",
        {
            "issuer": issuer,
            "link": link,
            "member": member,
            "next": urlencode({"next": request.path}),
        },
    )
