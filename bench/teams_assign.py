"""Benchmark: mixed teams for 400 checked-in participants with 50 no-contact pairs.

    .venv/bin/python bench/teams_assign.py [participants] [pairs] [teams]
No database: the algorithm is a pure function (aksalarasa/events/teams.py). Runs 20 seeded cases and
prints the worst and median time, whether every hard constraint held, and the mix score against
the best possible (the unconstrained optimum, an upper bound on any feasible split).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aksalarasa.events.teams import CLIENT, COMMUNITY, STAFF, Person, assign_teams, evaluate  # noqa: E402


def case(seed: int, n: int, n_pairs: int) -> tuple[list[Person], set[tuple[int, int]]]:
    rng = random.Random(seed)
    people = []
    for i in range(1, n + 1):
        kind = rng.choices([CLIENT, COMMUNITY, STAFF], weights=[38, 55, 7])[0]
        people.append(Person(id=i, kind=kind, child=kind == CLIENT and rng.random() < 0.25))
    clients = [p.id for p in people if p.kind == CLIENT]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n_pairs:
        a, b = rng.sample(clients, 2)
        pairs.add((min(a, b), max(a, b)))
    return people, pairs


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    n_pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    k = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    times, ratios, all_ok, team_counts = [], [], True, set()
    for seed in range(20):
        people, pairs = case(seed, n, n_pairs)
        started = time.perf_counter()
        teams = assign_teams(people, k, pairs)
        times.append(time.perf_counter() - started)
        report = evaluate(teams, people, pairs)
        all_ok &= report.constraints_met
        ratios.append(report.score / report.best_score)
        team_counts.add(len(teams))
    print(f"participants={n} no-contact pairs={n_pairs} teams requested={k} (got {sorted(team_counts)})")
    print(
        f"time: median {statistics.median(times) * 1000:.1f} ms, worst {max(times) * 1000:.1f} ms (limit 1000 ms)"
    )
    print(f"hard constraints met in every case: {all_ok}")
    print(
        f"mix score / best possible: worst {min(ratios):.4f}, median {statistics.median(ratios):.4f} (limit 0.95)"
    )
    if not all_ok or max(times) >= 1.0 or min(ratios) < 0.95:
        sys.exit(1)


if __name__ == "__main__":
    main()
