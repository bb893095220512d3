"""The navigation: each role sees only what it may use. Other apps register their entries here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

# The signed-in user (accounts.User); core names no app (docs/architecture.md).
User = Any


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    allowed: Callable[[User], bool]
    order: int = 100


_ITEMS: list[NavItem] = []


def nav_register(item: NavItem) -> None:
    if all(existing.key != item.key for existing in _ITEMS):
        _ITEMS.append(item)
        _ITEMS.sort(key=lambda i: i.order)


def nav_for(user: User) -> list[dict[str, str]]:
    if not user.is_authenticated:
        return []
    return [
        {"key": item.key, "label": str(item.label), "url": reverse(item.url_name), "view_name": item.url_name}
        for item in _ITEMS
        if item.allowed(user)
    ]
