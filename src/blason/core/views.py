from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from blason.core import health, page_cache, selectors
from blason.core.access import issuer_for_member
from blason.core.models import Role

HOME_TIMEOUT = 3600  # seconds: the home page says what Blason is, the same for every visitor


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Visitors see what Blason is; a member of a space lands on their spaces, and anyone else
    signed in (an earner) on their badges."""
    if request.user.is_authenticated:
        if selectors.memberships_of(request.user).exists():
            return redirect("core:dashboard")
        return redirect("backpack:list")
    if not page_cache.is_shared(request):  # a flash message waits for this visitor
        return page_cache.private(render(request, "core/home.html"))
    return page_cache.shared_page(
        request,
        page_cache.cache_key("home", page_cache.language()),
        lambda extra: render(request, "core/home.html", extra),
        max_age=page_cache.PUBLIC_MAX_AGE,
        timeout=HOME_TIMEOUT,
    )


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = selectors.memberships_of(request.user)
    return render(request, "core/dashboard.html", {"memberships": memberships})


@login_required
@require_GET
def issuer_activity(request: HttpRequest, slug: str) -> HttpResponse:
    """The audit log of an issuer: owners only."""
    access = issuer_for_member(request, slug, minimum=Role.OWNER)
    page = Paginator(selectors.audit_of(access.issuer), 50).get_page(request.GET.get("page"))
    template = (
        "core/_activity_rows.html"
        if getattr(request, "htmx", False)
        else "core/issuer_activity.html"
    )
    return render(request, template, {"access": access, "issuer": access.issuer, "page": page})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Machine-readable status for operators and load balancers: 200 when healthy, else 503."""
    database = health.database_status()
    queue = health.queue_status() if database["ok"] else {"ok": False, "error": "no database"}
    work = health.work_status() if database["ok"] else {"ok": False, "error": "no database"}
    healthy = database["ok"] and queue["ok"] and work["ok"]
    body = {
        "status": "ok" if healthy else "error",
        "database": database,
        "queue": queue,
        "work": work,
    }
    return JsonResponse(body, status=200 if healthy else 503)
