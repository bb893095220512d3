"""Demo data for the evidence app (idempotent; see aksalarasa/core/demo.py)."""

from aksalarasa.core.demo import DemoContext


def load(ctx: DemoContext) -> None:
    pass
