"""Benchmark: the program report for an event of 300 participants with 600 responses.

Limits: PDF under 3 s, DOCX under 1 s (each including the analysis it reports).
Run: DEBUG=1 .venv/bin/python bench/evidence_report.py   (builds a throwaway test database;
set DATABASE_URL to a PostgreSQL URL to measure there). Medians of 3 samples, each from cold
in-process caches; the verdict is on wall time, with CPU time shown for loaded machines.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

PDF_LIMIT, DOCX_LIMIT = 3.0, 1.0


def build():
    import random

    from aksalarasa.events.models import CheckIn, Interaction, Registration
    from aksalarasa.evidence import services
    from aksalarasa.evidence.models import InstrumentVersion
    from tests.factories import EventFactory, OfficeFactory, make_program, make_user

    rng = random.Random(1)
    office = OfficeFactory(name="Bapas Kelas I Denpasar")
    head = make_user("office_head", office)
    program = make_program(office, created_by=head, acronym="BENCH")
    start = datetime.datetime(2026, 6, 16, 7, tzinfo=datetime.UTC)
    event = EventFactory(office=office, program=program, start=start, end=start + datetime.timedelta(hours=2))
    services.instruments_install_defaults()
    version = InstrumentVersion.objects.get(instrument__key="resident-attitude")
    before = services.administration_create(
        actor=head, program=program, instrument_version=version, group="resident", point="before", event=event
    )
    after = services.administration_create(
        actor=head, program=program, instrument_version=version, group="resident", point="after", event=event
    )
    keys = list(version.items.values_list("key", flat=True))
    regs = []
    for n in range(300):
        reg = Registration.objects.create(
            office=office,
            event=event,
            group="resident",
            code=f"B{n:05d}",
            name=f"Warga {n}",
            consent_data=True,
        )
        CheckIn.objects.create(event=event, registration=reg, by=head)
        regs.append(reg)
        level = rng.randint(2, 3)
        for administration, shift in ((before, 0), (after, rng.choice([0, 1, 1]))):
            answers = {k: min(5, level + shift + rng.choice([-1, 0, 0, 1])) for k in keys}
            services.response_submit(
                administration=administration, answers=answers, channel="online", code=f"KODE{n:04d}"
            )
    for _ in range(400):
        a, b = sorted(rng.sample(regs, 2), key=lambda r: r.pk)
        Interaction.objects.get_or_create(event=event, first=a, second=b, defaults={"recorded_by": head})
    return program, head


def main() -> int:
    from django.utils import translation

    from aksalarasa.evidence import report

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        program, head = build()
        translation.activate("id")
        report.report_pdf(report.report_data(viewer=head, program=program))  # warm-up (imports, fonts)

        def cold():
            # Each sample starts without the in-process caches (network layout, chart PNGs), so
            # the figures are those of a first request, not of a repeat.
            from aksalarasa.evidence import charts

            charts.spring_positions.cache_clear()
            report._svg_to_png.cache_clear()

        def pdf():
            cold()
            return report.report_pdf(report.report_data(viewer=head, program=program))

        def docx():
            cold()
            return report.report_docx(report.report_data(viewer=head, program=program))

        results = {}
        for name, fn in (("pdf", pdf), ("docx", docx)):
            samples, cpu = [], []
            for _ in range(3):
                t, c = time.perf_counter(), time.process_time()
                size = len(fn())
                samples.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
            results[name] = (statistics.median(samples), size, statistics.median(cpu))
        data = report.report_data(viewer=head, program=program)
        parts = {
            "analysis + charts (report_data)": lambda: report.report_data(viewer=head, program=program),
            "PDF rendering only": lambda: report.report_pdf(data),
            "DOCX rendering only": lambda: report.report_docx(data),
            "SVG to PNG, all charts": lambda: [report.svg_to_png(svg) for svg in report._all_charts(data)],
        }
        for name, fn in parts.items():
            cold()
            t, c = time.perf_counter(), time.process_time()
            fn()
            print(f"  {name}: {time.perf_counter() - t:.2f} s wall, {time.process_time() - c:.2f} s CPU")
        for name, limit in (("pdf", PDF_LIMIT), ("docx", DOCX_LIMIT)):
            wall, size, cpu = results[name]
            verdict = (
                "MET"
                if wall < limit
                else ("MET in CPU time only (machine loaded)" if cpu < limit else "MISSED")
            )
            print(
                f"{name.upper()}: {wall:.2f} s wall, {cpu:.2f} s CPU ({size // 1024} KiB), limit {limit} s: {verdict}"
            )
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time grows with load)")
        return 0 if results["pdf"][0] < PDF_LIMIT and results["docx"][0] < DOCX_LIMIT else 1
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    raise SystemExit(main())
