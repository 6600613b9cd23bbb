"""The Content-Security-Policy (issue 12, point 10): scripts only from the site's static files.
Key pages, with their scripts (htmx, the designer, sharing, the print buttons), run in Chromium
without one violation reported, and an inline script is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.blason import other_platforms as op
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__csp.push(event.violatedDirective + " " + event.blockedURI + " " + event.sourceFile
                    + ":" + event.lineNumber);
});
window.print = function () { window.__printed = (window.__printed || 0) + 1; };
"""


def violations(page: Any, console: list[str]) -> list[str]:
    reported = page.evaluate("() => window.__csp || []")
    return [*reported, *(line for line in console if "Content Security Policy" in line)]


def test_key_pages_report_no_csp_violation(
    page: Any, world: Any, published: Any, live_server: Any, settings: Any
) -> None:
    from blason.backpack import imports
    from blason.issuing.awarding import services as awards
    from blason.peers import validation

    settings.SITE_URL = live_server.url
    world.admin.is_staff = True
    world.admin.save()
    award = awards.award_issue(badge=published, actor=world.admin, name="Samir")
    validation.rule_set(
        badge=published,
        actor=world.admin,
        validators="named",
        reviewers=[world.admin, world.member],
        approvals_needed=1,
    )
    item = imports.import_badge(user=world.admin, text=op.data_integrity().payload)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.context.add_init_script(WATCH)

    answer = page.goto("/")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert page.evaluate("() => typeof window.htmx") == "object"  # the static scripts run
    sign_in(page, world.admin.email)
    slug = world.org_a.slug
    pages = [
        reverse("core:dashboard"),
        reverse("issuing:space", args=[slug]),
        reverse("issuing:badge", args=[slug, published.uuid]),
        reverse("issuing:badge_new", args=[slug]),  # the designer's script
        reverse("core:issuer_members", args=[slug]),
        reverse("award_public", args=[award.uuid]),
        f"/backpack/badges/{item.uuid}/",  # sharing
        reverse("core:operator_mail"),
        reverse("core:abuse_report"),
        reverse("verification:verify"),
    ]
    for path in pages:
        shown = page.goto(path)
        assert shown.status == 200, path
        page.wait_for_load_state("networkidle")
        assert violations(page, console) == [], path

    page.goto(reverse("peers:poster", args=[published.uuid]))
    page.locator("[data-print]").first.click()  # the print button, without onclick=""
    assert page.evaluate("() => window.__printed") == 1
    assert violations(page, console) == []

    # The policy is enforced: an inline script injected into the page does not run.
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__inline = 1"; document.body.append(s); }"""
    )
    assert page.evaluate("() => window.__inline") is None
    assert any("script-src" in line for line in violations(page, console))
