"""Benchmark: sustained check-ins from 20 concurrent scanners against gunicorn on loopback.

    pgdir=$(mktemp -d /tmp/aks-pg.XXXX); url=$(scripts/pg.sh start $pgdir 55461)
    DATABASE_URL=$url .venv/bin/python bench/checkin_load.py [registrations] [scanners] [seconds]
    scripts/pg.sh stop $pgdir

Migrates the database, creates an office, a program, an event and N registrations, starts gunicorn
on 127.0.0.1 the way the README's production command does (sync workers; BENCH_WORKERS, default
2 per core, and BENCH_WORKER_CLASS=gthread with BENCH_THREADS to compare) and lets 20 scanner threads send check-ins through the API with a personal
token (keep-alive connections, like a phone). Each scanner owns its share of the codes and sends
every code twice, each time with its own client UUID, and in every 10th case re-sends the same UUID
(an offline queue flushed twice). Prints the throughput, the latency percentiles and then checks the
database: exactly one check-in per registration, none lost, none doubled.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from aksalarasa.accounts.models import User  # noqa: E402
from aksalarasa.accounts.services import api_token_create  # noqa: E402
from aksalarasa.events.models import CheckIn, Event, Registration  # noqa: E402
from aksalarasa.offices.models import Office, Region, RegionalOffice  # noqa: E402
from aksalarasa.programs.models import Program  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup(n: int) -> tuple[Event, list[str], str]:
    import datetime

    from django.utils import timezone

    call_command("migrate", verbosity=0)
    regional, _ = RegionalOffice.objects.get_or_create(
        code="bench-kanwil", defaults={"name": "Kanwil Bench", "province": Region.objects.get(code="51")}
    )
    office, _ = Office.objects.get_or_create(
        code="bench-checkin",
        defaults={
            "name": "Bapas Bench",
            "office_class": "I",
            "time_zone": "Asia/Makassar",
            "regional_office": regional,
        },
    )
    user, _ = User.objects.get_or_create(
        username="bench.scanner",
        defaults={"full_name": "Bench Scanner", "office": office, "role_officer": True},
    )
    program, _ = Program.objects.get_or_create(
        office=office,
        acronym="BENCH",
        defaults={
            "title": "Bench",
            "start": datetime.date(2026, 1, 1),
            "end": datetime.date(2026, 12, 31),
            "created_by": user,
        },
    )
    now = timezone.now().replace(microsecond=0)
    event = Event.objects.create(
        office=office,
        program=program,
        name=f"Bench {uuid.uuid4().hex[:8]}",
        place="Loopback",
        start=now,
        end=now + datetime.timedelta(hours=2),
        created_by=user,
    )
    codes = [f"{i:06d}"[-6:].translate(str.maketrans("0123456789", "ACDEFGHJKM")) for i in range(n)]
    Registration.objects.bulk_create(
        [
            Registration(
                event=event, office=office, group="resident", code=code, name=f"Warga {i}", consent_data=True
            )
            for i, code in enumerate(codes)
        ],
        batch_size=1000,
    )
    _token, raw = api_token_create(user=user, name="bench")
    return event, codes, raw


def worker_cpu_seconds(master: int) -> float:
    """User+system CPU of gunicorn's workers (Linux /proc), to give a figure independent of load."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0.0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
    scanners = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    if connection.vendor != "postgresql":
        print("Warning: this benchmark is meant for PostgreSQL (DATABASE_URL=postgres://...).")
    event, codes, token = setup(n)
    connection.close()
    port = free_port()
    workers = os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 2) * 2))
    worker_class = os.environ.get("BENCH_WORKER_CLASS", "sync")
    server_threads = os.environ.get("BENCH_THREADS", "8" if worker_class == "gthread" else "1")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            worker_class,
            "--workers",
            workers,
            "--threads",
            server_threads,
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            "--preload",  # load the app once before forking: workers start warm
            "--timeout",
            "900",  # a loaded machine: a first request (URLconf, API schemas) may take minutes
            "--error-logfile",
            os.environ.get("BENCH_GUNICORN_LOG", "-"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(1200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        path = f"/api/v1/events/{event.pk}/checkin"
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        # Warm the workers (imports, connections) before measuring.
        # On a loaded machine a worker's first request (URLconf, API schemas) can take minutes.
        for _ in range(int(workers) * 4):
            warm = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
            warm.request("GET", f"/api/v1/events/{event.pk}", headers=headers)
            warm.getresponse().read()
            warm.close()
        load_before = os.getloadavg()[0]

        latencies: list[float] = []
        outcomes = {"created": 0, "already": 0, "error": 0, "retry": 0}
        error_kinds: list[str] = []
        lock = threading.Lock()

        def scanner(index: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            local_lat, local = [], {"created": 0, "already": 0, "error": 0, "retry": 0}
            local_errors: list[str] = []
            mine = codes[index::scanners]
            for number, code in enumerate(mine):
                first_uuid = str(uuid.uuid4())
                sends = [first_uuid, str(uuid.uuid4())]
                if number % 10 == 0:
                    sends.append(first_uuid)  # an offline queue flushed twice
                for queued in sends:
                    body = json.dumps({"code": code, "client_uuid": queued, "source": "scan"})
                    # Like the phone's queue: no answer (or a server error) is retried with the same UUID.
                    for _attempt in range(10):
                        started = time.perf_counter()
                        try:
                            conn.request("POST", path, body=body, headers=headers)
                            response = conn.getresponse()
                            data = response.read()
                        except (OSError, http.client.HTTPException) as exc:
                            conn.close()
                            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                            local["retry"] += 1
                            local_errors.append(type(exc).__name__)
                            continue
                        local_lat.append(time.perf_counter() - started)
                        if response.status == 200:
                            local["created" if json.loads(data)["created"] else "already"] += 1
                            break
                        local["retry"] += 1
                        local_errors.append(f"HTTP {response.status}")
                    else:
                        local["error"] += 1
            conn.close()
            with lock:
                latencies.extend(local_lat)
                for key, value in local.items():
                    outcomes[key] += value
                error_kinds.extend(local_errors)

        threads = [threading.Thread(target=scanner, args=(i,)) for i in range(scanners)]
        cpu_before = worker_cpu_seconds(server.pid)
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        cpu_used = worker_cpu_seconds(server.pid) - cpu_before
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    total = outcomes["created"] + outcomes["already"]
    rows = CheckIn.objects.filter(event=event).count()
    distinct = CheckIn.objects.filter(event=event).values("registration").distinct().count()
    latencies.sort()
    print(
        f"database: {connection.vendor}; gunicorn {worker_class} workers={workers} threads={server_threads}; "
        f"scanners={scanners}; load average before {load_before:.1f}"
    )
    print(f"requests: {total} in {elapsed:.1f} s = {total / elapsed:.0f} requests/s")
    print(
        f"new check-ins: {outcomes['created']} in {elapsed:.1f} s; answers 'already': {outcomes['already']}"
    )
    kinds = {k: error_kinds.count(k) for k in sorted(set(error_kinds))}
    print(f"retried sends: {outcomes['retry']} {kinds}; never answered: {outcomes['error']}")
    print(
        f"app CPU per request: {cpu_used / max(total, 1) * 1000:.2f} ms (gunicorn workers; load average now {os.getloadavg()[0]:.1f})"
    )
    print(
        f"latency ms: median {statistics.median(latencies) * 1000:.1f}, p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f}, p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f}"
    )
    print(f"check-in rows: {rows} for {n} registrations (distinct registrations: {distinct})")
    # A retried send whose first try was stored answers "already": created may be below n, rows never.
    ok = rows == n == distinct and outcomes["error"] == 0 and outcomes["created"] <= n
    print("none lost, none doubled" if ok else "MISMATCH")
    if not ok or total / elapsed < 200:
        sys.exit(1)


if __name__ == "__main__":
    main()
