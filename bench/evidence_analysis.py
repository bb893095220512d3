"""Benchmark: the full paired analysis of 10,000 before/after pairs must take under 300 ms.

Run: .venv/bin/python bench/evidence_analysis.py
Likert-like subscale means (multiples of 1/4 on 1..5), a moderate improvement with noise. Reports
the median of 7 runs after one warm-up, and the cost of each part.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aksalarasa.evidence import stats  # noqa: E402

LIMIT_MS = 300.0


def data(n: int = 10_000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(42)
    before = rng.integers(4, 21, n) / 4
    after = np.clip(before + rng.integers(-4, 7, n) / 4, 1, 5)
    return before, after


def timed(fn, runs: int = 7) -> float:
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> int:
    before, after = data()
    d = after - before
    total = timed(lambda: stats.paired_analysis(before, after))
    parts = {
        "wilcoxon": timed(lambda: stats.wilcoxon_signed_rank(d)),
        "hodges_lehmann+CI": timed(lambda: stats.hodges_lehmann(d)),
        "bootstrap (2000)": timed(lambda: stats.bootstrap_mean_ci(d)),
        "cronbach (10000x5)": timed(
            lambda: stats.cronbach_alpha(np.column_stack([before + k * 0.1 for k in range(5)]))
        ),
        "mann-whitney+cliff (5000 vs 5000)": timed(
            lambda: stats.unpaired_analysis(before[:5000], after[5000:])
        ),
    }
    print(f"paired analysis of {len(d)} pairs: {total:.1f} ms (limit {LIMIT_MS:.0f} ms)")
    for name, ms in parts.items():
        print(f"  {name}: {ms:.1f} ms")
    return 0 if total < LIMIT_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
