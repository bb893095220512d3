"""Blocks on the home page: each app registers what a role should see first after login."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aksalarasa.accounts.models import User


@dataclass(frozen=True)
class HomeBlock:
    key: str
    template: str
    allowed: Callable[[User], bool]
    data: Callable[[User], Any]
    order: int = 100


_BLOCKS: list[HomeBlock] = []


def home_block_register(block: HomeBlock) -> None:
    if all(existing.key != block.key for existing in _BLOCKS):
        _BLOCKS.append(block)
        _BLOCKS.sort(key=lambda b: b.order)


def home_blocks_for(user: User) -> list[dict[str, Any]]:
    return [{"template": b.template, "data": b.data(user)} for b in _BLOCKS if b.allowed(user)]
