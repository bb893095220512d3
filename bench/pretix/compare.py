"""Check-in side by side: Aksalarasa and pretix, same driver, same gunicorn settings, same PostgreSQL.

    bench/checkin_vs_pretix.sh [tickets] [scanners]      (sets everything up, then runs this file)

Runs in Aksalarasa's environment. The pretix side must already be installed, migrated and seeded
(bench/pretix/setup.sh, bench/pretix/seed.py); its seed file, configuration and interpreter come from the
environment variables that bench/checkin_vs_pretix.sh sets (PRETIX_SEED, PRETIX_CONFIG_FILE, PRETIX_VENV,
PRETIX_DATA, PRETIX_DATABASE_URL, PG_DIR).

For each system in turn (Aksalarasa first, then pretix), on the same throwaway PostgreSQL cluster:
  1. the data: Aksalarasa's own check-in benchmark setup (bench/checkin_load.py: setup()) creates an event
     with N + W registrations; pretix's seed has N + W paid tickets on one check-in list;
  2. gunicorn with the settings of bench/checkin_load.py (gthread, 2 workers per core, 8 threads,
     keep-alive 30 s, --preload, timeout 120), on 127.0.0.1;
  3. warm-up: W tickets checked in by the scanners (not measured; W = workers x threads);
  4. pass "first": S scanner threads (keep-alive http.client connections, like phones) each scan their
     share of the N tickets once, every request a distinct ticket, so every request is a first check-in;
  5. pass "repeat": the same N tickets scanned again (a new client UUID / nonce each), so every answer
     should be "already checked in";
  6. rows counted afterwards in each database: exactly one successful check-in per ticket.
Requests are not retried: a request without a proper answer counts as an error.

Measured per pass: requests/s (wall clock of the pass), latency p50/p95/p99 (wall clock per request, seen by
the driver), errors, and CPU seconds per request of the gunicorn workers and of the whole PostgreSQL cluster
(utime+stime from /proc, including exited children), which is less sensitive to other load on a shared
machine than wall-clock figures.
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

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import checkin_load  # noqa: E402  (Django is set up by it, with Aksalarasa's settings)
import psycopg  # noqa: E402

from aksalarasa.events.models import CheckIn  # noqa: E402

GUNICORN_ARGS = [
    "--worker-class",
    "gthread",
    "--threads",
    "8",
    "--keep-alive",
    "30",
    "--log-level",
    "warning",
    "--preload",
    "--timeout",
    "120",
]


def cpu_of_tree(pid: int) -> float:
    """utime+stime of a process, of its exited children (cutime+cstime) and of its live children."""
    tick = os.sysconf("SC_CLK_TCK")

    def stat(p: int | str) -> list[str]:
        return Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()

    try:
        fields = stat(pid)
        total = sum(int(fields[i]) for i in (11, 12, 13, 14)) / tick
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    for child in children:
        try:
            f = stat(child)
        except OSError:
            continue
        total += (int(f[11]) + int(f[12])) / tick
    return total


def postgres_pid() -> int | None:
    pg_dir = os.environ.get("PG_DIR")
    if not pg_dir:
        return None
    try:
        return int(Path(pg_dir, "data", "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def start_gunicorn(
    gunicorn: str, app: str, cwd: Path, env: dict, port: int, workers: str, log
) -> subprocess.Popen:
    server = subprocess.Popen(
        [gunicorn, app, "--bind", f"127.0.0.1:{port}", "--workers", workers, *GUNICORN_ARGS],
        cwd=cwd,
        env=env,
        start_new_session=True,
        stderr=log,  # pretix logs every 400 answer ("already checked in") as a warning
    )
    for _ in range(1200):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn for {app} exited with {server.returncode} (log: {log.name})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"gunicorn for {app} did not start")


def stop_gunicorn(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)


def drive(port: int, path: str, headers: dict, tickets: list[str], body_for, classify, scanners: int) -> dict:
    """S scanner threads, each with one keep-alive connection, each scanning its share of the tickets once."""
    latencies: list[float] = []
    outcomes = {"new": 0, "already": 0, "error": 0}
    kinds: dict[str, int] = {}
    lock = threading.Lock()

    def scanner(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        local_lat: list[float] = []
        local = {"new": 0, "already": 0, "error": 0}
        local_kinds: dict[str, int] = {}
        for ticket in tickets[index::scanners]:
            body = json.dumps(body_for(ticket))
            started = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                local["error"] += 1
                local_kinds[type(exc).__name__] = local_kinds.get(type(exc).__name__, 0) + 1
                continue
            local_lat.append(time.perf_counter() - started)
            outcome = classify(response.status, data)
            local[outcome if outcome in local else "error"] += 1
            if outcome not in ("new", "already"):
                local_kinds[outcome] = local_kinds.get(outcome, 0) + 1
        conn.close()
        with lock:
            latencies.extend(local_lat)
            for key, value in local.items():
                outcomes[key] += value
            for key, value in local_kinds.items():
                kinds[key] = kinds.get(key, 0) + value

    threads = [threading.Thread(target=scanner, args=(i,)) for i in range(scanners)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    pct = (
        (lambda q: latencies[min(int(len(latencies) * q), len(latencies) - 1)] * 1000) if latencies else None
    )
    return {
        "requests": len(tickets),
        "elapsed": elapsed,
        "rps": len(tickets) / elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95": pct(0.95) if pct else float("nan"),
        "p99": pct(0.99) if pct else float("nan"),
        **outcomes,
        "kinds": kinds,
    }


def measured(server: subprocess.Popen, run) -> dict:
    """Run a pass and add the CPU per request of the app server and of PostgreSQL, and the load average."""
    pg = postgres_pid()
    app_before, pg_before = cpu_of_tree(server.pid), cpu_of_tree(pg) if pg else 0.0
    result = run()
    app_cpu, pg_cpu = cpu_of_tree(server.pid) - app_before, (cpu_of_tree(pg) - pg_before) if pg else None
    result["app_cpu_ms"] = app_cpu / result["requests"] * 1000
    result["pg_cpu_ms"] = pg_cpu / result["requests"] * 1000 if pg_cpu is not None else None
    result["load"] = os.getloadavg()[0]
    return result


def bench_ours(n: int, warm: int, scanners: int, workers: str) -> dict:
    event, codes, token = checkin_load.setup(n + warm)
    checkin_load.connection.close()
    port = checkin_load.free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "ALLOWED_HOSTS": "127.0.0.1"}
    log = open(ROOT / "var/checkin-vs-pretix-aksalarasa.log", "w")  # noqa: SIM115
    server = start_gunicorn(
        str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", ROOT, env, port, workers, log
    )
    path = f"/api/v1/events/{event.pk}/checkin"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def body_for(code: str) -> dict:
        return {"code": code, "client_uuid": str(uuid.uuid4()), "source": "scan"}

    def classify(status: int, data: bytes) -> str:
        if status == 200:
            return "new" if json.loads(data)["created"] else "already"
        return f"HTTP {status}"

    passes = {}
    try:
        drive(port, path, headers, codes[n:], body_for, classify, scanners)  # warm-up
        measured_codes = codes[:n]
        passes["first"] = measured(
            server, lambda: drive(port, path, headers, measured_codes, body_for, classify, scanners)
        )
        passes["repeat"] = measured(
            server, lambda: drive(port, path, headers, measured_codes, body_for, classify, scanners)
        )
    finally:
        stop_gunicorn(server)
    rows = CheckIn.objects.filter(event=event).count()
    distinct = CheckIn.objects.filter(event=event).values("registration").distinct().count()
    checkin_load.connection.close()
    return {"passes": passes, "rows": rows, "distinct": distinct, "failed_rows": 0, "expected": n + warm}


def bench_pretix(n: int, warm: int, scanners: int, workers: str) -> dict:
    seed = json.loads(Path(os.environ["PRETIX_SEED"]).read_text())
    secrets = seed["secrets"]
    if len(secrets) < n + warm:
        raise SystemExit(f"the pretix seed has {len(secrets)} tickets, {n + warm} needed")
    secrets = secrets[: n + warm]
    port = checkin_load.free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pretix.settings",
        "PRETIX_CONFIG_FILE": os.environ["PRETIX_CONFIG_FILE"],
    }
    venv = Path(os.environ["PRETIX_VENV"])
    log = open(ROOT / "var/checkin-vs-pretix-pretix.log", "w")  # noqa: SIM115
    server = start_gunicorn(
        str(venv / "bin/gunicorn"),
        "pretix.wsgi:application",
        Path(os.environ["PRETIX_DATA"]),
        env,
        port,
        workers,
        log,
    )
    path = f"/api/v1/organizers/{seed['organizer']}/checkinrpc/redeem/"
    headers = {"Authorization": f"Token {seed['token']}", "Content-Type": "application/json"}

    def body_for(secret: str) -> dict:
        return {
            "secret": secret,
            "lists": [seed["list"]],
            "nonce": uuid.uuid4().hex,
            "source_type": "barcode",
            "type": "entry",
        }

    def classify(status: int, data: bytes) -> str:
        try:
            answer = json.loads(data)
        except ValueError:
            return f"HTTP {status}"
        if status == 201 and answer.get("status") == "ok":
            return "new"
        if status == 400 and answer.get("reason") == "already_redeemed":
            return "already"
        return f"HTTP {status} {answer.get('reason') or answer.get('status') or ''}".strip()

    passes = {}
    try:
        drive(port, path, headers, secrets[n:], body_for, classify, scanners)  # warm-up
        measured_secrets = secrets[:n]
        passes["first"] = measured(
            server, lambda: drive(port, path, headers, measured_secrets, body_for, classify, scanners)
        )
        passes["repeat"] = measured(
            server, lambda: drive(port, path, headers, measured_secrets, body_for, classify, scanners)
        )
    finally:
        stop_gunicorn(server)
    with psycopg.connect(os.environ["PRETIX_DATABASE_URL"]) as conn:
        rows, distinct, failed = conn.execute(
            "SELECT count(*) FILTER (WHERE successful), count(DISTINCT position_id) FILTER (WHERE successful),"
            " count(*) FILTER (WHERE NOT successful) FROM pretixbase_checkin WHERE list_id = %s",
            [seed["list"]],
        ).fetchone()
    return {"passes": passes, "rows": rows, "distinct": distinct, "failed_rows": failed, "expected": n + warm}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    scanners = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    workers = os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 2) * 2))
    warm = int(workers) * 8
    if checkin_load.connection.vendor != "postgresql":
        raise SystemExit("This comparison needs PostgreSQL (DATABASE_URL=postgres://...).")
    with checkin_load.connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    checkin_load.connection.close()
    pretix_version = subprocess.run(
        [
            str(Path(os.environ["PRETIX_VENV"]) / "bin/python"),
            "-c",
            "import pretix; print(pretix.__version__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    results = {"Aksalarasa": bench_ours(n, warm, scanners, workers)}
    results[f"pretix {pretix_version}"] = bench_pretix(n, warm, scanners, workers)

    import django

    print(
        f"\nPostgreSQL {pg_version} (one cluster, two databases); Django {django.get_version()} (Aksalarasa); "
        f"pretix {pretix_version}; gunicorn gthread workers={workers} threads=8 for both; "
        f"{scanners} scanners (keep-alive, no retries); {n} tickets per pass after {warm} warm-up check-ins; "
        f"{os.cpu_count()} cores."
    )
    print(
        "\n| system | pass | requests | req/s | p50 ms | p95 ms | p99 ms | new | already | errors "
        "| app CPU ms/req | PG CPU ms/req | load avg |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    ok = True
    for name, res in results.items():
        for pass_name, p in res["passes"].items():
            errors = p["error"] + (p["new"] if pass_name == "repeat" else p["already"])
            ok = ok and errors == 0
            kinds = f" {p['kinds']}" if p["kinds"] else ""
            pg_cpu = f"{p['pg_cpu_ms']:.2f}" if p["pg_cpu_ms"] is not None else "n/a"
            print(
                f"| {name} | {pass_name} | {p['requests']} | {p['rps']:.0f} | {p['p50']:.1f} | {p['p95']:.1f} "
                f"| {p['p99']:.1f} | {p['new']} | {p['already']} | {p['error']}{kinds} | {p['app_cpu_ms']:.2f} "
                f"| {pg_cpu} | {p['load']:.1f} |"
            )
    print()
    for name, res in results.items():
        good = res["rows"] == res["expected"] == res["distinct"]
        ok = ok and good
        extra = f", unsuccessful scans stored: {res['failed_rows']}" if res["failed_rows"] else ""
        print(
            f"{name}: successful check-in rows {res['rows']} for {res['expected']} tickets "
            f"(distinct tickets {res['distinct']}){extra}: {'none lost, none doubled' if good else 'MISMATCH'}"
        )
    ours, theirs = results["Aksalarasa"]["passes"], results[f"pretix {pretix_version}"]["passes"]
    print(
        "\nRatio Aksalarasa / pretix (req/s: above 1 = Aksalarasa faster; latency and CPU: below 1 = faster):"
    )
    for pass_name in ("first", "repeat"):
        a, b = ours[pass_name], theirs[pass_name]
        pg = (
            f", PG CPU/req {a['pg_cpu_ms'] / b['pg_cpu_ms']:.2f}"
            if a["pg_cpu_ms"] is not None and b["pg_cpu_ms"]
            else ""
        )
        print(
            f"  {pass_name}: req/s {a['rps'] / b['rps']:.2f}, p50 {a['p50'] / b['p50']:.2f}, "
            f"p95 {a['p95'] / b['p95']:.2f}, app CPU/req {a['app_cpu_ms'] / b['app_cpu_ms']:.2f}{pg}"
        )
    if not ok:
        print("MISMATCH or errors: see above")
        sys.exit(1)


if __name__ == "__main__":
    main()
