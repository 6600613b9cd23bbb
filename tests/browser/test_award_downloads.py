"""The download section of an award page in a real browser, on a phone: the picture, the
Open Badges 2.0 forms behind a disclosure, the technical forms; what a download gives verifies.
A name-only award explains why it has no Open Badges 2.0 form, and a download that cannot be
made says so plainly. Every page is checked with axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from blason.issuing.awarding import services as awards
from blason.issuing.documents.local_fetch import LocalFetcher
from obcore import baking
from obcore.verify import State, verify_credential

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def downloaded(page: Any, locator: Any) -> bytes:
    with page.expect_download() as info:
        locator.click()
    return Path(info.value.path()).read_bytes()


def test_downloads_on_a_phone(
    phone_page: Any,
    live_server: Any,
    settings: Any,
    world: Any,
    published: Any,
    assert_accessible: Any,
) -> None:
    settings.SITE_URL = live_server.url
    page = phone_page
    award = awards.award_issue(badge=published, actor=world.admin, email="samir@example.org")
    page.goto(f"/awards/{award.uuid}")
    section = page.locator("section[aria-labelledby=downloads-title]")
    assert section.get_by_role("heading", level=2).inner_text() == "Télécharger"
    assert_accessible(page)

    picture = downloaded(page, section.locator(f"a[href='/awards/{award.uuid}/badge.png']"))
    assert baking.extract(picture).payload == award.credential

    # The Open Badges 2.0 forms are folded away until asked for.
    ob2_png = section.locator(f"a[href='/awards/{award.uuid}/ob2/badge.png']")
    assert not ob2_png.is_visible()
    section.locator("details summary").first.click()
    assert ob2_png.is_visible()
    assert (
        section.locator("#ob2-address").input_value()
        == f"{live_server.url}/awards/{award.uuid}/ob2"
    )
    assert_accessible(page)
    baked = downloaded(page, ob2_png)
    report = verify_credential(baked, fetcher=LocalFetcher(), recipient="samir@example.org")
    assert report.state is State.VALID, report.checks
    assert report.version == "2.0"

    section.locator("details summary").nth(1).click()
    jwt = downloaded(page, section.locator(f"a[href='/awards/{award.uuid}/credential.jwt']"))
    assert verify_credential(jwt.decode(), fetcher=LocalFetcher()).state is State.VALID
    assert_accessible(page)

    # Once revoked, no new signed copy is made: the page says why, with the way back.
    awards.award_revoke(award=award, actor=world.admin, reason="Erreur")
    page.goto(f"/awards/{award.uuid}/ob2/signed.jws")
    assert page.get_by_role("heading", level=1).is_visible()
    page.locator(f"main a[href='/awards/{award.uuid}']").click()
    page.wait_for_url(f"**/awards/{award.uuid}")
    assert page.locator(f"a[href='/awards/{award.uuid}/credential.jwt']").count() == 0
    assert_accessible(page)


def test_a_name_only_award_explains_the_missing_format(
    page: Any, world: Any, published: Any, assert_accessible: Any
) -> None:
    award = awards.award_issue(badge=published, actor=world.admin, name="Inès")
    page.goto(f"/awards/{award.uuid}")
    section = page.locator("section[aria-labelledby=downloads-title]")
    section.locator("details summary").first.click()
    explanation = section.locator("details p").first
    assert explanation.is_visible()
    assert section.locator(f"a[href^='/awards/{award.uuid}/ob2']").count() == 0
    assert_accessible(page)
