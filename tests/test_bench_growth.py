"""bench/growth.py reads the profile and harness tables of two runs and holds each page to its rule:
a page of one office may grow with that office, a regional or national page with the number of
offices, and no page with the rows of offices it does not read."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import growth  # noqa: E402

SMALL = """# Page profiles (medium)

| page | status | CPU ms | wall ms | queries | rows fetched | KB |
|---|---|---|---|---|---|---|
| home (officer) | 200 | 18.4 | 42.0 | 12 | 20 | 3.7 |
| client list (office head) | 200 | 16.6 | 39.4 | 7 | 79 | 14.1 |
| national dashboard | 200 | 9.9 | 28.8 | 7 | 30 | 17.9 |
"""
LARGE = """| page | status | CPU ms | wall ms | queries | rows fetched | KB |
|---|---|---|---|---|---|---|
| home (officer) | 200 | 19.0 | 44.0 | 12 | 20 | 3.7 |
| client list (office head) | 200 | 60.0 | 140.0 | 7 | 790 | 14.1 |
| national dashboard | 200 | 30.0 | 70.0 | 7 | 300 | 17.9 |
"""


def test_each_page_is_held_to_its_own_rule(tmp_path):
    small, large = tmp_path / "medium.md", tmp_path / "national.md"
    small.write_text(SMALL)
    large.write_text(LARGE)
    lines = growth.growth_table(
        growth.read_table(small), growth.read_table(large), office_growth=1.6, offices_growth=9.4
    )
    by_page = {line.split("|")[1].strip(): line for line in lines[2:]}
    assert by_page.keys() == {"home (officer)", "client list (office head)", "national dashboard"}
    assert by_page["home (officer)"].endswith("| holds |")
    assert "18.4 → 19 (1.03)" in by_page["home (officer)"]
    # Ten times the rows for one office's list: it reads other offices' data (or scans them).
    assert "GROWS (10.0×)" in by_page["client list (office head)"]
    # The country's dashboard may grow with the number of offices (9.4 × the slack).
    assert "number of offices" in by_page["national dashboard"] and by_page["national dashboard"].endswith(
        "| holds |"
    )


def test_harness_cells_with_notes_read_as_their_number():
    assert growth.number("64.3 (3 assets)") == 64.3
    assert growth.number("1,048.8") == 1048.8
    assert growth.number("MISSES (<200)") is None
