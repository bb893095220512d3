"""Import of past guidance sessions (XLSX/CSV) through the clients app's import framework.

All rows are validated first (with the same SessionRecordForm as the one-screen record page);
any error imports nothing. A row whose client, time and kind already exist is left unchanged, so
importing the same file twice creates no duplicates.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aksalarasa.accounts.models import User
from aksalarasa.clients.importing import Column, Importer, ImportResult, RowIssue
from aksalarasa.clients.models import Client
from aksalarasa.core.history import save_many
from aksalarasa.guidance.forms import SessionRecordForm
from aksalarasa.guidance.models import Engagement, GuidanceSession, Kind, Outcome, Place
from aksalarasa.guidance.summaries import client_summaries_refresh

FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M")
DATE_ONLY = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
DEFAULT_HOUR = time(9, 0)


def _choice(value: str, choices) -> str | None:
    """A choice by its code or its label in English or Bahasa Indonesia (case-insensitive), so a
    file filled in either language imports whatever the language of the person uploading it."""
    from django.utils import translation

    lower = value.strip().lower()
    for code, label in choices:
        names = {str(code).lower()}
        for language in ("en", "id"):
            with translation.override(language):
                names.add(str(label).lower())
        if lower in names:
            return str(code)
    return None


class SessionImporter(Importer):
    key = "guidance_sessions"
    title = gettext_lazy("Past guidance sessions")
    columns = [
        Column(
            "register_number", gettext_lazy("register number"), required=True, example="PAS-DPS-2025-0001"
        ),
        Column(
            "scheduled_at",
            gettext_lazy("scheduled at"),
            required=True,
            example="2025-03-14 09:30",
            help=gettext_lazy(
                "Date and time in the office's zone: YYYY-MM-DD HH:MM. A date alone means 09:00."
            ),
        ),
        Column("kind", gettext_lazy("kind"), required=True, example="report_in", help=", ".join(Kind.values)),
        Column("place", gettext_lazy("place"), example="office", help=", ".join(Place.values)),
        Column(
            "outcome",
            gettext_lazy("outcome"),
            required=True,
            example="attended",
            help=", ".join(Outcome.values),
        ),
        Column(
            "engagement",
            gettext_lazy("engagement"),
            example="2",
            help=gettext_lazy("1-4, only when the client attended"),
        ),
        Column("notes", gettext_lazy("notes"), example=""),
    ]

    @classmethod
    def allowed(cls, user: User) -> bool:
        return bool(user.office_id) and user.has_role("office_head", "section_head", "officer")

    def prepare(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        numbers = {row.get("register_number", "").strip() for _n, row in rows}
        self.clients = {
            c.register_number: c
            for c in Client.objects.visible_to(self.actor).filter(
                office=self.office, register_number__in=numbers
            )
        }
        self.existing = set(
            GuidanceSession.objects.filter(client__in=self.clients.values()).values_list(
                "client_id", "scheduled_at", "kind"
            )
        )
        self.seen: set[tuple] = set()
        self.zone = zoneinfo.ZoneInfo(self.office.time_zone)

    def _when(self, text: str) -> tuple[datetime | None, bool]:
        text = text.strip()
        for fmt in FORMATS:
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=self.zone), False
            except ValueError:
                continue
        for fmt in DATE_ONLY:
            try:
                day = datetime.strptime(text, fmt).date()
            except ValueError:
                continue
            return datetime.combine(day, DEFAULT_HOUR, tzinfo=self.zone), True
        return None, False

    def validate_row(self, number: int, row: dict[str, str]) -> tuple[Any, list[RowIssue], list[RowIssue]]:
        issues: list[RowIssue] = []
        warnings: list[RowIssue] = []
        client = self.clients.get(row.get("register_number", "").strip())
        if client is None:
            issues.append(
                RowIssue(number, "register_number", _("No client with this register number in your scope."))
            )
        when, date_only = self._when(row.get("scheduled_at", ""))
        if when is None:
            issues.append(RowIssue(number, "scheduled_at", _("Write the date and time as YYYY-MM-DD HH:MM.")))
        elif date_only:
            warnings.append(RowIssue(number, "scheduled_at", _("No time given: 09:00 assumed.")))
        kind = _choice(row.get("kind", ""), [c for c in Kind.choices if c[0] != Kind.PARTNER])
        place = _choice(row.get("place", "") or Place.OFFICE, Place.choices)
        outcome = _choice(row.get("outcome", ""), Outcome.choices)
        for column, value in (("kind", kind), ("place", place), ("outcome", outcome)):
            if value is None:
                issues.append(RowIssue(number, column, _("Unknown value.")))
        engagement = row.get("engagement", "").strip()
        if engagement and engagement not in {str(v) for v in Engagement.values}:
            issues.append(RowIssue(number, "engagement", _("Engagement is a number from 1 to 4.")))
        if issues or client is None:
            return None, issues, warnings
        if outcome == Outcome.RESCHEDULED:
            issues.append(
                RowIssue(number, "outcome", _("Rescheduled sessions cannot be imported; import the new one."))
            )
            return None, issues, warnings
        form = SessionRecordForm(
            {
                "kind": kind,
                "place": place,
                "outcome": outcome,
                "engagement": engagement,
                "not_held_reason": "logistics" if outcome == Outcome.NOT_HELD else "",
                "notes": row.get("notes", ""),
            },
            session_at=when,
        )
        if not form.is_valid():
            for field, errors in form.errors.items():
                issues.extend(RowIssue(number, field if field != "__all__" else "", str(e)) for e in errors)
            return None, issues, warnings
        key = (client.pk, when, kind)
        if key in self.existing or key in self.seen:
            return ("unchanged", None), issues, warnings
        self.seen.add(key)
        return ("new", (client, when, form.cleaned_data)), issues, warnings

    def commit(self, items: list[Any], result: ImportResult) -> None:
        now = timezone.now()
        new = []
        for status, payload in items:
            if status == "unchanged":
                result.unchanged += 1
                continue
            client, when, data = payload
            new.append(
                GuidanceSession(
                    office_id=client.office_id,
                    client=client,
                    officer_id=client.officer_id,
                    kind=data["kind"],
                    place=data["place"],
                    scheduled_at=when,
                    outcome=data["outcome"],
                    not_held_reason=data["not_held_reason"],
                    engagement=data["engagement"],
                    notes=data["notes"],
                    recorded_at=now,
                    recorded_by=self.actor,
                )
            )
        save_many(new, model=GuidanceSession, actor=self.actor, reason="import", batch_size=1000)
        client_summaries_refresh(clients=[session.client_id for session in new])
        result.created += len(new)
