"""CPU and wall time of one render of each dashboard, in-process, on a generated database.

    DATABASE_URL=postgres://... .venv/bin/python bench/dashboards_cpu.py [--refresh] [--repeat N]

For the office, regional and national dashboards (the users generate_scale makes), and their XLSX
exports: the median over N renders (default 7, after one warm-up) of the CPU time of this process
(time.process_time: Django, templates, the database driver) and of the wall time (which also
holds the database's own time and is not reliable on a shared machine), with the queries per
render. --refresh runs `refresh_summaries` first and prints how long it took (wall, CPU of this
process, and CPU of the PostgreSQL backend read from /proc when the server runs on this machine).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from aksalarasa.accounts.models import User  # noqa: E402


def backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine only), else 0."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--refresh", action="store_true")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if args.refresh:
        from aksalarasa.dashboards.services import summaries_refresh

        db, cpu, wall = backend_cpu(), time.process_time(), time.perf_counter()
        summaries_refresh()
        print(
            f"refresh_summaries: {1000 * (time.perf_counter() - wall):.0f} ms wall, "
            f"{1000 * (time.process_time() - cpu):.0f} ms CPU in this process, "
            f"{1000 * (backend_cpu() - db):.0f} ms CPU in the PostgreSQL backend"
        )
    cpu = time.process_time()
    sum(range(100_000))
    print(
        f"calibration: sum(range(100_000)) took {1000 * (time.process_time() - cpu):.1f} ms CPU "
        "(about 1 ms on an idle core; more means the CPU figures below are inflated by contention)"
    )
    head = User.objects.get(username="s000.kabapas")
    national = User.objects.get(username="scale.national")
    regional = User.objects.filter(role_regional=True, username__startswith="scale.kanwil.").order_by(
        "username"
    )[0]
    print(f"{'page':<32} {'status':>6} {'queries':>7} {'CPU ms':>8} {'wall ms':>8} {'KB':>6}")
    for name, path, user in (
        ("office dashboard", "/dashboards/office/", head),
        ("office dashboard XLSX", "/dashboards/office/?format=xlsx", head),
        ("regional dashboard", "/dashboards/aggregates/", regional),
        ("national dashboard", "/dashboards/aggregates/", national),
        ("national dashboard XLSX", "/dashboards/aggregates/?format=xlsx", national),
    ):
        client = HttpClient()
        client.force_login(user)
        client.get(path)  # warm-up
        cpus, walls = [], []
        for _ in range(args.repeat):
            cpu, wall = time.process_time(), time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            walls.append(1000 * (time.perf_counter() - wall))
            cpus.append(1000 * (time.process_time() - cpu))
        print(
            f"{name:<32} {response.status_code:>6} {len(queries):>7} {statistics.median(cpus):>8.1f} "
            f"{statistics.median(walls):>8.1f} {len(response.content) / 1024:>6.1f}"
        )


if __name__ == "__main__":
    main()
