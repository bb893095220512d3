"""Small-cell suppression for every table of counts shown beyond an office (one rule, one function).

The rule (also in the README's "Dashboards" section):

1. Primary: a count of 1 to 4 people (under SMALL_CELL) is hidden. Zero stays visible (it names
   nobody).
2. Secondary (complementary): wherever the table prints a total of some cells (a row total, a
   column total, the grand total), that total and its parts must together hide either no cell or
   at least two; otherwise the one hidden cell would be the total minus the rest ("Denpasar 46 +
   hidden = 50"). So when a line has exactly one hidden cell, the smallest visible non-zero part of
   that line is hidden as well (the whole total only when no such part is left). Hiding a cell can
   leave another line with one hidden cell, so this repeats until every line hides none or two or
   more: then no hidden cell can be worked out by subtracting visible cells from a printed total,
   along rows or columns, however often it is repeated.

Totals are not rounded: a printed total is exact, and a hidden cell is shown as hidden, never as a
range, so that a secondary cell (which may be large) is not mislabelled.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from django.utils.translation import gettext_lazy

SMALL_CELL = 5
# What a page, a spreadsheet or a report shows in place of a hidden cell (one word for every hidden
# cell, small or secondary: "<5" would mislabel a secondary cell of 40).
HIDDEN = gettext_lazy("hidden")

K = TypeVar("K", bound=Hashable)


def is_small(n: int) -> bool:
    """A count of 1 to SMALL_CELL - 1 people."""
    return 0 < n < SMALL_CELL


def suppress_table(
    cells: Mapping[K, int], lines: Iterable[tuple[K, Sequence[K]]] = ()
) -> dict[K, int | None]:
    """Every cell of `cells` with the hidden ones as None.

    `lines` are the printed sums: (the key of the total cell, the keys of the cells it adds up).
    Keys of `lines` must all be in `cells`. Deterministic: ties go to the first key in `cells`.
    """
    order = {key: i for i, key in enumerate(cells)}
    hidden = {key for key, n in cells.items() if is_small(n)}
    line_list = [(total, list(parts)) for total, parts in lines]
    changed = True
    while changed:
        changed = False
        for total, parts in line_list:
            if sum(1 for key in (total, *parts) if key in hidden) != 1:
                continue
            candidates = [key for key in parts if key not in hidden and cells[key] > 0]
            extra = min(candidates, key=lambda key: (cells[key], order[key])) if candidates else total
            if extra not in hidden:
                hidden.add(extra)
                changed = True
    return {key: None if key in hidden else n for key, n in cells.items()}


def suppress(n: int | None) -> int | None:
    """One count on its own (no printed total beside it): None when it is a small cell."""
    if n is None:
        return None
    return None if is_small(n) else n
