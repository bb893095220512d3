"""How each page's cost grows with the data (issue 19, item 4): two runs side by side.

    .venv/bin/python bench/growth.py SMALL.md LARGE.md [--small-offices 10 --large-offices 94]

SMALL.md and LARGE.md are the tables `bench/profile_pages.py` writes (its SUMMARY.md: CPU and wall
time per request one at a time, statements, rows fetched) or `bench/harness.py` prints (p95 under
load), from the medium and the national preset. Rows are matched by page name; every numeric
column both tables have is compared (large / small).

A page scoped to one PK or one office reads that office's data only, so it must not slow down
because the other offices grew: its growth may follow its own office's growth (the national
preset's offices are larger: about 3,200 clients each against 2,000 in the medium one, 1.6x), and
no more. Dashboards and lists for a region or the country read per-office summaries, so they may
grow with the number of offices (9.4x), not with the number of rows. The verdict column says which
rule a page is held to and whether it holds.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

# Pages that read across offices by design; every other page is scoped to one PK or one office.
ACROSS_OFFICES = ("regional", "national")
# What "grows as it should" allows beyond the office's own growth: measurement noise on one run.
SLACK = 1.5


def read_table(path: Path) -> dict[str, dict[str, str]]:
    """The first markdown table whose first column is the page ('page' or 'endpoint'), by page."""
    rows: dict[str, dict[str, str]] = {}
    header: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            if header and rows:
                break
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            if cells and cells[0].lower() in ("page", "endpoint"):
                header = cells
            continue
        if set(cells[0]) <= {"-", ":"}:
            continue
        rows[cells[0]] = dict(zip(header, cells, strict=False))
    if not rows:
        raise SystemExit(f"{path}: no table with a 'page' or 'endpoint' column")
    return rows


def number(cell: str) -> float | None:
    """The leading number of a cell ('957.5', '64.3 (3 assets)', '8.1 (7)'); None if there is none."""
    match = re.match(r"^\s*(-?[\d,]*\.?\d+)", cell or "")
    return float(match.group(1).replace(",", "")) if match else None


COMPARED = (
    "CPU ms",
    "wall ms",
    "alone ms",
    "p95 ms",
    "queries",
    "rows fetched",
    "DB floor ms (slowest stmt)",
)


def growth_table(small: dict, large: dict, office_growth: float, offices_growth: float) -> list[str]:
    columns = [
        c for c in COMPARED if any(c in row for row in small.values()) and any(c in r for r in large.values())
    ]
    lines = [
        "| page | " + " | ".join(f"{c}: small → large (×)" for c in columns) + " | held to | verdict |",
        "|---|" + "---|" * (len(columns) + 2),
    ]
    for page, before in small.items():
        after = large.get(page)
        if after is None:
            continue
        across = any(word in page.lower() for word in ACROSS_OFFICES)
        allowed = (offices_growth if across else office_growth) * SLACK
        cells, worst = [], 0.0
        for column in columns:
            a, b = number(before.get(column, "")), number(after.get(column, ""))
            if a is None or b is None:
                cells.append("")
                continue
            ratio = b / a if a else (1.0 if b == 0 else float("inf"))
            cells.append(f"{a:g} → {b:g} ({ratio:.2f})")
            if column in ("CPU ms", "alone ms", "rows fetched"):
                worst = max(worst, ratio)
        rule = f"≤ {allowed:.1f}× ({'number of offices' if across else 'its own office'})"
        verdict = "holds" if worst <= allowed else f"GROWS ({worst:.1f}×)"
        lines.append(f"| {page} | " + " | ".join(cells) + f" | {rule} | {verdict} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("small", type=Path)
    parser.add_argument("large", type=Path)
    parser.add_argument("--small-offices", type=int, default=10)
    parser.add_argument("--large-offices", type=int, default=94)
    parser.add_argument(
        "--office-growth",
        type=float,
        default=300_048 / 94 / (20_000 / 10),
        help="how much larger one office is in the large run (national/medium: 1.6)",
    )
    args = parser.parse_args(argv)
    lines = growth_table(
        read_table(args.small),
        read_table(args.large),
        office_growth=args.office_growth,
        offices_growth=args.large_offices / args.small_offices,
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
