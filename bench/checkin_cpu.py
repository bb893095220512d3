"""CPU of one check-in inside Django, lean path against the full API stack (no HTTP server).

    DATABASE_URL=postgres://... .venv/bin/python bench/checkin_cpu.py [check-ins]

Sends N new check-ins and N repeats through Django's request handler (every middleware, as under
gunicorn) with a personal token, once with the scanners' lean path (events/fastpath.py) and once
with it removed from MIDDLEWARE, and prints the process CPU time (time.process_time) per request:
a figure that other load on the machine changes little, unlike wall time. Gunicorn's own HTTP
parsing and PostgreSQL's server CPU are not included (bench/checkin_load.py measures the workers).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import modify_settings  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from checkin_load import setup  # noqa: E402

from aksalarasa.events import fastpath  # noqa: E402


def run(n: int, lean: bool) -> tuple[float, float]:
    event, codes, token = setup(n)
    client = Client()
    url = f"/api/v1/events/{event.pk}/checkin"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    fastpath.cache_clear()
    client.post(url, {"code": "QQQQQQ"}, content_type="application/json", **headers)  # warm
    result = []
    for _round in ("new", "repeat"):
        started = time.process_time()
        for code in codes:
            response = client.post(url, {"code": code}, content_type="application/json", **headers)
            assert response.status_code == 200, response.content
            assert ("Content-Language" not in response.headers) == lean
        result.append((time.process_time() - started) / n * 1000)
    return result[0], result[1]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    lean_new, lean_repeat = run(n, lean=True)
    with modify_settings(MIDDLEWARE={"remove": "aksalarasa.events.fastpath.ScannerCheckInMiddleware"}):
        full_new, full_repeat = run(n, lean=False)
    print(
        f"database: {connection.vendor}; {n} check-ins each; CPU ms per request (process_time, this process)"
    )
    print(f"lean path:  new {lean_new:.2f}  repeat {lean_repeat:.2f}")
    print(f"full stack: new {full_new:.2f}  repeat {full_repeat:.2f}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
