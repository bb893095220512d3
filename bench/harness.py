"""Benchmark harness: key pages and API lists under load, beside their framework and database floors.

    DATABASE_URL=postgres://... .venv/bin/python bench/harness.py   (after `manage.py generate_scale`)

Run by `make bench` (bench/run.sh) on data from `manage.py generate_scale`. For every endpoint:
  - queries per request: the view called once in-process under CaptureQueriesContext; "alone ms" is
    the median in-process time of 5 calls, one at a time (service time without concurrency);
  - database floor: the SQL captured from that call, run again directly on the connection (median
    of 15 runs of the whole set of statements; the slowest statement is also shown);
  - load: `hey` (apt package) with BENCH_CONCURRENCY (20) connections for BENCH_SECONDS (10) against
    gunicorn on 127.0.0.1, with the session cookie or the Bearer token of the viewer; p50/p95 and
    requests per second;
  - framework floor: /healthz under the same load (it passes through the whole middleware);
  - paced: 20 users again, each on its own connection at BENCH_PACED_RATE (1) requests per
    second, their clocks spread over the second: the load of 20 busy users rather than of 20
    clients that never pause (0 skips it);
  - ratio: p95 / (framework-floor p95 + database floor).
The community-sentence rows (issue 18): the PK's order list (page and API), the site supervisor's
day list (API and the phone app's page) and a sync of SYNC_BATCH (50) queued entries: hey sends
one body again and again (every entry after the first would be a replay), so the sync is driven
by threads here, CONCURRENCY supervisors of different sites each posting 50 NEW entries (new ids;
most arrived with the person's PIN in hours the ledger can still credit, some absent) the moment
the last batch is answered, then paced (a batch a second each); the row says how the closed loop's
entries ended (credited, conflict for the PK, recorded absences). BENCH_ONLY=<words,...> keeps the
rows whose name holds one of the words (and the framework floor).
Then the page weight of the first load of each key page (HTML + its CSS/JS, gzip as sent).
"""

from __future__ import annotations

import datetime
import gzip
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from aksalarasa.accounts.models import User  # noqa: E402
from aksalarasa.accounts.services import api_token_create  # noqa: E402
from aksalarasa.clients.models import Client  # noqa: E402
from aksalarasa.core.scoping import unscoped  # noqa: E402

CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "20"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
# Requests per second of each connection in the paced run (0 turns it off): one click a second
# per user is already a busy user; the closed-loop run has no pause at all.
PACED_RATE = float(os.environ.get("BENCH_PACED_RATE", "1"))
TARGET_P95_MS = 200.0
TARGET_DASHBOARD_MS = 300.0
TARGET_WEIGHT_KB = 150.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@unscoped(reason="benchmark: pick the viewers and one of their clients")
def endpoints() -> list[dict]:
    """(name, path, viewer, kind) of the key pages and API lists, on the first generated office."""
    head = User.objects.get(username="s000.kabapas")
    section = User.objects.get(username="s000.kasi.bkd")
    officer = (
        User.objects.filter(username__startswith="s000.pk", section="adult").order_by("username").first()
    )
    national = User.objects.get(username="scale.national")
    regional = User.objects.filter(role_regional=True, username__startswith="scale.kanwil.").order_by(
        "username"
    )[0]
    client = Client.objects.filter(officer=officer).order_by("pk").first()
    pk_with_orders, supervisor = sentence_viewers()
    return [
        {"name": "healthz (framework floor)", "path": "/healthz", "user": None},
        {"name": "home (officer)", "path": "/", "user": officer, "page": True},
        {"name": "client list (office head)", "path": "/clients/", "user": head, "page": True},
        {"name": "client list, search", "path": "/clients/?q=Made", "user": head},
        {"name": "client detail (officer)", "path": f"/clients/{client.pk}/", "user": officer, "page": True},
        {"name": "caseload (officer)", "path": "/guidance/caseload/", "user": officer, "page": True},
        {"name": "client sessions (officer)", "path": f"/guidance/clients/{client.pk}/", "user": officer},
        {
            "name": "section overview (section head)",
            "path": "/guidance/section/",
            "user": section,
            "page": True,
        },
        {"name": "office overview (office head)", "path": "/guidance/office/", "user": head, "page": True},
        {"name": "Litmas list (office head)", "path": "/clients/litmas/", "user": head},
        {"name": "office dashboard", "path": "/dashboards/office/", "user": head, "page": True, "dash": True},
        {"name": "regional dashboard", "path": "/dashboards/aggregates/", "user": regional, "dash": True},
        {
            "name": "national dashboard",
            "path": "/dashboards/aggregates/",
            "user": national,
            "page": True,
            "dash": True,
        },  # fmt: skip
        {"name": "API clients (office head)", "path": "/api/v1/clients", "user": head, "api": True},
        {"name": "API Litmas (office head)", "path": "/api/v1/litmas", "user": head, "api": True},
        {"name": "API events (office head)", "path": "/api/v1/events", "user": head, "api": True},
        # Community sentences (issue 18): the PK's orders, the site supervisor's day, a sync of 50.
        {"name": "sentence orders (PK)", "path": "/sentences/", "user": pk_with_orders, "page": True},
        {
            "name": "API sentence orders (PK)",
            "path": "/api/v1/sentences/orders",
            "user": pk_with_orders,
            "api": True,
        },
        {
            "name": "supervisor day list (API)",
            "path": "/api/v1/sentences/supervisor/day",
            "user": supervisor,
            "api": True,
        },
        {"name": "supervisor app (page)", "path": "/sentences/supervisor/", "user": supervisor, "page": True},
        {
            "name": f"sync of {SYNC_BATCH} queued entries (supervisor)",
            "path": "/api/v1/sentences/supervisor/sync",
            "user": supervisor,
            "api": True,
            "sync": True,
        },
    ]


def sentence_viewers() -> tuple[User, User]:
    """The first office's PK with the most community-sentence orders, and its first site supervisor."""
    from django.db.models import Count

    from aksalarasa.sentences.models import ServiceSite

    office = User.objects.get(username="s000.kabapas").office
    pk = (
        User.objects.filter(office=office, role_officer=True)
        .annotate(n=Count("clients__sentence_orders"))
        .order_by("-n", "username")
        .first()
    )
    supervisor = (
        User.objects.filter(
            role_site_supervisor=True,
            pk__in=ServiceSite.supervisors.through.objects.filter(servicesite__office=office).values(
                "user_id"
            ),
        )
        .order_by("username")
        .first()
    )
    if pk is None or supervisor is None:
        raise SystemExit("no community-sentence data: generate_scale makes it (orders, sites, supervisors)")
    return pk, supervisor


# --- the sync of queued entries: POST bodies that differ on every request (hey sends one body) ---

SYNC_BATCH = 50
SYNC_PIN = "135790"


@unscoped(reason="benchmark: the supervisors' active orders, and PINs for their people")
def sync_plans(first: User, n: int) -> list[dict]:
    """Up to `n` site supervisors (the endpoint's viewer first), each with the active orders at their
    site(s), a PIN issued for each person (entries are confirmed as on a real phone), and the free
    hours the ledger can still credit (see free_slots)."""
    from aksalarasa.sentences.models import SentenceOrder, ServiceSite
    from aksalarasa.sentences.supervisor.models import PlacementPin
    from aksalarasa.sentences.supervisor.services import pin_hash

    through = ServiceSite.supervisors.through.objects
    others = User.objects.filter(role_site_supervisor=True).exclude(pk=first.pk).order_by("username")
    plans = []
    for user in [first, *others[: n - 1]]:
        sites = list(through.filter(user_id=user.pk).values_list("servicesite_id", flat=True))
        orders = list(
            SentenceOrder.objects.filter(
                site_id__in=sites, status="active", sentence_type="community_service"
            )
            .select_related("client", "office")
            .order_by("pk")
        )
        if not orders:
            continue
        for order in orders:
            PlacementPin.objects.update_or_create(
                order=order,
                defaults={"pin_hash": pin_hash(SYNC_PIN), "issued_by_id": order.client.officer_id},
            )
        plans.append(
            {"user": user, "orders": [(o.pk, o.site_id) for o in orders], "slots": free_slots(orders)}
        )
    return plans


def free_slots(orders: list) -> list[tuple[int, int, str, int]]:
    """(order, site, day, hour) of one-hour sessions the ledger would credit: on the last 30 days
    before today without a planned session (so no lateness event), within the order's period,
    under 8 hours that day and the hours still owed, in an hour (office time, 06:00-21:00) that
    overlaps no line already in the ledger."""
    from zoneinfo import ZoneInfo

    from django.db.models import Sum

    from aksalarasa.sentences.models import HoursEntry
    from aksalarasa.sentences.plan_models import PlannedSession

    ids = [o.pk for o in orders]
    entries = HoursEntry.objects.filter(order_id__in=ids)
    owed = {o.pk: o.minutes_ordered for o in orders}
    for order_id, total in (
        entries.values("order_id").annotate(t=Sum("credited_minutes")).values_list("order_id", "t")
    ):
        owed[order_id] -= total or 0
    first_day = min(o.office.today() for o in orders) - datetime.timedelta(days=30)
    lines: dict[tuple[int, datetime.date], list] = {}
    for order_id, day, minutes, start, end in entries.filter(work_date__gte=first_day).values_list(
        "order_id", "work_date", "credited_minutes", "start_at", "end_at"
    ):
        lines.setdefault((order_id, day), []).append((minutes, start, end))
    planned = set(
        PlannedSession.objects.filter(order_id__in=ids, day__gte=first_day).values_list("order_id", "day")
    )
    slots = []
    for order in orders:
        zone, today = ZoneInfo(order.office.time_zone), order.office.today()
        for back in range(30, 0, -1):
            day = today - datetime.timedelta(days=back)
            if not order.start_date <= day <= order.end_date or (order.pk, day) in planned:
                continue
            day_lines = lines.get((order.pk, day), [])
            used = sum(minutes for minutes, _s, _e in day_lines)
            busy = [(s.astimezone(zone).hour, e.astimezone(zone)) for _m, s, e in day_lines if s and e]
            taken = 0
            for hour in range(6, 21):
                if taken == 3 or used + 60 > 8 * 60 or owed[order.pk] < 60:
                    break
                if any(start_hour <= hour < end.hour + (1 if end.minute else 0) for start_hour, end in busy):
                    continue
                slots.append((order.pk, order.site_id, day.isoformat(), hour))
                used, owed[order.pk], taken = used + 60, owed[order.pk] - 60, taken + 1
    random.Random(len(slots)).shuffle(slots)
    return slots


def sync_body(plan: dict, rng: random.Random) -> bytes:
    """SYNC_BATCH entries with new ids, as a phone queues them over some days: first the hours the
    ledger can still credit (free_slots, each sent once), some absences with a reason; when those run
    out, hours on random recent days that mostly overlap the ledger (conflicts for the PK)."""
    today = datetime.date.today()
    entries = []
    for _ in range(SYNC_BATCH):
        order_id, site_id = rng.choice(plan["orders"])
        entry = {
            "id": str(uuid.uuid4()),
            "order_id": order_id,
            "site_id": site_id,
            "work_date": (today - datetime.timedelta(days=rng.randint(1, 6))).isoformat(),
        }
        if rng.random() < 0.1:
            entry |= {"attendance": "absent", "absence_reason": "Sakit, surat dokter menyusul"}
        else:
            start = rng.choice([7, 8, 9, 13])
            try:
                order_id, site_id, day, start = plan["slots"].pop()
                entry |= {"order_id": order_id, "site_id": site_id, "work_date": day}
            except IndexError:
                pass
            entry |= {
                "attendance": "arrived",
                "start": f"{start:02d}:00",
                "end": f"{start + 1:02d}:00",
                "break_minutes": 0,
                "work_done": "Membersihkan pantai",
                "pin": SYNC_PIN,
            }
        entries.append(entry)
    return json.dumps({"entries": entries}).encode()


def sync_closed_loop(port: int, plans: list[dict], tokens: dict, rate: float = 0.0) -> dict:
    """CONCURRENCY connections for SECONDS, each a different supervisor (as 20 phones coming back
    online) posting SYNC_BATCH new entries the moment its last batch is answered; with `rate`, each
    posts `rate` batches a second instead, the supervisors' clocks spread over the second (paced)."""
    started = time.monotonic()
    deadline = started + SECONDS
    times: list[float] = []
    codes: dict[str, int] = {}
    states: dict[str, int] = {}
    lock = threading.Lock()

    def run(k: int) -> None:
        plan = plans[k % len(plans)]
        rng = random.Random(k)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Authorization": f"Bearer {tokens[plan['user'].pk]}", "Content-Type": "application/json"}
        sent = 0
        while time.monotonic() < deadline:
            if rate:
                due = started + (k / CONCURRENCY + sent) / rate
                time.sleep(max(0.0, due - time.monotonic()))
                sent += 1
            body = sync_body(plan, rng)
            t = time.perf_counter()
            conn.request("POST", "/api/v1/sentences/supervisor/sync", body=body, headers=headers)
            response = conn.getresponse()
            answer = response.read()
            ms = (time.perf_counter() - t) * 1000
            with lock:
                times.append(ms)
                codes[str(response.status)] = codes.get(str(response.status), 0) + 1
                if response.status == 200:
                    for result in json.loads(answer)["results"]:
                        states[result["state"]] = states.get(result["state"], 0) + 1
        conn.close()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))] if times else float("nan")  # noqa: E731
    return {
        "rps": len(times) / SECONDS,
        "p50": pick(0.50),
        "p95": pick(0.95),
        "codes": codes,
        "states": states,
    }


def credentials(endpoint: dict, cookies: dict, tokens: dict) -> list[str]:
    user = endpoint["user"]
    if user is None:
        return []
    if endpoint.get("api"):
        if user.pk not in tokens:
            tokens[user.pk] = api_token_create(user=user, name="bench")[1]
        return ["-H", f"Authorization: Bearer {tokens[user.pk]}"]
    if user.pk not in cookies:
        c = HttpClient()
        c.force_login(user)
        cookies[user.pk] = c.cookies[settings.SESSION_COOKIE_NAME].value
    return ["-H", f"Cookie: {settings.SESSION_COOKIE_NAME}={cookies[user.pk]}"]


def in_process(endpoint: dict, headers: list[str]) -> tuple[int, list[str], float]:
    """Status and SQL of one request through the whole stack, in-process (second call: warm)."""
    c = HttpClient()
    if endpoint["user"] is not None and not endpoint.get("api"):
        c.force_login(endpoint["user"])
    extra = {}
    if endpoint.get("api"):
        extra["HTTP_AUTHORIZATION"] = headers[1].split(": ", 1)[1]
    if endpoint.get("sync"):  # a new batch each time (a replay would store nothing)
        rng = random.Random(0)

        def send():
            body = sync_body(endpoint["plan"], rng)
            return c.post(endpoint["path"], body, content_type="application/json", **extra)
    else:

        def send():
            return c.get(endpoint["path"], **extra)

    send()
    times = []
    for _ in range(5):
        t = time.perf_counter()
        send()
        times.append((time.perf_counter() - t) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        response = send()
    return response.status_code, [q["sql"] for q in ctx.captured_queries], statistics.median(times)


def db_floor(sqls: list[str]) -> tuple[float, float]:
    """Median ms of running the captured statements directly, and ms of the slowest one."""
    reads = [s for s in sqls if s.lstrip().upper().startswith("SELECT")]
    totals, slowest = [], {}
    with connection.cursor() as cursor:
        for _ in range(15):
            total = 0.0
            for i, sql in enumerate(reads):
                t = time.perf_counter()
                try:
                    cursor.execute(sql)
                    cursor.fetchall()
                except Exception:  # noqa: BLE001  (captured SQL with literals that do not re-parse)
                    connection.rollback() if not connection.in_atomic_block else None
                    continue
                ms = (time.perf_counter() - t) * 1000
                slowest[i] = min(slowest.get(i, ms), ms)
                total += ms
            totals.append(total)
    return statistics.median(totals), max(slowest.values(), default=0.0)


def hey(url: str, headers: list[str]) -> dict:
    """Closed loop: CONCURRENCY connections, each sending its next request as soon as the last one
    is answered (20 clients that never pause: the worst case, and what the targets are read on)."""
    out = subprocess.run(
        ["hey", "-z", f"{SECONDS}s", "-c", str(CONCURRENCY), *headers, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(q: str) -> float:  # hey prints no distribution when no request got an answer
        found = re.search(q + r"%+ in ([\d.]+) secs", out)
        return float(found.group(1)) * 1000 if found else float("nan")

    p50, p95 = latency("50"), latency("95")
    codes = dict(re.findall(r"\[(\d{3})\]\s+(\d+) responses", out))
    errors = sum(int(n) for n in re.findall(r"\[(\d+)\]\s+Get ", out))
    if errors:
        codes["errors"] = str(errors)
        codes["first error"] = out.split("Error distribution:", 1)[-1].strip().splitlines()[0][:160]
    return {"rps": rps, "p50": p50, "p95": p95, "codes": codes}


def hey_paced(url: str, headers: list[str]) -> dict:
    """CONCURRENCY users, each on its own connection sending PACED_RATE requests per second, their
    clocks spread evenly over the second (one `hey -c 1 -q RATE` each, started 1/(users x rate)
    apart): the load of 20 busy users. One `hey -c 20 -q 1` would instead fire all 20 at the same
    instant every second, a synchronised burst that no group of people produces."""
    gap = 1.0 / (CONCURRENCY * PACED_RATE)
    procs = []
    for _ in range(CONCURRENCY):
        procs.append(
            subprocess.Popen(
                ["hey", "-z", f"{SECONDS}s", "-c", "1", "-q", f"{PACED_RATE:g}", "-o", "csv", *headers, url],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
        )
        time.sleep(gap)
    times, codes = [], {}
    for proc in procs:
        out, _err = proc.communicate(timeout=SECONDS + 120)
        for line in out.splitlines()[
            1:
        ]:  # response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset
            cells = line.split(",")
            if len(cells) >= 7 and cells[0]:
                times.append(float(cells[0]) * 1000)
                codes[cells[6]] = codes.get(cells[6], 0) + 1
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))] if times else float("nan")  # noqa: E731
    return {"rps": len(times) / SECONDS, "p50": pick(0.50), "p95": pick(0.95), "codes": codes}


def fetch(url: str, headers: dict) -> tuple[bytes, int]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip", **headers})
    with urllib.request.urlopen(req) as resp:  # noqa: S310  (loopback)
        raw = resp.read()
        body = gzip.decompress(raw) if resp.headers.get("Content-Encoding") == "gzip" else raw
        return body, len(raw)


def page_weight(base: str, path: str, cookie: str) -> tuple[int, int]:
    """Bytes on the wire (gzip) of the page and of every stylesheet and script it links."""
    headers = {"Cookie": cookie}
    html, total = fetch(base + path, headers)
    assets = re.findall(rb'<link[^>]+href="([^"]+\.css[^"]*)"', html) + re.findall(
        rb'<script[^>]+src="([^"]+)"', html
    )
    for asset in dict.fromkeys(assets):
        _body, size = fetch(base + asset.decode(), headers)
        total += size
    return total, len(assets)


def start_server(port: int, extra_env: dict[str, str] | None = None) -> subprocess.Popen:
    workers = os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 2) * 2))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "ALLOWED_HOSTS": "127.0.0.1"}
    # The look-up rate limit (120 searches a minute per person) would answer most of a load run's
    # searches with 429: the benchmark measures the pages, not the limiter.
    env["RATELIMIT_ENABLE"] = "0"
    env.update(extra_env or {})
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            "gthread",
            "--workers",
            workers,
            "--threads",
            "4",
            "--keep-alive",
            "30",
            "--preload",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def main() -> None:
    if connection.vendor != "postgresql":
        print("Warning: meant for PostgreSQL (DATABASE_URL=postgres://...).")
    eps = endpoints()
    if only := os.environ.get("BENCH_ONLY"):  # e.g. BENCH_ONLY=sentence,supervisor: the floor row too
        words = [w.strip() for w in only.split(",") if w.strip()]
        eps = [eps[0], *(ep for ep in eps[1:] if any(w in ep["name"] for w in words))]
    cookies: dict = {}
    tokens: dict = {}
    plans: list[dict] = []
    for ep in eps:
        ep["headers"] = credentials(ep, cookies, tokens)
        if ep.get("sync"):
            plans = sync_plans(ep["user"], CONCURRENCY)
            ep["plan"] = plans[0]
            for plan in plans:
                credentials({"user": plan["user"], "api": True}, cookies, tokens)
        ep["status"], sqls, ep["alone_ms"] = in_process(ep, ep["headers"])
        ep["queries"] = len(sqls)
        ep["db_ms"], ep["db_slowest_ms"] = db_floor(sqls)
    connection.close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    try:
        for ep in eps:
            if ep.get("sync"):  # threads, not hey: every batch has new ids
                ep["load"] = sync_closed_loop(port, plans, tokens)
                if PACED_RATE:  # a batch a second per supervisor: far more than phones coming online
                    ep["paced"] = sync_closed_loop(port, plans, tokens, rate=PACED_RATE)
                continue
            ep["load"] = hey(base + ep["path"], ep["headers"])
            if PACED_RATE:
                ep["paced"] = hey_paced(base + ep["path"], ep["headers"])
            if ep.get("page"):
                ep["weight"], ep["assets"] = page_weight(base, ep["path"], ep["headers"][1].split(": ", 1)[1])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    floor = eps[0]["load"]["p95"]
    print(
        f"\n{CONCURRENCY} concurrent connections for {SECONDS} s each, gunicorn gthread on 127.0.0.1, "
        f"{os.cpu_count()} cores. Framework floor = /healthz p95 {floor:.1f} ms.\n"
    )
    paced_floor = eps[0]["paced"]["p95"] if PACED_RATE else 0.0
    if PACED_RATE:
        print(
            f"Paced: {CONCURRENCY} users on their own connections at {PACED_RATE:g} request/s each, "
            f"spread over the second ({CONCURRENCY * PACED_RATE:g} req/s offered); framework floor "
            f"p95 {paced_floor:.1f} ms.\n"
        )
    print(
        "| endpoint | status | queries | alone ms | p50 ms | p95 ms | req/s | DB floor ms (slowest stmt) "
        "| p95 / (fw+DB floor) | p95 target | paced p95 ms (ratio) | page KB gz |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for ep in eps:
        load = ep["load"]
        ratio = load["p95"] / (floor + ep["db_ms"]) if ep is not eps[0] else 1.0
        limit = TARGET_DASHBOARD_MS if ep.get("dash") else TARGET_P95_MS
        ok = load["p95"] < limit and (ratio <= 3.0 or ep is eps[0])
        bad = {k: v for k, v in load["codes"].items() if k != "200"}
        status = f"{ep['status']}" + (f" (load: {bad})" if bad else "")
        if "states" in load:
            status += " (entries: " + ", ".join(f"{k} {v}" for k, v in sorted(load["states"].items())) + ")"
        paced = ""
        if "paced" in ep:
            p95 = ep["paced"]["p95"]
            paced_ratio = p95 / (paced_floor + ep["db_ms"]) if ep is not eps[0] else 1.0
            held = p95 < limit and (paced_ratio <= 3.0 or ep is eps[0])
            paced = f"{p95:.1f} ({paced_ratio:.1f}) {'holds' if held else 'MISSES'}"
        weight = f"{ep['weight'] / 1024:.1f} ({ep['assets']} assets)" if "weight" in ep else ""
        if weight and ep["weight"] / 1024 >= TARGET_WEIGHT_KB:
            weight += " OVER"
        print(
            f"| {ep['name']} | {status} | {ep['queries']} | {ep['alone_ms']:.1f} | {load['p50']:.1f} | {load['p95']:.1f} | "
            f"{load['rps']:.0f} | {ep['db_ms']:.1f} ({ep['db_slowest_ms']:.1f}) | {ratio:.1f} | "
            f"{'holds' if ok else 'MISSES'} (<{limit:.0f}) | {paced} | {weight} |"
        )


if __name__ == "__main__":
    main()
