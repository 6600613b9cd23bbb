"""Network pages: the coordinators' (members, invitations), the member issuers' (accept,
decline, leave), the public page and the signed documents at their stable addresses."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blason.core.access import IssuerAccess, current_user, issuer_for_member
from blason.core.exceptions import ActionRefused
from blason.core.models import Role
from blason.networks import lists, selectors, services, sharing
from blason.networks.forms import CommentForm, InviteForm, NetworkAreaForm, NetworkCreateForm
from blason.networks.models import Network, NetworkMember, RecognitionList, SharedBadge

JSON_LD = "application/ld+json"


def _network(request: HttpRequest, slug: str, minimum: str) -> tuple[IssuerAccess, Network]:
    """The network ``slug`` for one of its coordinators (404 when the space is no network)."""
    access = issuer_for_member(request, slug, minimum=minimum)
    network = selectors.network_of(access.issuer)
    if network is None:
        raise Http404
    return access, network


def _tell_errors(request: HttpRequest, form: Form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


@login_required
@require_http_methods(["GET", "POST"])
def network_create(request: HttpRequest) -> HttpResponse:
    form = NetworkCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        network = services.network_create(owner=current_user(request), **form.cleaned_data)
        messages.success(request, _("The network is ready: invite its first members."))
        return redirect("networks:coordinate", network.issuer.slug)
    return render(request, "networks/network_create.html", {"form": form})


@login_required
@require_GET
def coordinate(request: HttpRequest, slug: str) -> HttpResponse:
    access, network = _network(request, slug, Role.VIEWER)
    current = selectors.current_list(network)
    context = {
        "access": access,
        "issuer": access.issuer,
        "network": network,
        "members": selectors.members_of(network),
        "can_manage": access.can(Role.EDITOR),
        "invite_form": InviteForm(),
        "area_form": NetworkAreaForm(
            initial={
                "charter_url": network.charter_url,
                "region_code": network.region_code,
                "departements": " ".join(network.departements),
            }
        ),
        "current": current,
        "list_url": lists.list_url(network),
        "registry_url": lists.registry_url(network),
        "shared_badges": selectors.shared_badges_of(network),
        "shareable": selectors.shareable_badges(network),
        "adoptable": selectors.adoptable_badges(network),
    }
    return render(request, "networks/coordinate.html", context)


@login_required
@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    _access, network = _network(request, slug, Role.EDITOR)
    form = InviteForm(request.POST)
    if not form.is_valid():
        _tell_errors(request, form)
        return redirect("networks:coordinate", slug)
    try:
        member = services.member_invite(
            network=network,
            issuer=form.cleaned_data["issuer"],
            actor=current_user(request),
            message=form.cleaned_data["message"],
        )
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("%(name)s is invited. Its owners answer on their space's page.")
            % {"name": member.issuer.name},
        )
    return redirect("networks:coordinate", slug)


@login_required
@require_POST
def area(request: HttpRequest, slug: str) -> HttpResponse:
    _access, network = _network(request, slug, Role.EDITOR)
    form = NetworkAreaForm(request.POST)
    if form.is_valid():
        services.network_update(network=network, actor=current_user(request), **form.cleaned_data)
        messages.success(request, _("The network's area is saved."))
    else:
        _tell_errors(request, form)
    return redirect("networks:coordinate", slug)


@login_required
@require_POST
def remove(request: HttpRequest, slug: str, member_uuid: str) -> HttpResponse:
    _access, network = _network(request, slug, Role.EDITOR)
    member = get_object_or_404(NetworkMember, uuid=member_uuid, network=network)
    _act(
        request,
        lambda: services.member_remove(member=member, actor=current_user(request)),
        _("%(name)s is no longer in the network.") % {"name": member.issuer.name},
    )
    return redirect("networks:coordinate", slug)


@login_required
@require_POST
def share(request: HttpRequest, slug: str) -> HttpResponse:
    """Share one of the network's badges with its members, or adopt a member's design."""
    _access, network = _network(request, slug, Role.EDITOR)
    adopt = request.POST.get("adopt") == "1"
    wanted = request.POST.get("badge", "")
    badges = selectors.adoptable_badges(network) if adopt else selectors.shareable_badges(network)
    badge = next((item for item in badges if str(item.uuid) == wanted), None)
    if badge is None:
        messages.error(request, _("Choose a badge from the list."))
        return redirect("networks:coordinate", slug)
    try:
        if adopt:
            sharing.badge_adopt(network=network, badge=badge, actor=current_user(request))
        else:
            sharing.badge_share(network=network, badge=badge, actor=current_user(request))
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, _("“%(name)s” is shared: the members can award it.") % {"name": badge.name}
        )
    return redirect("networks:coordinate", slug)


# The member issuer's side --------------------------------------------------------------------


@login_required
@require_GET
def memberships(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.VIEWER)
    copies = selectors.copies_of(access.issuer)
    memberships = list(selectors.memberships_of(access.issuer))
    for membership in memberships:
        # Each shared badge of the network, with this space's copy when it took it up.
        membership.offered = [  # type: ignore[attr-defined]
            (shared, copies.get(shared.pk)) for shared in membership.network.shared_badges.all()
        ]
    context = {
        "access": access,
        "issuer": access.issuer,
        "memberships": memberships,
        "can_answer": access.can(Role.OWNER),
        "can_take_up": access.can(Role.EDITOR),
        "comment_form": CommentForm(),
    }
    return render(request, "networks/memberships.html", context)


def _act(request: HttpRequest, action: Callable[[], object], done: str) -> None:
    """Run a service; say its refusal, or ``done``."""
    try:
        action()
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)


def _answer(request: HttpRequest, slug: str, member_uuid: str) -> NetworkMember:
    access = issuer_for_member(request, slug, minimum=Role.OWNER)
    return get_object_or_404(NetworkMember, uuid=member_uuid, issuer=access.issuer)


@login_required
@require_POST
def accept(request: HttpRequest, slug: str, member_uuid: str) -> HttpResponse:
    member = _answer(request, slug, member_uuid)
    _act(
        request,
        lambda: services.invitation_accept(member=member, actor=current_user(request)),
        _("You are now a member of %(network)s.") % {"network": member.network.name},
    )
    return redirect("networks:memberships", slug)


@login_required
@require_POST
def decline(request: HttpRequest, slug: str, member_uuid: str) -> HttpResponse:
    member = _answer(request, slug, member_uuid)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    _act(
        request,
        lambda: services.invitation_decline(
            member=member, actor=current_user(request), comment=comment
        ),
        _("The invitation is declined."),
    )
    return redirect("networks:memberships", slug)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str, member_uuid: str) -> HttpResponse:
    member = _answer(request, slug, member_uuid)
    _act(
        request,
        lambda: services.member_leave(member=member, actor=current_user(request)),
        _("You have left %(network)s.") % {"network": member.network.name},
    )
    return redirect("networks:memberships", slug)


@login_required
@require_POST
def take_up(request: HttpRequest, slug: str, shared_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.EDITOR)
    shared = get_object_or_404(
        SharedBadge.objects.select_related("badge", "network"),
        uuid=shared_uuid,
        network__members__issuer=access.issuer,
    )
    try:
        copy = sharing.badge_take_up(
            shared=shared, issuer=access.issuer, actor=current_user(request)
        )
    except ActionRefused as refused:
        messages.error(request, str(refused))
        return redirect("networks:memberships", slug)
    messages.success(request, _("The badge is in your space: award it as any other."))
    return redirect("issuing:badge", slug, copy.badge.uuid)


# Public pages and documents ------------------------------------------------------------------


def _public_network(issuer_uuid: str) -> Network:
    return get_object_or_404(Network.objects.select_related("issuer"), issuer__uuid=issuer_uuid)


def _current(network: Network) -> RecognitionList:
    current = selectors.current_list(network)
    if current is None:
        raise Http404
    return current


def _document(body: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def public(request: HttpRequest, issuer_uuid: str) -> HttpResponse:
    network = _public_network(issuer_uuid)
    context = {
        "network": network,
        "issuer": network.issuer,
        "members": selectors.active_members_of(network).order_by("issuer__name"),
        "current": selectors.current_list(network),
        "list_url": lists.list_url(network),
        "registry_url": lists.registry_url(network),
    }
    return render(request, "networks/public.html", context)


@require_GET
def catalogue(request: HttpRequest, issuer_uuid: str) -> HttpResponse:
    """The network's shared badges, with the members that award each."""
    network = _public_network(issuer_uuid)
    context = {
        "network": network,
        "issuer": network.issuer,
        "shared_badges": selectors.shared_badges_of(network),
    }
    return render(request, "networks/catalogue.html", context)


@require_GET
def recognized_issuers(request: HttpRequest, issuer_uuid: str) -> HttpResponse:
    """The signed list, exactly as stored (a read: nothing is signed here)."""
    return _document(_current(_public_network(issuer_uuid)).credential, JSON_LD)


@require_GET
def registry(request: HttpRequest, issuer_uuid: str) -> HttpResponse:
    return _document(_current(_public_network(issuer_uuid)).registry, "application/json")
