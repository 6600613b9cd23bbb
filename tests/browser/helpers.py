"""Steps the browser tests share."""

from __future__ import annotations

import re
from typing import Any

from tests.factories import PASSWORD


def _login_post(response: Any) -> bool:
    return bool(response.request.method == "POST" and "/accounts/login/" in response.url)


def sign_in(page: Any, email: str, next_url: str = "") -> None:
    """Sign in through the real form; home opens (the spaces of a member, the badges of anyone
    else), or ``next_url``.

    On SQLite the test database is one in-memory connection shared by the test and the live
    server's threads; now and then writing the session meets a statement of the other thread
    ("database table is locked", a 500 that a file database in WAL mode, as Blason runs, never
    gives). The form is then sent again, at most twice; any other failure fails the test."""
    for attempt in range(3):
        page.goto(f"/accounts/login/?next={next_url}" if next_url else "/accounts/login/")
        page.fill("#id_login", email)
        page.fill("#id_password", PASSWORD)
        with page.expect_response(
            lambda response: (
                response.request.method == "POST" and "/accounts/login/" in response.url
            )
        ) as posted:
            page.locator("main form button[type=submit]").first.click()
        if posted.value.status == 500 and attempt < 2:
            continue
        break
    page.wait_for_url(f"**{next_url}" if next_url else re.compile(r".*/(dashboard|backpack)/$"))


def no_sideways_scroll(page: Any) -> None:
    """Nothing wider than a phone's screen (375 CSS pixels in the phone contexts)."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, "the page scrolls sideways on a phone"
