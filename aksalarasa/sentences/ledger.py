"""The hours ledger's hash chain: each entry carries the hash of the order's previous entry.

`entry_hash` is SHA-256 over a canonical JSON of the entry's fields (sorted keys, UTC ISO times,
integers as integers) including `previous_hash`; the first entry of an order chains to
GENESIS. Changing any stored field, deleting an entry or inserting one behind the application's
back breaks the chain, and `verify` names the first entry where it breaks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = (
    "order_id",
    "sequence",
    "kind",
    "site_id",
    "work_date",
    "start_at",
    "end_at",
    "break_minutes",
    "credited_minutes",
    "work_done",
    "corrects_id",
    "reason",
    "recorded_by_id",
    "recorded_at",
    "previous_hash",
)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def entry_hash(entry: Any) -> str:
    payload = {name: _canonical(getattr(entry, name)) for name in HASHED_FIELDS}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    sequence: int
    problem: str  # "hash" (a field changed) or "link" (an entry missing or inserted)


def verify(entries: Iterable[Any]) -> list[Break]:
    """Check one order's entries, in sequence order: every hash and every link to the previous one."""
    problems = []
    previous, expected_sequence = GENESIS, 1
    for entry in entries:
        if entry.previous_hash != previous or entry.sequence != expected_sequence:
            problems.append(Break(entry.sequence, "link"))
        if entry_hash(entry) != entry.entry_hash:
            problems.append(Break(entry.sequence, "hash"))
        previous, expected_sequence = entry.entry_hash, entry.sequence + 1
    return problems
