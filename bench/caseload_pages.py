"""Benchmark: render the caseload (200 clients x 50 sessions) and the section and office overviews
(5,000 clients) through Django's test client, and print p50/p95 wall and CPU (this process) per render, the query count, and the verdict
against 150 ms. CPU time is the better figure on a shared machine (it ~ the wall time when quiet).

Run against a scratch database (it migrates it and adds a bench office once; later runs reuse it):
    DATABASE_URL=postgres://.../bench .venv/bin/python bench/caseload_pages.py [renders]
The target is under 150 ms per page on PostgreSQL.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from aksalarasa.accounts.models import User  # noqa: E402
from aksalarasa.clients.models import Client, Litmas, Supervision  # noqa: E402
from aksalarasa.guidance.models import GuidanceSession  # noqa: E402
from aksalarasa.guidance.summaries import client_summaries_refresh  # noqa: E402
from aksalarasa.offices.models import Office, Region, RegionalOffice  # noqa: E402

OFFICE_CODE = "bench-caseload"
OFFICERS = 25
CLIENTS = 5_000
BIG_CASELOAD = 200
BIG_SESSIONS = 50
OTHER_SESSIONS = 12
LIMIT_MS = 150.0  # issue #3: render under 150 ms on PostgreSQL
OUTCOMES = ["attended", "attended", "attended", "late", "excused", "unexcused", "not_held"]


def build() -> Office:
    office = Office.objects.filter(code=OFFICE_CODE).first()
    if office is not None:
        return office
    started = time.perf_counter()
    rng = random.Random(2026)
    regional, _ = RegionalOffice.objects.get_or_create(
        code="bench-kanwil", defaults={"name": "Kanwil Bench", "province": Region.objects.get(code="51")}
    )
    office = Office.objects.create(
        name="Bapas Bench Caseload",
        code=OFFICE_CODE,
        office_class="I",
        time_zone="Asia/Makassar",
        regional_office=regional,
    )
    make = lambda username, **kw: User.objects.create(  # noqa: E731
        username=username, full_name=username, email=f"{username}@bench.invalid", office=office, **kw
    )
    make("bench.kabapas", role_office_head=True)
    make("bench.kasi", role_section_head=True, section="adult")
    officers = [
        make(
            f"bench.pk{i}",
            role_officer=True,
            section="adult" if i % 2 == 0 else "child",
            officer_grade="muda",
        )
        for i in range(OFFICERS)
    ]
    # Officer 0 carries the big caseload; the other clients are spread over the other officers.
    owners = [officers[0]] * BIG_CASELOAD + [
        officers[1 + i % (OFFICERS - 1)] for i in range(CLIENTS - BIG_CASELOAD)
    ]
    clients = Client.objects.bulk_create(
        [
            Client(
                office=office,
                register_number=f"BENCH-CL-{i:05d}",
                full_name=f"Klien Bench {i}",
                sex="M",
                birth_date=date(1990, 1, 1),
                category=owner.section,
                officer=owner,
                phone=f"+62812{i:08d}",
            )
            for i, owner in enumerate(owners)
        ],
        batch_size=1000,
    )
    now = timezone.now()
    today = timezone.localdate()
    sessions = []
    for index, client in enumerate(clients):
        count = BIG_SESSIONS if index < BIG_CASELOAD else OTHER_SESSIONS
        for k in range(count):
            outcome = rng.choice(OUTCOMES)
            sessions.append(
                GuidanceSession(
                    office=office,
                    client=client,
                    officer_id=client.officer_id,
                    scheduled_at=now - timedelta(days=7 * k + rng.randrange(7)),
                    outcome=outcome,
                    engagement=rng.randint(1, 4) if outcome in ("attended", "late") else None,
                    concern=rng.random() < 0.01,
                )
            )
        sessions.append(
            GuidanceSession(
                office=office,
                client=client,
                officer_id=client.officer_id,
                scheduled_at=now + timedelta(days=1 + index % 14),
            )
        )
        if len(sessions) > 20_000:
            GuidanceSession.objects.bulk_create(sessions, batch_size=5000)
            sessions = []
    GuidanceSession.objects.bulk_create(sessions, batch_size=5000)
    Supervision.objects.bulk_create(
        [
            Supervision(
                office=office,
                client=c,
                program_type="pb",
                start=today - timedelta(days=200),
                end=today + timedelta(days=rng.randrange(5, 400)),
            )
            for c in clients
        ],
        batch_size=2000,
    )
    Litmas.objects.bulk_create(
        [
            Litmas(
                office=office,
                client=c,
                purpose="guidance",
                requested_on=today - timedelta(days=20),
                due_date=today - timedelta(days=13),
                officer_id=c.officer_id,
            )
            for c in clients[::25]
        ]
    )
    client_summaries_refresh(clients=Client.objects.filter(office=office))  # as the app's bulk writers do
    if connection.vendor == "postgresql":
        # Statistics for the rows just loaded, as autovacuum would give them within a minute: without
        # them the planner guesses tiny tables and nested-loops the roll-ups (280 instead of 120 ms).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"built {len(clients)} clients and {GuidanceSession.objects.filter(office=office).count()} sessions "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return office


def measure(username: str, url: str, renders: int) -> None:
    http = HttpClient(SERVER_NAME="localhost")
    http.force_login(User.objects.get(username=username))
    response = http.get(url)  # warm-up (template loading, connection)
    assert response.status_code == 200, (url, response.status_code)
    times, cpu = [], []
    for _ in range(renders):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = http.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        http.get(url)
    times.sort()
    cpu.sort()

    def p95(values: list[float]) -> float:
        return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]

    wall50, cpu50 = statistics.median(times), statistics.median(cpu)
    verdict = "MEETS" if wall50 < LIMIT_MS else ("MISSES (CPU meets it)" if cpu50 < LIMIT_MS else "MISSES")
    print(
        f"{url:<22} {username:<14} wall p50 {wall50:6.1f} ms  p95 {p95(times):6.1f} ms  "
        f"CPU p50 {cpu50:6.1f} ms  p95 {p95(cpu):6.1f} ms  "
        f"queries {len(queries.captured_queries):2d}  bytes {len(response.content)}  "
        f"{verdict} (< {LIMIT_MS:.0f} ms)"
    )


def main() -> None:
    renders = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    call_command("migrate", verbosity=0)
    build()
    load = os.getloadavg()[0]
    print(
        f"database: {connection.vendor}; {renders} renders per page; load average {load:.1f} on {os.cpu_count()} CPUs"
    )
    measure("bench.pk0", "/guidance/caseload/", renders)
    measure("bench.kasi", "/guidance/section/", renders)
    measure("bench.kabapas", "/guidance/office/", renders)


if __name__ == "__main__":
    main()
