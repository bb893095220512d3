"""Export of a caseload (CSV, XLSX): the same rows, names masked exactly as on the page."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from aksalarasa.clients.exporting import EXPORTERS
from aksalarasa.clients.models import Client
from aksalarasa.guidance.selectors import FLAGS, CaseloadRow


def caseload_export_header() -> dict[str, str]:
    return {
        "register_number": _("register number"),
        "name": _("name"),
        "category": _("category"),
        "officer": _("probation officer (PK)"),
        "attendance": _("attendance, last 90 days (%)"),
        "attended": _("attended"),
        "expected": _("expected"),
        "engagement": _("engagement, oldest to latest"),
        "last_contact": _("last contact"),
        "next_contact": _("next appointment"),
        "supervision_end": _("supervision ends"),
        "flags": _("flags"),
    }


def _local(value) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def caseload_export_rows(rows: Iterable[CaseloadRow]) -> Iterator[dict[str, object]]:
    categories = dict(Client.Category.choices)
    for row in rows:
        yield {
            "register_number": row.register_number,
            "name": row.name,
            "category": str(categories.get(row.category, row.category)),
            "officer": row.officer_name,
            "attendance": "" if row.attendance_percent is None else row.attendance_percent,
            "attended": row.attended,
            "expected": row.expected,
            "engagement": " ".join(str(v) for v in row.engagement_trend),
            "last_contact": _local(row.last_contact),
            "next_contact": _local(row.next_contact),
            "supervision_end": row.supervision_end.isoformat() if row.supervision_end else "",
            "flags": "; ".join(str(FLAGS[c]) for c in row.flags),
        }


def caseload_export(*, rows: list[CaseloadRow], fmt: str) -> tuple[bytes, str]:
    exporter = EXPORTERS[fmt]()
    return exporter.render(caseload_export_header(), caseload_export_rows(rows)), exporter.content_type
