"""Benchmark: validate and import 20,000 client rows (with supervision periods) from one CSV file.

Run against a scratch database (it migrates it and adds a bench office):
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/clients_import.py [rows]
Prints the time of the first import (all rows created), of a re-import (all unchanged), and of a
file with one bad row at the end (validated, nothing imported).
"""

from __future__ import annotations

import csv
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from aksalarasa.accounts.models import User  # noqa: E402
from aksalarasa.clients.client_import import ClientImporter  # noqa: E402
from aksalarasa.clients.models import Client, Supervision  # noqa: E402
from aksalarasa.offices.models import Office, Region, RegionalOffice  # noqa: E402

OFFICER_PREFIX = "bench.import.pk"
LIMIT_S = 20.0


def build_csv(rows: int, bad_last: bool = False) -> bytes:
    header = [c.name for c in ClientImporter.columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    regencies = ["51.71", "51.03", "51.04", "51.02", "51.01", "51.08"]
    for n in range(rows):
        writer.writerow(
            {
                "register_number": f"BENCH-{n:06d}",
                "full_name": f"I Made Bench {n}",
                "nik": "5171014101900001" if n % 3 == 0 else "",
                "sex": "M" if n % 2 else "F",
                "birth_date": f"{1960 + n % 45}-0{1 + n % 9}-1{n % 9}",
                "address": f"Jl. Bench {n}",
                "regency": regencies[n % 6],
                "village_code": "",
                "phone": f"0812{n:08d}",
                "emergency_contact_name": "",
                "emergency_contact_relation": "",
                "emergency_contact_phone": "",
                "consent_community": "ya" if n % 2 else "tidak",
                "consent_photos": "tidak",
                "consent_share_partners": "ya",
                "guardian_consent": "",
                "notes": "",
                "officer": f"{OFFICER_PREFIX}{n % 20}",
                "program_type": ["pb", "cb", "assimilation", "conditional"][n % 4],
                "supervision_start": "2026-01-05",
                "supervision_end": "2026-12-31",
                "supervision_status": "active",
            }
        )
    if bad_last:
        writer.writerow({"register_number": "BENCH-BAD", "full_name": "X", "sex": "Q", "birth_date": "nope"})
    return out.getvalue().encode()


def main(rows: int) -> None:
    call_command("migrate", verbosity=0)
    regional, _ = RegionalOffice.objects.get_or_create(
        code="bench-kanwil", defaults={"name": "Kanwil Bench", "province": Region.objects.get(code="51")}
    )
    office, created = Office.objects.get_or_create(
        code="bench", defaults={"name": "Bapas Bench", "office_class": "I", "regional_office": regional}
    )
    office.work_area.set(
        Region.objects.filter(code__in=["51.71", "51.03", "51.04", "51.02", "51.01", "51.08"])
    )
    head, _ = User.objects.get_or_create(
        username="bench.head",
        defaults={"full_name": "Bench Head", "office": office, "role_office_head": True},
    )
    for i in range(20):
        # Own usernames: bench/caseload_pages.py makes bench.pk0..24 in its own office, and an
        # officer of another office is (rightly) refused, which turned every row into an error.
        officer, _ = User.objects.get_or_create(
            username=f"{OFFICER_PREFIX}{i}",
            defaults={"full_name": f"PK {i}", "office": office, "role_officer": True, "section": "adult"},
        )
        assert officer.office_id == office.pk and officer.role_officer and officer.is_active, officer
    Supervision.objects.filter(office=office).delete()
    Client.history.filter(office_id=office.pk).delete()
    Client.objects.filter(office=office).delete()

    content = build_csv(rows)
    figures = {}
    for label in ("first import (creates)", "re-import (no changes)"):
        start, cpu = time.perf_counter(), time.process_time()
        result = ClientImporter(actor=head, office=office).run("bench.csv", content)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        figures[label] = (elapsed, cpu)
        print(
            f"{label}: {rows} rows in {elapsed:.2f} s wall, {cpu:.2f} s CPU of this process "
            f"(created {result.created}, updated {result.updated}, unchanged {result.unchanged}, errors {len(result.errors)})"
        )
        if result.errors:  # a bench that measures rejected rows measures nothing useful
            print("  first errors:", *result.errors[:3], sep="\n    ")
            raise SystemExit(1)
    bad = build_csv(rows, bad_last=True)
    start, cpu = time.perf_counter(), time.process_time()
    result = ClientImporter(actor=head, office=office).run("bench.csv", bad)
    print(
        f"file with one bad row: {rows + 1} rows validated in {time.perf_counter() - start:.2f} s wall, "
        f"{time.process_time() - cpu:.2f} s CPU, "
        f"{len(result.errors)} error(s), nothing imported"
    )
    engine = django.db.connection.vendor
    load = os.getloadavg()[0]
    print(
        f"database: {engine}; clients now {Client.objects.filter(office=office).count()}; load average {load:.1f} on {os.cpu_count()} CPUs"
    )
    wall, cpu = figures["first import (creates)"]
    verdict = "MEETS" if wall < LIMIT_S else ("MISSES (CPU alone meets it)" if cpu < LIMIT_S else "MISSES")
    print(
        f"verdict: {rows} rows validated and committed in {wall:.2f} s wall / {cpu:.2f} s CPU: {verdict} (< {LIMIT_S:.0f} s)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
