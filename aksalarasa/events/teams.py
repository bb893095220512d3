"""Mixed activity teams: a pure function, no database (services.py feeds it and stores the result).

People are clients (child or adult), community (residents, partners, speakers, guests) or staff
(officers, officials). Hard constraints, always kept:
  1. the two people of a no-contact pair are never in the same team;
  2. a team with both a child client and an adult client has at least one staff member.
Mix objective: every team should hold its fair share of clients and of community members, i.e.
C/k clients and R/k community members for k teams. The deviation is
    D = sum over teams of |c_t - C/k| + |r_t - R/k|
and the mix score is 1 - D / D_worst, where D_worst is the deviation of putting everyone in one
team (so 1.0 is a perfectly proportional mix and 0.0 no mixing at all). The best possible
deviation, ignoring the hard constraints, is reached by giving each team floor or ceil of C/k
clients and of R/k community members: that is `best_score`, shown for comparison.

Algorithm: staff first, round-robin (they unlock child/adult teams); then clients, most
constrained first, each to the feasible team furthest below its client share; then community the
same way; then local search moves a person from a team above its share to one below it while that
lowers D and keeps the hard constraints. If a person fits no team at all (e.g. one team, no staff,
children and adults), a team is added rather than breaking a constraint; the report says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

CLIENT = "client"
COMMUNITY = "community"
STAFF = "staff"


@dataclass(frozen=True)
class Person:
    id: int
    kind: str  # CLIENT, COMMUNITY or STAFF
    child: bool = False  # for clients: a child client (klien anak)


@dataclass
class TeamReport:
    clients: int
    community: int
    staff: int
    children: int
    adults: int
    client_share: float | None
    ok: bool
    problems: list[str] = field(default_factory=list)


@dataclass
class Report:
    teams: list[TeamReport]
    deviation: float
    best_deviation: float
    score: float
    best_score: float
    constraints_met: bool
    overall_client_share: float | None
    added_teams: int = 0


def _pairs(no_contact: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    conflicts: dict[int, set[int]] = {}
    for a, b in no_contact:
        if a == b:
            continue
        conflicts.setdefault(a, set()).add(b)
        conflicts.setdefault(b, set()).add(a)
    return conflicts


class _State:
    """Team contents with the counts the objective and the constraints need, kept incrementally."""

    def __init__(self, k: int, conflicts: dict[int, set[int]]) -> None:
        self.members: list[set[int]] = [set() for _ in range(k)]
        self.c = [0] * k
        self.r = [0] * k
        self.s = [0] * k
        self.child = [0] * k
        self.adult = [0] * k
        self.conflicts = conflicts
        # Teams without staff are reserved for child or for adult clients (None: either).
        self.reserved: list[bool | None] = [None] * k

    def add_team(self) -> int:
        for lst in (self.c, self.r, self.s, self.child, self.adult):
            lst.append(0)
        self.members.append(set())
        self.reserved.append(None)
        return len(self.members) - 1

    def _count(self, t: int, p: Person, sign: int) -> None:
        if p.kind == CLIENT:
            self.c[t] += sign
            if p.child:
                self.child[t] += sign
            else:
                self.adult[t] += sign
        elif p.kind == STAFF:
            self.s[t] += sign
        else:
            self.r[t] += sign

    def place(self, t: int, p: Person) -> None:
        self.members[t].add(p.id)
        self._count(t, p, 1)

    def remove(self, t: int, p: Person) -> None:
        self.members[t].discard(p.id)
        self._count(t, p, -1)

    def fits(self, t: int, p: Person, *, reserved: bool = True) -> bool:
        """Could p join team t without breaking a hard constraint (or, by default, a reservation)?"""
        if reserved and p.kind == CLIENT and self.reserved[t] is not None and self.reserved[t] != p.child:
            return False
        if self.conflicts.get(p.id) and self.conflicts[p.id] & self.members[t]:
            return False
        if p.kind == CLIENT and self.s[t] == 0:
            if p.child and self.adult[t] > 0:
                return False
            if not p.child and self.child[t] > 0:
                return False
        return True

    def can_leave(self, t: int, p: Person) -> bool:
        """Could p leave team t without breaking it (the last staff of a mixed-age team may not)?"""
        if p.kind == STAFF and self.s[t] == 1 and self.child[t] > 0 and self.adult[t] > 0:
            return False
        return True


def _best_deviation(total: int, k: int) -> float:
    rem = total % k
    return 2 * rem * (k - rem) / k


def assign_teams(
    people: list[Person], team_count: int, no_contact: Iterable[tuple[int, int]] = ()
) -> list[list[int]]:
    """Split people into `team_count` teams (more only if the hard constraints require it)."""
    k = max(1, min(team_count, len(people) or 1))
    conflicts = _pairs(no_contact)
    by_id = {p.id: p for p in people}
    state = _State(k, conflicts)
    where: dict[int, int] = {}

    def degree(p: Person) -> int:
        return len(conflicts.get(p.id, ()))

    staff = sorted((p for p in people if p.kind == STAFF), key=lambda p: (-degree(p), p.id))
    clients = sorted((p for p in people if p.kind == CLIENT), key=lambda p: (-degree(p), p.child, p.id))
    community = sorted((p for p in people if p.kind == COMMUNITY), key=lambda p: (-degree(p), p.id))

    def put(p: Person, counts: list[int]) -> None:
        teams = range(len(state.members))
        candidates = [t for t in teams if state.fits(t, p)]
        if not candidates:
            candidates = [t for t in teams if state.fits(t, p, reserved=False)]
        if not candidates:
            t = state.add_team()
        else:
            t = min(candidates, key=lambda t: (counts[t], len(state.members[t]), t))
        state.place(t, p)
        where[p.id] = t

    for p in staff:
        put(p, state.s)
    _reserve(state, clients)
    for p in clients:
        put(p, state.c)
    for p in community:
        put(p, state.r)

    _improve(state, by_id, where)
    return [sorted(m) for m in state.members]


def _reserve(state: _State, clients: list[Person]) -> None:
    """Without staff, a team may hold children or adults, not both: decide which, in proportion."""
    children = sum(1 for p in clients if p.child)
    adults = len(clients) - children
    staffless = [t for t in range(len(state.members)) if state.s[t] == 0]
    if not children or not adults or not staffless:
        return
    staffed = len(state.members) - len(staffless)
    n_child = round(len(staffless) * children / len(clients))
    if not staffed:
        n_child = min(max(n_child, 1), len(staffless) - 1)
    for index, t in enumerate(staffless):
        state.reserved[t] = index < n_child


def _improve(state: _State, by_id: dict[int, Person], where: dict[int, int], max_rounds: int = 50) -> None:
    """Move single people from a team above its share to one below it while D goes down."""
    k = len(state.members)
    total_c = sum(state.c)
    total_r = sum(state.r)
    for _ in range(max_rounds):
        moved = False
        for counts, kind, total in ((state.c, CLIENT, total_c), (state.r, COMMUNITY, total_r)):
            mean = total / k
            for src in sorted(range(k), key=lambda t: -counts[t]):
                if counts[src] <= mean:
                    break
                for dst in sorted(range(k), key=lambda t: counts[t]):
                    if counts[src] - counts[dst] < 2:
                        break
                    # Moving one person from src to dst lowers |src-mean|+|dst-mean| by 2 when the gap is >= 2.
                    for pid in sorted(state.members[src]):
                        p = by_id[pid]
                        if p.kind != kind or not state.can_leave(src, p):
                            continue
                        state.remove(src, p)
                        if state.fits(dst, p) and _team_still_ok(state, src):
                            state.place(dst, p)
                            where[pid] = dst
                            moved = True
                            break
                        state.place(src, p)
                    if counts[src] <= mean:
                        break
        if not moved:
            return


def _team_still_ok(state: _State, t: int) -> bool:
    return not (state.child[t] > 0 and state.adult[t] > 0 and state.s[t] == 0)


def evaluate(
    teams: list[list[int]], people: list[Person], no_contact: Iterable[tuple[int, int]] = ()
) -> Report:
    """The explanation of a split: mix per team, constraints met, score and the best possible."""
    by_id = {p.id: p for p in people}
    conflicts = _pairs(no_contact)
    k = max(1, len(teams))
    total_c = sum(1 for p in people if p.kind == CLIENT)
    total_r = sum(1 for p in people if p.kind == COMMUNITY)
    reports = []
    deviation = 0.0
    for members in teams:
        ps = [by_id[i] for i in members if i in by_id]
        c = sum(1 for p in ps if p.kind == CLIENT)
        r = sum(1 for p in ps if p.kind == COMMUNITY)
        s = sum(1 for p in ps if p.kind == STAFF)
        children = sum(1 for p in ps if p.kind == CLIENT and p.child)
        problems = []
        ids = set(members)
        clashes = sorted({tuple(sorted((i, j))) for i in ids for j in conflicts.get(i, ()) if j in ids})
        for a, b in clashes:
            problems.append(f"no-contact:{a}:{b}")
        if children and (c - children) and not s:
            problems.append("child-adult-without-staff")
        deviation += abs(c - total_c / k) + abs(r - total_r / k)
        reports.append(
            TeamReport(
                clients=c,
                community=r,
                staff=s,
                children=children,
                adults=c - children,
                client_share=(c / (c + r)) if (c + r) else None,
                ok=not problems,
                problems=problems,
            )
        )
    worst = 2 * (total_c + total_r) * (k - 1) / k
    best = _best_deviation(total_c, k) + _best_deviation(total_r, k)
    score = 1.0 if worst == 0 else 1 - deviation / worst
    best_score = 1.0 if worst == 0 else 1 - best / worst
    return Report(
        teams=reports,
        deviation=deviation,
        best_deviation=best,
        score=score,
        best_score=best_score,
        constraints_met=all(t.ok for t in reports),
        overall_client_share=(total_c / (total_c + total_r)) if (total_c + total_r) else None,
    )


def person_fits(person: Person, team: list[Person], no_contact: Iterable[tuple[int, int]] = ()) -> list[str]:
    """Why `person` may not join `team` (empty list: they may). Used for moves by hand."""
    conflicts = _pairs(no_contact).get(person.id, set())
    problems = [f"no-contact:{person.id}:{p.id}" for p in team if p.id in conflicts]
    if person.kind == CLIENT and not any(p.kind == STAFF for p in team):
        if any(p.kind == CLIENT and p.child != person.child for p in team):
            problems.append("child-adult-without-staff")
    return problems
