"""The generator's `tiny` preset as a module-wide test world: two offices in two regions with every
record type and state, generated once per test module inside a transaction rolled back at its end.
Used by the permission matrix, the look-ups, the API fuzz and the visibility tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from django.db import transaction

T = TypeVar("T")


def tiny_world(django_db_blocker, seed: int, build: Callable[[], T]) -> Iterator[T]:
    """Generate the `tiny` preset with `seed`, yield `build()` (the module's view of it), roll back."""
    from aksalarasa.seeding import scale

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            sizes = scale.PRESETS["tiny"]
            scale.generate(**{k: getattr(sizes, k) for k in sizes.__dataclass_fields__}, seed=seed)
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
