from __future__ import annotations

import contextlib

from allauth.account.models import EmailAddress
from allauth.core.ratelimit import consume as ratelimit_consume
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language
from sesame.utils import get_user as sesame_get_user

from blason.accounts import services
from blason.accounts.forms import DeleteAccountForm, LoginLinkForm, ProfileForm
from blason.core import audit
from blason.core.access import current_user


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    initial = {"display_name": user.display_name, "language": user.language or get_language()}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(
            user=user,
            display_name=form.cleaned_data["display_name"],
            language=form.cleaned_data["language"],
        )
        messages.success(request, _("Your settings are saved."))
        response = redirect("accounts:settings")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            form.cleaned_data["language"],
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
        return response
    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    return render(
        request,
        "accounts/settings.html",
        {"form": form, "emails": emails},
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice on the person's account."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language:
        # Django's view below ignores unknown languages the same way.
        with contextlib.suppress(services.AccountError):
            services.user_set_language(user=current_user(request), language=language)
    return django_set_language(request)


@require_http_methods(["GET", "POST"])
def login_link_request(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    form = LoginLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if not ratelimit_consume(request, action="login_link", key=email):
            form.add_error(None, _("Too many requests. Please wait a few minutes and try again."))
            return render(request, "accounts/login_link_request.html", {"form": form}, status=429)
        services.login_link_send(email=email)
        return render(request, "accounts/login_link_sent.html", {"email": email})
    return render(request, "accounts/login_link_request.html", {"form": form})


@require_http_methods(["GET", "POST"])
def login_link_confirm(request: HttpRequest) -> HttpResponse:
    """Ask for a click before using the link: mail scanners that follow links do not POST."""
    token = request.GET.get("token", "")
    user = sesame_get_user(token, update_last_login=False) if token else None
    if user is None:
        return render(request, "accounts/login_link_invalid.html", status=400)
    if request.method == "POST":
        if request.user.is_authenticated and request.user != user:
            logout(request)
        login(request, user, backend="sesame.backends.ModelBackend")  # consumes the token
        audit.record(action="accounts.login_link.used", actor=user, target=user)
        messages.success(request, _("You are signed in."))
        return redirect("core:dashboard")
    return render(request, "accounts/login_link_confirm.html", {"link_user": user})


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    blocking = services.issuers_blocking_deletion(current_user(request))
    if request.method == "POST" and form.is_valid() and not blocking:
        user = current_user(request)
        logout(request)
        services.user_delete(user=user)
        messages.success(request, _("Your account has been deleted."))
        return redirect("core:home")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/delete.html",
        {"form": form, "blocking": blocking},
        status=status,
    )


@login_required
@require_POST
def phone_remove(request: HttpRequest) -> HttpResponse:
    """Take the phone number off the account (changing it is allauth's ``account_change_phone``,
    which verifies the new one by SMS first)."""
    user = current_user(request)
    phone = user.phone
    try:
        services.phone_remove(user=user)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        if phone:
            messages.success(
                request, _("The phone number %(phone)s was removed.") % {"phone": phone}
            )
    return redirect("backpack:identities")
