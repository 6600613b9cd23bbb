"""The award list of one issuer holding ``--list-awards`` awards (default 1,000,000): first
page, a deep page (through its keyset cursor), searches by name fragment, e-mail, phone and
claim code. Each must stay under 50 ms with a bounded number of queries, whatever the size.

The awards are written by the database itself (``generate_series``, one statement per
100,000 rows on PostgreSQL; a recursive ``WITH`` on SQLite), not signed: the list reads what
the awarding path stores (names, addresses, codes, dates, a credential of a realistic size).
Every third award shares its timestamp with the next two, as in a spreadsheet's batch.
"""

from __future__ import annotations

import json

from bench import seeding
from bench.__main__ import Result, measure

TARGET_MS = 50
MAX_QUERIES = 12
FIRST = ["Inès", "Samir", "Léa", "Hugo", "Chloé", "Nadia", "Louis", "Awa", "Jules", "Yasmine"]
# Family names of four syllables (65,536 of them): no digits in names, as in life, so that the
# trigram index is measured on realistic text.
SYLLABLES = "kolamiretunasapedivobugafiluzeno"
LAST_NAME = " || ".join(
    f"substr('{SYLLABLES}', ((g / {16**n}) %% 16) * 2 + 1, 2)" for n in range(4)
)
LAST_NAME = f"upper(substr({LAST_NAME}, 1, 1)) || substr({LAST_NAME}, 2)"


def _seed_sql(vendor: str) -> str:
    """One statement inserting the awards ``g`` in [%(start)s, %(end)s)."""
    last_name = LAST_NAME
    first = seeding.pick(vendor, FIRST, "g %% 10")
    if vendor == "postgresql":
        select = f"""md5('award' || g)::uuid, %(badge)s, %(issuer)s,
               (ARRAY['email','phone','name'])[g %% 3 + 1],
               CASE WHEN g %% 3 = 0 THEN 'personne' || g || '@example.org' ELSE '' END,
               CASE WHEN g %% 3 = 1 THEN '+336' || lpad(g::text, 8, '0') ELSE '' END,
               {first} || ' ' || {last_name},
               'fr', md5('salt' || g), '',
               '{{"proof":"' || repeat(md5(g::text), 40) || '"}}',
               1 + g / 131072, g %% 131072,
               now() - make_interval(secs => g / 3),
               NULL,
               CASE WHEN g %% 997 = 0 THEN now() END, '',
               upper(substr(lpad(to_hex(g), 8, '0'), 1, 4) || '-'
                     || substr(lpad(to_hex(g), 8, '0'), 5, 4)),
               CASE WHEN g %% 4 = 0 THEN now() END, ''"""
    else:
        select = f"""lower(hex(randomblob(16))), %(badge)s, %(issuer)s,
               CASE g %% 3 WHEN 0 THEN 'email' WHEN 1 THEN 'phone' ELSE 'name' END,
               CASE WHEN g %% 3 = 0 THEN 'personne' || g || '@example.org' ELSE '' END,
               CASE WHEN g %% 3 = 1 THEN '+336' || substr('00000000' || g, -8) ELSE '' END,
               {first} || ' ' || {last_name},
               'fr', hex(randomblob(16)), '',
               '{{"proof":"' || hex(zeroblob(640)) || '"}}',
               1 + g / 131072, g %% 131072,
               strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now', '-' || (g / 3) || ' seconds'),
               NULL, CASE WHEN g %% 997 = 0 THEN datetime('now') END, '',
               upper(substr(printf('%%08x', g), 1, 4) || '-' || substr(printf('%%08x', g), 5, 4)),
               CASE WHEN g %% 4 = 0 THEN datetime('now') END, ''"""
    return seeding.insert_series(vendor, "issuing_award", seeding.AWARD_COLUMNS, select)


def _fill(awards: int) -> tuple[object, object]:
    from django.db import connection

    from blason.accounts.models import User
    from blason.core.models import Issuer, Membership
    from blason.issuing.models import BadgeClass

    kept = Issuer.objects.filter(slug="million").first()
    if kept is not None:  # a kept BENCH_DATABASE_URL: the awards are already there
        print("award lists: reusing the awards of the space 'million'")
        return kept, User.objects.get(email="lists@example.org")
    person = User.objects.create_user("lists@example.org", "bench-password")
    issuer = Issuer.objects.create(name="Million", slug="million", kind="organisation")
    Membership.objects.create(issuer=issuer, user=person, role="owner")
    badge = BadgeClass.objects.create(issuer=issuer, name="Badge", description="d", criteria="c")
    seconds = seeding.write(
        _seed_sql(connection.vendor), awards, {"badge": badge.pk, "issuer": issuer.pk}
    )
    seeding.analyze("issuing_award")
    print(f"award lists: {awards:,} awards written in {seconds:.1f} s")
    return issuer, person


def run(awards: int = 1_000_000) -> list[Result]:
    from django.db import connection
    from django.test import Client

    from blason.core.keyset import Cursor
    from blason.issuing.models import Award

    issuer, person = _fill(awards)
    client = Client()
    client.force_login(person)
    url = f"/spaces/{issuer.slug}/awards/"  # type: ignore[attr-defined]
    # A cursor nine tenths down the list (found once, slowly, with OFFSET: what pages no
    # longer do).
    deep = (
        Award.objects.filter(issuer=issuer)
        .order_by("-issued_at", "-id")
        .values_list("issued_at", "id")[awards * 9 // 10]
    )
    cursor = Cursor(*deep).encode()
    middle = awards // 2 - (awards // 2) % 3  # an e-mail, a phone, a name: rows g, g+1, g+2

    def row(g: int) -> Award:
        return Award.objects.get(
            issuer=issuer, status_list=1 + g // 131072, status_index=g % 131072
        )

    by_email, by_phone, by_name = row(middle), row(middle + 1), row(middle + 2)
    national = "0" + by_phone.recipient_phone[3:]  # +33612345678 -> 0612345678
    one_person = by_name.recipient_name
    if connection.vendor == "postgresql":  # a fragment anywhere (SQLite: the start)
        one_person = one_person.split(" ", 1)[1]
    searches = {
        "name fragment, common": "Inès Ko" if connection.vendor != "postgresql" else "kola",
        "name fragment, rare": one_person.lower(),
        "e-mail": by_email.recipient_email.split(".org")[0],
        "phone": f"{national[:2]} {national[2:4]} {national[4:6]} {national[6:8]}",
        "claim code": (by_email.claim_code or "").lower().replace("-", " "),
    }

    def get(params: dict[str, str]) -> None:
        response = client.get(url, params)
        assert response.status_code == 200, (params, response.status_code)
        assert "<tbody>" in response.text, (params, "nothing found")

    def sql_only(params: dict[str, str]) -> Result:
        """The database's own time for a page: PostgreSQL's ``EXPLAIN ANALYZE`` planning and
        execution times of each of its queries, summed (median of 9); on SQLite, the queries'
        wall time. Less sensitive than the page's time to other work on the machine."""
        from django.db import connection as db
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(db) as captured:
            get(params)
        statements = [q["sql"] for q in captured.captured_queries]
        totals = []
        for _ in range(9):
            total = 0.0
            with db.cursor() as cursor:
                for sql in statements:
                    if db.vendor != "postgresql" or not sql.lstrip().upper().startswith("SELECT"):
                        continue
                    cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
                    plan = cursor.fetchone()[0]
                    plan = json.loads(plan) if isinstance(plan, str) else plan
                    total += plan[0]["Planning Time"] + plan[0]["Execution Time"]
            if db.vendor != "postgresql":
                with CaptureQueriesContext(db) as again:
                    get(params)
                total = sum(float(q["time"]) for q in again.captured_queries) * 1000
            totals.append(total)
        totals.sort()
        return Result(
            name=f"  database time of {params or 'first page'}"[:44],
            median_ms=totals[len(totals) // 2],
            p95_ms=totals[-1],
            queries=len(statements),
            target_ms=TARGET_MS,
            max_queries=MAX_QUERIES,
        )

    label = f"award list, {awards:,} awards"
    results = [
        measure(
            f"{label}: first page", lambda: get({}), target_ms=TARGET_MS, max_queries=MAX_QUERIES
        ),
        measure(
            f"{label}: deep page",
            lambda: get({"after": cursor}),
            target_ms=TARGET_MS,
            max_queries=MAX_QUERIES,
        ),
        measure(
            f"{label}: revoked",
            lambda: get({"state": "revoked"}),
            target_ms=TARGET_MS,
            max_queries=MAX_QUERIES,
        ),
    ]
    results += [sql_only({}), sql_only({"after": cursor}), sql_only({"state": "revoked"})]
    for name, text in searches.items():
        results.append(sql_only({"q": text}))
        results.append(
            measure(
                f"{label}: search {name}",
                lambda text=text: get({"q": text}),  # type: ignore[misc]
                target_ms=TARGET_MS,
                max_queries=MAX_QUERIES,
            )
        )
    return results
