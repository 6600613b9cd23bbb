"""Steps the browser tests share."""

from __future__ import annotations

import re
from typing import Any

from tests.factories import PASSWORD


def sign_in(page: Any, email: str, next_url: str = "") -> None:
    """Sign in through the real form; home opens (the spaces of a member, the badges of anyone
    else), or ``next_url``."""
    page.goto(f"/accounts/login/?next={next_url}" if next_url else "/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**{next_url}" if next_url else re.compile(r".*/(dashboard|backpack)/$"))
