"""The home page: each app registers what a role should see first after login.

`core` imports no domain app (docs/architecture.md): the apps register here, in their
`AppConfig.ready()`, the context of the page (`home_context_register`) and its blocks
(`home_block_register`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# The signed-in user (accounts.User); core names no app, so the type stays open here.
Viewer = Any


@dataclass(frozen=True)
class HomeBlock:
    key: str
    template: str
    allowed: Callable[[Viewer], bool]
    data: Callable[[Viewer], Any]
    order: int = 100


_BLOCKS: list[HomeBlock] = []
_CONTEXT: list[Callable[..., dict[str, Any]]] = []


def home_block_register(block: HomeBlock) -> None:
    if all(existing.key != block.key for existing in _BLOCKS):
        _BLOCKS.append(block)
        _BLOCKS.sort(key=lambda b: b.order)


def home_context_register(provider: Callable[..., dict[str, Any]]) -> None:
    """`provider(viewer=user)` returns entries of the home page's context."""
    if provider not in _CONTEXT:
        _CONTEXT.append(provider)


def home_blocks_for(user: Viewer) -> list[dict[str, Any]]:
    return [{"template": b.template, "data": b.data(user)} for b in _BLOCKS if b.allowed(user)]


def home_context(*, viewer: Viewer) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for provider in _CONTEXT:
        context.update(provider(viewer=viewer))
    context["home_blocks"] = home_blocks_for(viewer)
    return context
