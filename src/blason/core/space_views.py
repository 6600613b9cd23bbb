"""Creating spaces (issuers), editing them, and managing their members and invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from blason.core import selectors, services
from blason.core.access import IssuerAccess, current_user, issuer_for_member
from blason.core.exceptions import ActionRefused
from blason.core.forms import InvitationForm, IssuerCreateForm, IssuerSettingsForm, RoleForm
from blason.core.models import Invitation, Issuer, Membership, Role
from blason.core.quotas import QuotaExceeded


@login_required
@require_http_methods(["GET", "POST"])
def space_create(request: HttpRequest) -> HttpResponse:
    form = IssuerCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        issuer = services.issuer_create(owner=current_user(request), **form.cleaned_data)
        messages.success(request, _("Your space is ready."))
        return redirect("issuing:space", issuer.slug)
    return render(request, "core/space_create.html", {"form": form})


@login_required
@require_POST
def personal_space(request: HttpRequest) -> HttpResponse:
    issuer = services.personal_issuer_for(current_user(request))
    return redirect("issuing:space", issuer.slug)


@login_required
@require_http_methods(["GET", "POST"])
def space_settings(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.OWNER)
    form = IssuerSettingsForm(request.POST or None, initial=_initial(access.issuer))
    if request.method == "POST" and form.is_valid():
        services.issuer_update(issuer=access.issuer, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The profile is saved."))
        return redirect("issuing:space", access.issuer.slug)
    return render(
        request,
        "core/space_settings.html",
        {"access": access, "issuer": access.issuer, "form": form},
    )


def _initial(issuer: Issuer) -> dict[str, object]:
    fields = [*IssuerSettingsForm.Meta.fields, *IssuerSettingsForm.ADDRESS]
    return {field: getattr(issuer, field) for field in fields}


@login_required
@require_POST
def member_invite(request: HttpRequest, slug: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.OWNER)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_send(
                issuer=access.issuer,
                actor=request.user,
                language=get_language(),
                **form.cleaned_data,
            )
        except QuotaExceeded as exc:
            form.add_error(None, str(exc))
            return _members_page(request, access, invite_form=form, status=429)
        except ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
        return redirect("core:issuer_members", slug)
    return _members_page(request, access, invite_form=form, status=400)


def _members_page(
    request: HttpRequest,
    access: IssuerAccess,
    *,
    invite_form: InvitationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    issuer = access.issuer
    can_manage = access.can(Role.OWNER)
    context = {
        "access": access,
        "issuer": issuer,
        "members": selectors.members_of(issuer),
        "can_manage": can_manage,
        "roles": Role.choices,
        "invitations": selectors.open_invitations_of(issuer) if can_manage else [],
        "invite_form": invite_form or InvitationForm(),
    }
    return render(request, "core/issuer_members.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    return _members_page(request, issuer_for_member(request, slug))


def _membership(access: IssuerAccess, user_uuid: str) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "issuer"),
        issuer=access.issuer,
        user__uuid=user_uuid,
    )


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, user_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.OWNER)
    membership = _membership(access, user_uuid)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
        return redirect("core:issuer_members", slug)
    try:
        services.membership_change_role(
            membership=membership, role=form.cleaned_data["role"], actor=request.user
        )
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The role is changed."))
    return redirect("core:issuer_members", slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, user_uuid: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.OWNER)
    membership = _membership(access, user_uuid)
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.user})
    return redirect("core:issuer_members", slug)


@login_required
@require_POST
def invitation_cancel(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    access = issuer_for_member(request, slug, minimum=Role.OWNER)
    invitation = get_object_or_404(
        Invitation, issuer=access.issuer, token=token, accepted_at__isnull=True
    )
    services.invitation_cancel(invitation=invitation, actor=request.user)
    messages.success(request, _("The invitation is cancelled."))
    return redirect("core:issuer_members", slug)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation e-mail links to: join the space (after signing in if needed)."""
    invitation = Invitation.objects.select_related("issuer", "invited_by").filter(token=token)
    found = invitation.first()
    if found is None:
        raise Http404
    if not found.is_open:
        return render(request, "core/invitation_closed.html", {"invitation": found}, status=410)
    if request.user.is_authenticated and not selectors.may_accept_invitation(found, request.user):
        # Bound to the address it was sent to: say so, and how to proceed (status 403 also on
        # GET, so that nothing reads this page as the way in).
        return _invitation_for_another_address(request, found)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.invitation_accept(invitation=found, user=current_user(request))
        except services.InvitationForAnotherAddress:
            return _invitation_for_another_address(request, found)
        except ActionRefused as exc:
            messages.error(request, str(exc))
            return redirect("core:dashboard")
        messages.success(request, _("Welcome to %(name)s!") % {"name": found.issuer.name})
        return redirect("issuing:space", found.issuer.slug)
    return render(request, "core/invitation.html", {"invitation": found})


def _invitation_for_another_address(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    from allauth.account.models import EmailAddress

    unverified = EmailAddress.objects.filter(
        user=request.user, email__iexact=invitation.email, verified=False
    ).exists()
    return render(
        request,
        "core/invitation_other_address.html",
        {"invitation": invitation, "unverified": unverified},
        status=403,
    )
