"""Personal-data duties (UU PDP 27/2022): the data-subject export and the retention run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext

from aksalarasa.clients.models import Client, Litmas, NoContact, OfficerAssignment, Supervision
from aksalarasa.clients.registry import SUBJECT_EXPORT_SECTIONS
from aksalarasa.core.history import save_versioned

# --- data-subject export ------------------------------------------------------------------------


def subject_data(*, client: Client) -> dict[str, Any]:
    """Everything held about one client, as JSON-ready data (the PDF renders the same dict)."""
    identity = {
        "register_number": client.register_number,
        "full_name": client.full_name,
        "nik": client.nik,
        "sex": client.get_sex_display(),
        "birth_date": client.birth_date,
        "category": client.get_category_display(),
        "address": client.address,
        "regency": client.regency.name if client.regency else "",
        "village_code": client.village_code,
        "phone": client.phone,
        "emergency_contact_name": client.emergency_contact_name,
        "emergency_contact_relation": client.emergency_contact_relation,
        "emergency_contact_phone": client.emergency_contact_phone,
        "consent_community": client.consent_community,
        "consent_photos": client.consent_photos,
        "consent_share_partners": client.consent_share_partners,
        "guardian_consent": client.guardian_consent,
        "photo": bool(client.photo),
        "notes": client.notes,
        "office": client.office.name,
        "officer": client.officer.full_name if client.officer else "",
        "created_at": client.created_at,
    }
    sections: dict[str, Any] = {
        "supervisions": [
            {
                "program_type": s.get_program_type_display(),
                "start": s.start,
                "end": s.end,
                "status": s.get_status_display(),
                "notes": s.notes,
            }
            for s in Supervision.objects.filter(client=client).order_by("start")
        ],
        "assignments": [
            {
                "officer": a.officer.full_name,
                "start": a.start,
                "end": a.end,
                "assigned_by": a.assigned_by.full_name if a.assigned_by else "",
                "reason": a.reason,
            }
            for a in OfficerAssignment.objects.filter(client=client)
            .select_related("officer", "assigned_by")
            .order_by("start")
        ],
        "litmas": [
            {
                "purpose": i.get_purpose_display(),
                "requested_on": i.requested_on,
                "due_date": i.due_date,
                "officer": i.officer.full_name,
                "submitted_on": i.submitted_on,
                "recommendation": i.recommendation,
                "document": bool(i.document),
            }
            for i in Litmas.objects.filter(client=client).select_related("officer").order_by("requested_on")
        ],
        "no_contacts": [
            {
                "other_client": n.other_client.register_number if n.other_client else "",
                "person_name": n.person_name,
                "reason": n.reason,
            }
            for n in NoContact.objects.filter(client=client).select_related("other_client")
        ],
    }
    for section in SUBJECT_EXPORT_SECTIONS:
        sections[section.key] = section.rows(client)
    data = {"generated_at": timezone.now(), "client": identity, **sections, "photo_file": _photo_file(client)}
    return _json_ready(data)


def _photo_file(client: Client) -> dict[str, Any] | None:
    """The stored photo itself (base64; at most 2 MB before encoding), or None: the subject gets
    the image, the PDF shows it."""
    import base64

    from aksalarasa.clients.photos import photo_content_type

    if not client.photo:
        return None
    try:
        with client.photo.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        return None
    return {
        "content_type": photo_content_type(client.photo.name or ""),
        "size_bytes": len(content),
        "base64": base64.b64encode(content).decode("ascii"),
    }


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


# --- retention ------------------------------------------------------------------------------


@dataclass
class RetentionReport:
    dry_run: bool
    per_office: Counter = field(default_factory=Counter)
    client_ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.per_office.values())


def retention_due(*, today: date | None = None):
    """Clients whose last supervision ended more than the office's retention years ago, with no
    active period, not yet anonymised. Clients without any period are left alone (nothing ended)."""
    today = today or timezone.localdate()
    active = Supervision.objects.filter(client=OuterRef("pk"), status=Supervision.Status.ACTIVE)
    candidates = (
        Client.objects.filter(anonymised_at__isnull=True)
        .annotate(last_end=Max("supervisions__end"), has_active=Exists(active))
        .filter(last_end__isnull=False, has_active=False)
        .select_related("office")
    )
    due = []
    for client in candidates.only("pk", "office__retention_years", "office__name", "office_id"):
        years = client.office.retention_years
        try:
            limit = client.last_end.replace(year=client.last_end.year + years)
        except ValueError:  # 29 February
            limit = client.last_end.replace(year=client.last_end.year + years, day=28)
        if limit < today:
            due.append(client)
    return due


IDENTITY_CLEARED = {
    "nik": "",
    "address": "",
    "village_code": "",
    "phone": "",
    "emergency_contact_name": "",
    "emergency_contact_relation": "",
    "emergency_contact_phone": "",
    "notes": "",
    "photo": "",
}


def retention_run(*, dry_run: bool, today: date | None = None) -> RetentionReport:
    """Anonymise every client past retention. Idempotent: anonymised clients are skipped."""
    report = RetentionReport(dry_run=dry_run)
    for client in retention_due(today=today):
        report.per_office[client.office.name] += 1
        report.client_ids.append(client.pk)
    if not dry_run and report.client_ids:
        with transaction.atomic():
            for client_id in report.client_ids:
                client_anonymise(client_id=client_id)
    return report


def _anonymised_reason() -> str:
    """Stored in the history row, so written in the product's default language (a management
    command runs with translation off)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Anonymised: the retention period ended")


def client_anonymise(*, client_id: int) -> None:
    """Clear identity and free text; keep category, sex, birth year, regency and the periods.

    simple-history keeps every old value, so the client's history rows (and those of its periods,
    Litmas and no-contact entries) are cleared of identity too.
    """
    client = Client.objects.select_for_update().get(pk=client_id)
    # The photo file goes, and any earlier photo a history row still names (normally already deleted).
    storage = Client._meta.get_field("photo").storage
    names = set(Client.history.filter(id=client.pk).exclude(photo="").values_list("photo", flat=True))
    if client.photo:
        names.add(client.photo.name)
    for name in names:
        storage.delete(name)
    values = {
        **IDENTITY_CLEARED,
        "full_name": f"Anonim {client.pk}",
        "birth_date": client.birth_date.replace(month=7, day=1),
        "anonymised_at": timezone.now(),
    }
    history_values = {k: v for k, v in values.items() if k != "anonymised_at"}
    Client.history.filter(id=client.pk).update(**history_values, history_change_reason=None)
    # Then the record itself, through the one write path: its history gains one row, holding only the
    # cleared values, that says when and why (no person: the retention rule did it), and the version
    # moves on so a form opened before is stale.
    for name, value in values.items():
        setattr(client, name, value)
    save_versioned(
        client, actor=None, update_fields=list(values), reason=_anonymised_reason(), move_version=True
    )
    Supervision.objects.filter(client_id=client.pk).update(notes="")
    Supervision.history.filter(client_id=client.pk).update(notes="")
    Litmas.objects.filter(client_id=client.pk).update(recommendation="")
    Litmas.history.filter(client_id=client.pk).update(recommendation="")
    for litmas in Litmas.objects.filter(client_id=client.pk).exclude(document=""):
        litmas.document.delete(save=False)
    Litmas.objects.filter(client_id=client.pk).update(document="")
    Litmas.history.filter(client_id=client.pk).update(document="")
    # A named person (e.g. a victim) is someone else's identity: the entry goes.
    NoContact.objects.filter(client_id=client.pk, other_client__isnull=True).delete()
    NoContact.objects.filter(client_id=client.pk).update(reason="")
    NoContact.history.filter(client_id=client.pk).update(person_name="", reason="")
    NoContact.objects.filter(other_client_id=client.pk).update(reason="")
    OfficerAssignment.objects.filter(client_id=client.pk).update(reason="")
    from aksalarasa.clients.registry import ANONYMISE_HOOKS

    for hook in ANONYMISE_HOOKS:  # other apps clear their own free text about the client
        hook(client.pk)
