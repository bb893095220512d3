"""Scale-out benchmark: the same pages through PgBouncer (transaction mode), without and with the
streaming replica, and the replica's lag while they run.

    PRIMARY_URL=postgres://...(direct) PGBOUNCER_URL=postgres://.../aksalarasa \
    PGBOUNCER_REPLICA_URL=postgres://.../aksalarasa_replica REPLICA_DIRECT_URL=postgres://... \
    .venv/bin/python bench/scaleout.py

Run by bench/run_scale.sh (so by `make bench`) after generate_scale. For each of the two set-ups,
gunicorn (as in bench/harness.py) connects through PgBouncer with DB_TRANSACTION_POOLER=1; the
second also gets REPLICA_DATABASE_URL, so the router (aksalarasa/core/dbrouter.py) sends the listed
read-only pages to the replica. Per page: p50/p95 and requests per second under `hey` (the harness's
closed loop, BENCH_CONCURRENCY connections for BENCH_SECONDS), and the transactions the replica
served meanwhile (pg_stat_database on the replica itself: proof of where the page read).

Lag, during the replica run: a heartbeat row on the primary is updated every 100 ms and read on the
replica every 100 ms (delay = the replica's clock minus the newest heartbeat it has; both servers
share this machine's clock), and the router's own measure (pg_last_xact_replay_timestamp) is sampled.
"""

from __future__ import annotations

import os
import signal
import statistics
import sys
import threading
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402  (sets up Django on DATABASE_URL, the primary)
from django.conf import settings  # noqa: E402
from django.urls import resolve  # noqa: E402

from aksalarasa.core.dbrouter import LAG_SQL  # noqa: E402

PRIMARY = os.environ["PRIMARY_URL"]
BOUNCER = os.environ["PGBOUNCER_URL"]
BOUNCER_REPLICA = os.environ["PGBOUNCER_REPLICA_URL"]
REPLICA = os.environ["REPLICA_DIRECT_URL"]


def replica_xacts() -> int:
    with psycopg.connect(REPLICA, autocommit=True) as conn:
        row = conn.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
        return int(row[0]) if row else 0


def _in_postgres_db(url: str) -> str:
    """The same server's `postgres` database: the probe's own statements stay out of the app
    database's transaction counts (the last column of the table)."""
    return url.rsplit("/", 1)[0] + "/postgres"


class LagProbe:
    """Heartbeat writes on the primary, reads on the replica; the router's lag figure beside them.
    The heartbeat lives in the `postgres` database (replicated like every database of the cluster)."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.heartbeat_ms: list[float] = []
        self.router_ms: list[float] = []
        with psycopg.connect(_in_postgres_db(PRIMARY), autocommit=True) as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS bench_heartbeat (id int PRIMARY KEY, at timestamptz)")
            conn.execute(
                "INSERT INTO bench_heartbeat VALUES (1, clock_timestamp()) ON CONFLICT (id) DO NOTHING"
            )
        with psycopg.connect(_in_postgres_db(REPLICA), autocommit=True) as conn:  # wait for it on the replica
            deadline = time.monotonic() + 30
            while not conn.execute("SELECT to_regclass('bench_heartbeat')").fetchone()[0]:
                if time.monotonic() > deadline:
                    raise SystemExit("the heartbeat table did not reach the replica in 30 s")
                time.sleep(0.1)
        self.threads = [threading.Thread(target=self._write), threading.Thread(target=self._read)]

    def _write(self) -> None:
        with psycopg.connect(_in_postgres_db(PRIMARY), autocommit=True) as conn:
            while not self.stop.is_set():
                conn.execute("UPDATE bench_heartbeat SET at = clock_timestamp() WHERE id = 1")
                time.sleep(0.1)

    def _read(self) -> None:
        with psycopg.connect(_in_postgres_db(REPLICA), autocommit=True) as conn:
            while not self.stop.is_set():
                row = conn.execute(
                    "SELECT EXTRACT(EPOCH FROM clock_timestamp() - at) * 1000 FROM bench_heartbeat WHERE id = 1"
                ).fetchone()
                if row:
                    self.heartbeat_ms.append(float(row[0]))
                lag = conn.execute(LAG_SQL).fetchone()
                if lag and lag[0] is not None:
                    self.router_ms.append(float(lag[0]) * 1000)
                time.sleep(0.1)

    def __enter__(self) -> LagProbe:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()


def run(eps: list[dict], extra_env: dict[str, str]) -> dict[str, dict]:
    port = harness.free_port()
    server = harness.start_server(port, extra_env)
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        for ep in eps:
            before = replica_xacts()
            load = harness.hey(base + ep["path"], ep["headers"])
            load["replica_xacts"] = replica_xacts() - before
            results[ep["name"]] = load
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return results


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def main() -> None:
    eps = harness.endpoints()
    cookies: dict = {}
    tokens: dict = {}
    for ep in eps:
        ep["headers"] = harness.credentials(ep, cookies, tokens)
    harness.connection.close()
    pooled = {"DATABASE_URL": BOUNCER, "DB_TRANSACTION_POOLER": "1", "REPLICA_DATABASE_URL": ""}
    without = run(eps, pooled)
    with LagProbe() as probe:
        with_replica = run(eps, {**pooled, "REPLICA_DATABASE_URL": BOUNCER_REPLICA})
    print(
        f"\nThrough PgBouncer (transaction mode): {harness.CONCURRENCY} connections for {harness.SECONDS} s "
        f"per page, gunicorn gthread, {os.cpu_count()} cores shared by gunicorn, hey, PgBouncer, the "
        "primary and the replica.\n"
    )
    print(
        "| endpoint | read from (with replica) | primary only: p50 / p95 ms, req/s | with replica: p50 / p95 ms, "
        "req/s | replica transactions during the run |"
    )
    print("|---|---|---|---|---|")
    for ep in eps:
        a, b = without[ep["name"]], with_replica[ep["name"]]
        routed = resolve(ep["path"].split("?")[0]).view_name in settings.REPLICA_READ_VIEWS
        where = "replica" if routed else "primary"
        bad = {k: v for r in (a, b) for k, v in r["codes"].items() if k != "200"}
        print(
            f"| {ep['name']}{f' (errors: {bad})' if bad else ''} | {where} | {a['p50']:.1f} / {a['p95']:.1f}, "
            f"{a['rps']:.0f} | {b['p50']:.1f} / {b['p95']:.1f}, {b['rps']:.0f} | {b['replica_xacts']} |"
        )
    hb, rt = probe.heartbeat_ms, probe.router_ms
    print(
        f"\nReplica lag during the replica run ({len(hb)} samples, heartbeat written every 100 ms): "
        f"heartbeat delay p50 {pct(hb, 0.5):.0f} ms, p95 {pct(hb, 0.95):.0f} ms, max {max(hb, default=0):.0f} ms "
        f"(includes up to 100 ms of heartbeat period); the router's measure "
        f"(replay lag, 0 when caught up) p50 {pct(rt, 0.5):.0f} ms, max {max(rt, default=0):.0f} ms, "
        f"mean {statistics.fmean(rt) if rt else 0:.0f} ms."
    )


if __name__ == "__main__":
    main()
