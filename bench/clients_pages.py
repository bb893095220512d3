"""Benchmark: the client list of an office with 5,000 clients (each with a supervision period).

    DATABASE_URL=postgres://... .venv/bin/python bench/clients_pages.py [clients]
Migrates the database, loads the clients in bulk once (idempotent), then renders the list as the
office head: first page, a filtered page, sorting by supervision end, a late page, and the
HTMX partial. Prints the median wall time of 5 renders and the number of queries of each.
"""

from __future__ import annotations

import os
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

from aksalarasa.accounts.models import User  # noqa: E402
from aksalarasa.clients.models import Client, OfficerAssignment, Supervision  # noqa: E402
from aksalarasa.offices.models import Office, Region, RegionalOffice  # noqa: E402


def setup(count: int) -> User:
    call_command("migrate", verbosity=0)
    regional, _ = RegionalOffice.objects.get_or_create(
        code="bench-kanwil", defaults={"name": "Kanwil Bench", "province": Region.objects.get(code="51")}
    )
    office, _ = Office.objects.get_or_create(
        code="bench-pages",
        defaults={"name": "Bapas Bench Pages", "office_class": "I", "regional_office": regional},
    )
    head, _ = User.objects.get_or_create(
        username="bench.pages.head",
        defaults={"full_name": "Head", "office": office, "role_office_head": True},
    )
    officers = [
        User.objects.get_or_create(
            username=f"bench.pages.pk{i}",
            defaults={"full_name": f"PK {i}", "office": office, "role_officer": True, "section": "adult"},
        )[0]
        for i in range(25)
    ]
    have = Client.objects.filter(office=office).count()
    if have < count:
        today = date.today()
        clients = [
            Client(
                office=office,
                register_number=f"PG-{n:06d}",
                full_name=f"I Nyoman Halaman {n}",
                sex="M",
                birth_date=date(1970 + n % 40, 1 + n % 12, 1 + n % 28),
                category="adult" if n % 5 else "child",
                regency_id="51.71",
                officer=officers[n % 25],
            )
            for n in range(have, count)
        ]
        Client.objects.bulk_create(clients, batch_size=1000)
        created = Client.objects.filter(
            office=office, register_number__in=[c.register_number for c in clients]
        )
        Supervision.objects.bulk_create(
            [
                Supervision(
                    office=office,
                    client_id=pk,
                    program_type=["pb", "cb", "assimilation", "diversion"][pk % 4],
                    start=today - timedelta(days=pk % 300),
                    end=today + timedelta(days=30 + pk % 400),
                )
                for pk in created.values_list("pk", flat=True)
            ],
            batch_size=1000,
        )
        OfficerAssignment.objects.bulk_create(
            [OfficerAssignment(office=office, client=c, officer_id=c.officer_id) for c in created],
            batch_size=1000,
        )
    return head


def measure(http: HttpClient, label: str, url: str, **headers) -> None:
    times = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = http.get(url, **headers)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    print(f"{label:38s} {statistics.median(times) * 1000:7.1f} ms median of 5, {len(queries)} queries")


def main(count: int) -> None:
    head = setup(count)
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(head)
    print(f"{Client.objects.filter(office=head.office).count()} clients, database {connection.vendor}")
    measure(http, "list, first page", "/clients/")
    measure(http, "list, search 'Halaman 49'", "/clients/?q=Halaman+49")
    measure(http, "list, category+program filter", "/clients/?category=adult&program_type=pb")
    measure(http, "list, sorted by supervision end", "/clients/?sort=end")
    measure(http, "list, page 150", "/clients/?page=150")
    measure(
        http,
        "list, HTMX partial",
        "/clients/?page=2",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="client-results",
    )
    measure(http, "API list, page 1 (50 rows)", "/api/v1/clients")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000)
