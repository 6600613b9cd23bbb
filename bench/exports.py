"""Exports of one space over many awards (default 1,000,000): the awards CSV and the whole
space's JSON are streamed, so their number of queries and the memory they hold do not grow with
the awards. Each download is read once to its end (too long to repeat 30 times): its time, its
SQL queries and the peak of Python memory allocated while streaming (tracemalloc) are given."""

from __future__ import annotations

import time
import tracemalloc
from datetime import timedelta

from bench.__main__ import Result

CHUNK = 20_000
CREDENTIAL = '{"@context": ["https://www.w3.org/ns/credentials/v2"], "proof": "' + "x" * 500 + '"}'


def _fill(awards: int) -> tuple[str, object]:
    from django.db import transaction
    from django.utils import timezone

    from blason.accounts.models import User
    from blason.core.models import Issuer, Membership
    from blason.issuing.models import Award, BadgeClass

    person = User.objects.create_user("exports@example.org", "bench-password")
    issuer = Issuer.objects.create(
        name="Grande structure", slug="grande-structure", kind="organisation"
    )
    Membership.objects.create(issuer=issuer, user=person, role="owner")
    badges = BadgeClass.objects.bulk_create(
        BadgeClass(issuer=issuer, name=f"Badge {n}", description="d", criteria="c")
        for n in range(10)
    )
    now = timezone.now()
    made = 0
    while made < awards:
        rows = [
            Award(
                badge=badges[index % len(badges)],
                issuer=issuer,
                recipient_email=f"p{index}@example.org",
                recipient_name=f"=Personne {index}",
                credential=CREDENTIAL,
                status_index=index,
                issued_at=now - timedelta(minutes=index),
            )
            for index in range(made, min(made + CHUNK, awards))
        ]
        with transaction.atomic():
            Award.objects.bulk_create(rows, batch_size=2000)
        made += len(rows)
    return issuer.slug, person


def _download(client: object, url: str) -> tuple[float, int, int, float]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    tracemalloc.start()
    start = time.perf_counter()
    size = 0
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200, (url, response.status_code)
        for chunk in response.streaming_content:
            size += len(chunk)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, len(captured.captured_queries), size, peak / 1e6


def run(awards: int = 1_000_000) -> list[Result]:
    from django.test import Client

    slug, person = _fill(awards)
    client = Client()
    client.force_login(person)
    results = []
    for name, url, per_thousand_ms in (
        ("awards CSV", f"/spaces/{slug}/awards/?format=csv", 60),
        ("space JSON export", f"/spaces/{slug}/exports/space.json", 120),
    ):
        seconds, queries, size, peak_mb = _download(client, url)
        print(
            f"exports: {name} of {awards:,} awards: {size / 1e6:,.0f} MB in {seconds:.1f} s, "
            f"{queries} queries, Python memory peak {peak_mb:.1f} MB"
        )
        results.append(
            Result(
                name=f"{name}, {awards // 1000:,}k awards (whole file)",
                median_ms=seconds * 1000,
                p95_ms=seconds * 1000,
                queries=queries,
                target_ms=per_thousand_ms * awards / 1000,
                max_queries=20,
            )
        )
        assert peak_mb < 200, f"{name} held {peak_mb:.0f} MB: it does not stream"
    return results
