"""Claire awards a badge to a few hundred people from a spreadsheet, in a real browser: she sends
a French Excel CSV with a few bad lines, waits while a real database-queue worker reads it (the
page polls with htmx and shows the check when it is ready), sees the bad lines before anything
is issued, chooses to award the others, watches the progress bar (polled while the worker
awards in the background) reach 100 %, and downloads the claim codes. Every page is checked
with axe-core."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django_tasks_db.management.commands.db_worker import Worker

from blason.issuing.awarding import batches, bulk
from blason.issuing.models import Award, AwardBatch, BatchStatus, RecipientKind
from tests.browser.helpers import sign_in
from tests.conftest import LIVE_SERVER_LOCK

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VALID = 300
BAD_LINES = [
    "Léa;Petit;lea@;;",  # e-mail without a domain
    "Jules;Martin;;12;",  # not a phone number
    ";;;;klingon",  # nobody, and an unknown language
    "Inès;Double;p0@example.org;;",  # the same person as line 2
]
# Records every value the progress bar takes, across the reload at the end.
OBSERVE = """() => {
  const seen = JSON.parse(sessionStorage.getItem('seen') || '[]');
  const note = () => {
    const bar = document.getElementById('batch-progress-bar');
    if (bar) { seen.push(Number(bar.getAttribute('value'))); }
    sessionStorage.setItem('seen', JSON.stringify(seen));
  };
  new MutationObserver(note).observe(document.body, {subtree: true, childList: true});
  note();
}"""


def spreadsheet(path: Path) -> Path:
    lines = ["Prénom;Nom;Courriel;Téléphone;Langue"]
    for n in range(VALID):
        if n % 3 == 0:
            lines.append(f"Prénom{n};Nom{n};p{n}@example.org;;")
        elif n % 3 == 1:
            lines.append(f"Prénom{n};Nom{n};;06 12 34 {n // 100:02d} {n % 100:02d};")
        else:
            lines.append(f"Prénom{n};Nom{n};;;")
    lines += BAD_LINES
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))  # as French Excel saves
    return path


@pytest.fixture
def server_shares_the_worker_connection(live_server: Any, page: Any) -> Iterator[None]:
    """On SQLite the test database lives in memory: separate connections to it get "table is
    locked" at once when another one writes (a file database in WAL mode, as in production,
    lets readers read). The live server's requests then use this test's connection, which the
    worker run by the test uses too. PostgreSQL needs nothing of the kind."""
    own = connections[DEFAULT_DB_ALIAS]
    if not (own.vendor == "sqlite" and own.is_in_memory_db()):
        yield
        return
    shared = live_server.thread.connections_override  # read by the server at each request
    own.inc_thread_sharing()
    shared[DEFAULT_DB_ALIAS] = own
    yield
    page.context.close()  # no more polling; the server's threads let their connections go
    time.sleep(0.5)
    del shared[DEFAULT_DB_ALIAS]
    own.dec_thread_sharing()


def run_worker() -> None:
    """A real database-queue worker, in this thread, until the queue is empty. On SQLite it
    shares the live server's connection: the server answers no request while the worker works
    (``LIVE_SERVER_LOCK``), except while a chunk waits (``slow_award``)."""
    with LIVE_SERVER_LOCK:
        Worker(
            queue_names=["default"],
            interval=0.1,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="browser-test",
            excluded_queue_names=[],
        ).run()


def test_award_a_few_hundred_people_from_a_spreadsheet(
    page: Any,
    world: Any,
    published: Any,
    smtp_server: Any,
    assert_accessible: Any,
    settings: Any,
    monkeypatch: Any,
    tmp_path: Path,
    server_shares_the_worker_connection: None,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sign_in(page, world.admin.email)
    page.goto(f"/spaces/{world.org_a.slug}/badges/{published.uuid}/")
    page.locator("a[href$='/award-many/']").click()
    page.locator("#id_file").wait_for()
    assert_accessible(page)

    # Send the file: the page waits while a worker reads it, polling.
    page.set_input_files("#id_file", str(spreadsheet(tmp_path / "participants.csv")))
    page.locator("main form button[type=submit]").first.click()
    page.locator("#batch-reading-bar").wait_for()
    assert AwardBatch.objects.get().status == BatchStatus.READING
    assert "attend d'être lu" in page.locator("#batch-reading-text").inner_text()  # French
    assert_accessible(page)
    with page.expect_response(lambda response: "/progress/" in response.url):
        pass  # the page polls while the file waits
    run_worker()  # reads the file
    assert AwardBatch.objects.get().status == BatchStatus.CHECKED

    # The page reloaded itself: nothing is awarded, the bad lines are listed with what is wrong.
    page.locator("#problems").wait_for(timeout=30_000)
    assert page.locator(".count-ok strong").inner_text() == "300"
    assert page.locator(".count-error strong").inner_text() == "4"
    problems = page.locator("#problems tbody tr")
    assert problems.count() == 4
    assert "lea@" in problems.nth(0).inner_text()
    assert page.locator("#id_email").input_value() == "2"  # "Courriel" recognised
    assert not Award.objects.exists()
    assert_accessible(page)

    # Award only the valid lines, explicitly.
    page.locator("#id_skip_invalid").check()
    page.locator("form[action$='/confirm/'] button[type=submit]").click()
    page.locator("#batch-progress-bar").wait_for()
    batch = AwardBatch.objects.get()
    assert batch.status == BatchStatus.QUEUED  # waiting for the worker
    assert page.locator("#batch-progress-bar").get_attribute("value") == "0"
    assert page.locator("#batch-progress-bar").get_attribute("max") == "300"
    assert page.locator("#batch-progress-text").get_attribute("aria-live") == "polite"
    assert_accessible(page)
    with page.expect_response(lambda response: "/progress/" in response.url):
        pass  # the page polls while it waits
    page.evaluate(OBSERVE)

    # The worker awards in small chunks, slowly enough for the page to see it move.
    monkeypatch.setattr(batches, "CHUNK_SIZE", 50)
    real_award = bulk.award_many

    def slow_award(**kwargs: Any) -> Any:
        LIVE_SERVER_LOCK.release()  # the page polls while each chunk of 50 waits
        try:
            time.sleep(0.5)
        finally:
            LIVE_SERVER_LOCK.acquire()
        return real_award(**kwargs)

    monkeypatch.setattr(bulk, "award_many", slow_award)
    started = time.monotonic()
    run_worker()
    assert time.monotonic() - started > 3

    page.locator(".tag-done").wait_for(timeout=30_000)  # the page reloaded itself when done
    bar = page.locator("#batch-progress-bar")
    assert (bar.get_attribute("value"), bar.get_attribute("max")) == ("300", "300")
    assert "100 %" in page.locator("#batch-progress-text").inner_text()
    seen = page.evaluate("() => JSON.parse(sessionStorage.getItem('seen'))")
    assert any(0 < value < 300 for value in seen), seen  # it moved while we watched
    assert seen == sorted(seen)
    assert_accessible(page)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.skipped) == (BatchStatus.DONE, 300, 0)
    assert Award.objects.filter(batch=batch).count() == 300

    # Everyone with an e-mail address got one, through the queue and a real SMTP server.
    received = smtp_server.wait_for(100, timeout=60)
    assert sorted(m["To"] for m in received) == sorted(
        f"p{n}@example.org" for n in range(0, 300, 3)
    )

    # The claim codes of the others: a printable page, and a spreadsheet.
    page.locator("a[href$='/codes/']").click()
    page.locator(".slip").first.wait_for()
    assert page.locator(".slip").count() == 120  # one page of slips
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("a[href$='/codes.csv']").first.click()
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    expected = Award.objects.filter(batch=batch).exclude(recipient_kind=RecipientKind.EMAIL)
    assert sorted(row[2] for row in rows) == sorted(expected.values_list("claim_code", flat=True))
    assert len(rows) == 200

    # The space's list of bulk awards shows it.
    page.goto(f"/spaces/{world.org_a.slug}/batches/")
    assert page.get_by_role("link", name="participants.csv").is_visible()
    assert_accessible(page)
