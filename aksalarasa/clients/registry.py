"""Hooks other apps append to in their AppConfig.ready():

- CLIENT_DETAIL_PANELS: extra panels on the client detail page (e.g. the guidance timeline);
- SUBJECT_EXPORT_SECTIONS: extra sections of the data-subject export (sessions, referrals);
- IMPORTERS (in importing.py): extra file importers (e.g. past guidance sessions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aksalarasa.accounts.http import AuthedRequest
    from aksalarasa.clients.models import Client


@dataclass(frozen=True)
class ClientPanel:
    """A panel on the client detail page. `context(request, client)` returns the template's
    context, or None to leave the panel out (e.g. the viewer may not see it)."""

    key: str
    template: str
    context: Callable[[AuthedRequest, Client], dict[str, Any] | None]
    order: int = 100


CLIENT_DETAIL_PANELS: list[ClientPanel] = []


def client_panel_register(panel: ClientPanel) -> None:
    if all(existing.key != panel.key for existing in CLIENT_DETAIL_PANELS):
        CLIENT_DETAIL_PANELS.append(panel)
        CLIENT_DETAIL_PANELS.sort(key=lambda p: p.order)


@dataclass(frozen=True)
class SubjectExportSection:
    """A section of the data-subject export: `rows(client)` returns JSON-ready dicts (dates as
    ISO strings). The PDF shows each dict as a small table."""

    key: str
    title: str | Any
    rows: Callable[[Client], list[dict[str, Any]]]


SUBJECT_EXPORT_SECTIONS: list[SubjectExportSection] = []


def subject_export_register(section: SubjectExportSection) -> None:
    if all(existing.key != section.key for existing in SUBJECT_EXPORT_SECTIONS):
        SUBJECT_EXPORT_SECTIONS.append(section)


# Functions (client_id) -> None that clear another app's free text about a client when the
# retention run anonymises it (e.g. what was said in guidance sessions, referral reasons).
ANONYMISE_HOOKS: list[Callable[[int], None]] = []


def client_anonymise_register(hook: Callable[[int], None]) -> None:
    if hook not in ANONYMISE_HOOKS:
        ANONYMISE_HOOKS.append(hook)
