"""EXPLAIN ANALYZE of the slowest SQL statement of chosen endpoints (after `manage.py generate_scale`).

    DATABASE_URL=postgres://... .venv/bin/python bench/explain_slowest.py
Shows where the database floor of the heaviest pages goes, to decide on indexes or summaries.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from aksalarasa.accounts.models import User  # noqa: E402

PAGES = [
    ("office overview", "/guidance/office/", "s000.kabapas"),
    ("section overview", "/guidance/section/", "s000.kasi.bkd"),
    ("national dashboard", "/dashboards/aggregates/", "scale.national"),
    ("client list", "/clients/", "s000.kabapas"),
    ("Litmas list", "/clients/litmas/", "s000.kabapas"),
]


def main() -> None:
    for name, path, username in PAGES:
        c = HttpClient()
        c.force_login(User.objects.get(username=username))
        c.get(path)
        with CaptureQueriesContext(connection) as ctx:
            c.get(path)
        timed = []
        with connection.cursor() as cursor:
            for q in ctx.captured_queries:
                if not q["sql"].lstrip().upper().startswith("SELECT"):
                    continue
                t = time.perf_counter()
                cursor.execute(q["sql"])
                cursor.fetchall()
                timed.append(((time.perf_counter() - t) * 1000, q["sql"]))
            ms, sql = max(timed)
            print(f"\n=== {name}: slowest of {len(timed)} statements, {ms:.1f} ms\n{sql[:1500]}\n")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            for (line,) in cursor.fetchall():
                print(line)


if __name__ == "__main__":
    main()
