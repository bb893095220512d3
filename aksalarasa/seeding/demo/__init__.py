"""The Denpasar demo: fiction built on the public facts of the reference case.

Each app that has demo data lists a loader in DEMO_LOADERS (in cycle order). Every loader is
idempotent: it looks rows up by natural key and creates only what is missing, so a second
`load_demo` changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.db import transaction

DEMO_PASSWORD = "Aksalarasa-demo-2026"

DEMO_LOADERS = [
    "aksalarasa.seeding.demo.offices",
    "aksalarasa.seeding.demo.accounts",
    "aksalarasa.seeding.demo.clients",
    "aksalarasa.seeding.demo.partners",
    "aksalarasa.seeding.demo.guidance",
    "aksalarasa.seeding.demo.programs",
    "aksalarasa.seeding.demo.events",
    "aksalarasa.seeding.demo.evidence",
    "aksalarasa.seeding.demo.sentences",
]


@dataclass
class DemoContext:
    """What loaders share: the objects earlier loaders made, and a report of what was created."""

    objects: dict[str, Any] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # username, roles, office

    def count(self, what: str, created: bool) -> None:
        if created:
            self.created[what] = self.created.get(what, 0) + 1


@transaction.atomic
def load_demo() -> DemoContext:
    ctx = DemoContext()
    for dotted in DEMO_LOADERS:
        import_module(dotted).load(ctx)
    return ctx
