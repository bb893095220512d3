"""Where a page's CPU goes: in-process cProfile of the key pages, one request at a time.

    DATABASE_URL=postgres://... .venv/bin/python bench/profile_pages.py [--out bench/profiles] [--runs 20]

On data from `manage.py generate_scale` (bench/profiles/ holds the national preset's run and bench/profiles/medium/ the medium one; regenerate
with bench/profile.sh). For every endpoint of bench/harness.py: the request is sent through the
whole stack (test client, every middleware) RUNS times under cProfile after one warm-up, and the
CPU time (time.process_time, not wall time) each function spends in itself is put in one bucket by where the function lives:

- database: the driver and Django's backend (psycopg, django/db/backends): sending SQL and
  reading rows (this process's CPU; PostgreSQL's own time is in the wall time, not here);
- ORM: django/db/models (building SQL, turning rows into model instances, querysets);
- templates: django/template and the apps' template tags;
- middleware: Django's and the third-party middleware (sessions, auth, CSRF, CSP, OTP, axes,
  history, htmx, whitenoise, gzip) and the project's own middleware modules;
- app: the project's other code (views, selectors, forms, navigation);
- other: the rest (the test client, URL resolving, i18n, the standard library called from them).

Built-ins (getattr, isinstance, len ...) and standard-library helpers (copy, inspect) are charged to
the code that called them, one level up.

Also per request, unprofiled: the median CPU time of this process and the wall time (the difference
is mostly PostgreSQL's time); SQL statements, rows fetched (sum of every SELECT's rows) and the bytes of the
page. Writes bench/profiles/<page>.txt (the buckets and the 30 functions with the most own time) and
bench/profiles/SUMMARY.md (one line per page). Timings on a shared machine are only indicative; the
shares and the query/row counts are what to compare.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402  (sets up Django)
from django.db import connection  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402

BUCKETS = [
    ("database", ("psycopg", "django/db/backends", "django/db/utils.py", "django/db/transaction.py")),
    ("ORM", ("django/db/models",)),
    ("templates", ("django/template", "templatetags", "django/utils/html.py", "django/utils/safestring.py")),
    (
        "middleware",
        (
            "django/middleware",
            "django/contrib/sessions",
            "django/contrib/auth/middleware",
            "django/contrib/messages",
            "csp/",
            "django_otp",
            "axes/",
            "simple_history/middleware",
            "django_htmx",
            "whitenoise",
            "middleware.py",
            "fastpath.py",
        ),
    ),
    ("app", ("aksalarasa/",)),
]


def bucket(filename: str) -> str:
    for name, needles in BUCKETS:
        if any(n in filename for n in needles):
            return name
    return "other"


class RowCounter:
    """A database execute wrapper: statements and rows fetched by SELECTs."""

    def __init__(self) -> None:
        self.statements = 0
        self.rows = 0

    def __call__(self, execute, sql, params, many, context):  # noqa: ANN001
        result = execute(sql, params, many, context)
        self.statements += 1
        cursor = context["cursor"]
        if sql.lstrip()[:6].upper() == "SELECT" and cursor.rowcount and cursor.rowcount > 0:
            self.rows += cursor.rowcount
        return result


_STDLIB = os.path.dirname(os.__file__)


def _is_helper(filename: str) -> bool:
    return filename == "~" or (filename.startswith(_STDLIB) and "site-packages" not in filename)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def profile(ep: dict, runs: int) -> dict:
    c = HttpClient()
    extra = {}
    if ep.get("api"):
        extra["HTTP_AUTHORIZATION"] = ep["headers"][1].split(": ", 1)[1]
    elif ep["user"] is not None:
        c.force_login(ep["user"])
    response = c.get(ep["path"], **extra)  # warm-up
    counter = RowCounter()
    with connection.execute_wrapper(counter):
        response = c.get(ep["path"], **extra)
    walls, cpus = [], []
    for _ in range(max(5, runs // 2)):  # unprofiled: the page's own CPU, and its wall time
        w, c0 = time.perf_counter(), time.process_time()
        c.get(ep["path"], **extra)
        cpus.append((time.process_time() - c0) * 1000)
        walls.append((time.perf_counter() - w) * 1000)
    # The profiler counts this process's CPU time (not wall time): waiting for PostgreSQL, or for a
    # core on a shared machine, is not charged to whichever function was waiting.
    prof = cProfile.Profile(time.process_time)
    for _ in range(runs):
        prof.enable()
        c.get(ep["path"], **extra)
        prof.disable()
    stats = pstats.Stats(prof)
    shares: dict[str, float] = {}
    total = 0.0
    for (filename, _line, _func), (_cc, _nc, tt, _ct, callers) in stats.stats.items():  # type: ignore[attr-defined]
        total += tt
        if _is_helper(filename) and callers:
            # A built-in (getattr, isinstance, len ...) or a standard-library helper (copy, inspect):
            # its time goes to the code that called it (the ORM's clone() calling copy.copy is ORM).
            for (caller_file, _l, _f), (_c, _n, caller_tt, _t) in callers.items():
                shares[bucket(caller_file)] = shares.get(bucket(caller_file), 0.0) + caller_tt
        else:
            shares[bucket(filename)] = shares.get(bucket(filename), 0.0) + tt
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(30)
    return {
        "status": response.status_code,
        "cpu_ms": statistics.median(cpus),
        "wall_ms": statistics.median(walls),
        "queries": counter.statements,
        "rows": counter.rows,
        "kb": len(response.content) / 1024,
        "shares": {k: v / total * 100 for k, v in shares.items()} if total else {},
        "per_request_ms": {k: v / runs * 1000 for k, v in shares.items()},
        "top": out.getvalue(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "profiles"))
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    eps = [ep for ep in harness.endpoints() if not ep.get("sync")]  # reads only: the sync writes
    cookies: dict = {}
    tokens: dict = {}
    names = ["database", "ORM", "templates", "middleware", "app", "other"]
    lines = [
        f"# Page profiles ({os.environ.get('BENCH_PRESET', 'medium')} preset, cProfile, {args.runs} requests "
        "each after a warm-up, one at a time, in-process)",
        "",
        "CPU ms/request and wall ms/request: median of unprofiled requests (CPU of the app process "
        "only; wall includes PostgreSQL). The buckets: own CPU time per request under cProfile, by where "
        "the code lives (inflated by the profiler: compare shares, queries and rows).",
        "",
        "| page | status | CPU ms | wall ms | queries | rows fetched | KB | "
        + " | ".join(f"{n} ms (%)" for n in names)
        + " |",
        "|---|---|---|---|---|---|---|" + "---|" * len(names),
    ]
    for ep in eps:
        ep["headers"] = harness.credentials(ep, cookies, tokens)
        r = profile(ep, args.runs)
        (out / f"{slug(ep['name'])}.txt").write_text(
            f"{ep['name']}: GET {ep['path']}\nstatus {r['status']}, {r['cpu_ms']:.1f} ms CPU / {r['wall_ms']:.1f} ms wall "
            "per request (unprofiled), "
            f"{r['queries']} statements, {r['rows']} rows fetched, {r['kb']:.1f} KB\n\n"
            + "\n".join(
                f"{n:>10}: {r['per_request_ms'].get(n, 0):7.2f} ms  {r['shares'].get(n, 0):5.1f} %"
                for n in names
            )
            + "\n\n"
            + r["top"]
        )
        lines.append(
            f"| {ep['name']} | {r['status']} | {r['cpu_ms']:.1f} | {r['wall_ms']:.1f} | {r['queries']} | {r['rows']} | {r['kb']:.1f} | "
            + " | ".join(f"{r['per_request_ms'].get(n, 0):.1f} ({r['shares'].get(n, 0):.0f})" for n in names)
            + " |"
        )
        print(lines[-1], flush=True)
    (out / "SUMMARY.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
