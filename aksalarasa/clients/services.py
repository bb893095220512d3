"""Writes of the clients app: keyword-only, typed, atomic. Every change leaves a history row
(django-simple-history) with who made it; officer changes also leave an OfficerAssignment row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aksalarasa.accounts.models import User
from aksalarasa.clients import rules
from aksalarasa.clients.importing import Importer, ImportFileError, ImportResult
from aksalarasa.clients.models import (
    BreachReport,
    Client,
    ImportRun,
    Litmas,
    NoContact,
    OfficerAssignment,
    Supervision,
)
from aksalarasa.core.history import delete_versioned, save_many, save_versioned
from aksalarasa.offices.models import Office

CLIENT_FIELDS = (
    "register_number",
    "full_name",
    "nik",
    "sex",
    "birth_date",
    "address",
    "regency_id",
    "village_code",
    "phone",
    "emergency_contact_name",
    "emergency_contact_relation",
    "emergency_contact_phone",
    "consent_community",
    "consent_photos",
    "consent_share_partners",
    "guardian_consent",
    "notes",
)
SUPERVISION_FIELDS = ("program_type", "start", "end", "status", "notes")


def client_values(data: dict[str, Any]) -> dict[str, Any]:
    """A form's cleaned data as model field values (the regency code becomes `regency_id`)."""
    values = {name: data[name] for name in CLIENT_FIELDS if name in data}
    if "regency" in data:
        values["regency_id"] = data["regency"] or None
    return values


def category_compute(*, birth_date, periods: Iterable[tuple[Any, str]]) -> str:
    reference = rules.category_reference(list(periods), timezone.localdate())
    return rules.category_for(birth_date, reference)


def _category_refresh(*, client: Client, actor: User) -> None:
    """Recompute the derived category from the birth date and the supervision periods."""
    periods = list(client.supervisions.values_list("start", "status"))
    category = category_compute(birth_date=client.birth_date, periods=periods)
    if category != client.category:
        client.category = category
        save_versioned(client, actor=actor, update_fields=["category"])


def clients_category_refresh(*, client_ids: Iterable[int], actor: User | None = None) -> int:
    """The same for many clients in three queries (imports, retention). Returns how many changed."""
    ids = list(client_ids)
    if not ids:
        return 0
    periods: dict[int, list] = {}
    for client_id, start, status in Supervision.objects.filter(client_id__in=ids).values_list(
        "client_id", "start", "status"
    ):
        periods.setdefault(client_id, []).append((start, status))
    changed = []
    for client in Client.objects.filter(pk__in=ids).only("pk", "birth_date", "category", "office_id"):
        category = category_compute(birth_date=client.birth_date, periods=periods.get(client.pk, []))
        if category != client.category:
            client.category = category
            changed.append(client)
    if changed:
        save_many(changed, model=Client, actor=actor, update_fields=["category"], batch_size=1000)
    return len(changed)


@transaction.atomic
def client_create(*, actor: User, office: Office, data: dict[str, Any]) -> Client:
    values = client_values(data)
    client = Client(office=office, officer_id=data.get("officer"), **values)
    client.category = category_compute(birth_date=client.birth_date, periods=[])
    if Client.objects.filter(office=office, register_number=client.register_number).exists():
        raise ValidationError(
            {"register_number": [_("Another client of this office has this register number.")]}
        )
    save_versioned(client, actor=actor)
    if client.officer_id:
        OfficerAssignment.objects.create(
            office=office,
            client=client,
            officer_id=client.officer_id,
            assigned_by=actor,
            reason=_("Registered"),
        )
    return client


@transaction.atomic
def client_update(*, actor: User, client: Client, data: dict[str, Any], expected_version: int) -> Client:
    """Change identity, contact, consents and notes; refuses if someone saved in between."""
    values = client_values(data)
    for name, value in values.items():
        setattr(client, name, value)
    fields = list(values)
    periods = list(client.supervisions.values_list("start", "status"))
    client.category = category_compute(birth_date=client.birth_date, periods=periods)
    fields.append("category")
    save_versioned(client, actor=actor, expected_version=expected_version, update_fields=fields)
    return client


@transaction.atomic
def client_photo_set(*, actor: User, client: Client, photo, expected_version: int) -> Client:
    """Store a checked, re-encoded photo (photos.CleanPhoto) in place of any earlier one.

    The change is versioned and leaves a history row; the earlier file is deleted once the change
    is committed (a replaced or removed photo is not kept: data minimisation, UU PDP).
    """
    from django.core.files.base import ContentFile

    old_name = (client.photo.name or "") if client.photo else ""
    client.photo.save(f"photo.{photo.extension}", ContentFile(photo.content), save=False)
    new_name = client.photo.name
    try:
        _photo_save(actor=actor, client=client, expected_version=expected_version)
    except Exception:
        client.photo.storage.delete(new_name or "")  # the refused upload leaves no file behind
        raise
    _delete_after_commit(client, old_name)
    return client


@transaction.atomic
def client_photo_remove(*, actor: User, client: Client, expected_version: int) -> Client:
    old_name = (client.photo.name or "") if client.photo else ""
    client.photo = ""
    _photo_save(actor=actor, client=client, expected_version=expected_version)
    _delete_after_commit(client, old_name)
    return client


def _photo_save(*, actor: User, client: Client, expected_version: int) -> None:
    save_versioned(
        client, actor=actor, expected_version=expected_version, update_fields=["photo"], reason="photo"
    )


def _delete_after_commit(client: Client, name: str) -> None:
    if name:
        storage = client.photo.storage
        # After the commit: a file that cannot be deleted is logged, never an error for a saved change.
        transaction.on_commit(lambda: storage.delete(name), robust=True)


@transaction.atomic
def client_reassign(*, actor: User, client: Client, officer: User, reason: str) -> OfficerAssignment:
    """Close the open assignment, open a new one and point Client.officer at the new officer."""
    if officer.office_id != client.office_id or not officer.role_officer or not officer.is_active:
        raise ValidationError({"officer": [_("Choose an active probation officer of the client's office.")]})
    now = timezone.now()
    OfficerAssignment.objects.filter(client=client, end__isnull=True).update(end=now)
    assignment = OfficerAssignment.objects.create(
        office_id=client.office_id,
        client=client,
        officer=officer,
        start=now,
        assigned_by=actor,
        reason=reason,
    )
    client.officer = officer  # a form loaded before the reassignment is stale: it shows the old officer
    save_versioned(client, actor=actor, update_fields=["officer"], reason=reason, move_version=True)
    return assignment


@transaction.atomic
def supervision_create(*, actor: User, client: Client, data: dict[str, Any]) -> Supervision:
    if Supervision.objects.filter(
        client=client, program_type=data["program_type"], start=data["start"]
    ).exists():
        raise ValidationError(
            {"start": [_("This client already has a period of this program starting that day.")]}
        )
    supervision = Supervision(
        office_id=client.office_id, client=client, **{k: data[k] for k in SUPERVISION_FIELDS if k in data}
    )
    save_versioned(supervision, actor=actor)
    _category_refresh(client=client, actor=actor)
    return supervision


@transaction.atomic
def supervision_update(
    *, actor: User, supervision: Supervision, data: dict[str, Any], expected_version: int
) -> Supervision:
    fields = [k for k in SUPERVISION_FIELDS if k in data]
    for name in fields:
        setattr(supervision, name, data[name])
    clash = Supervision.objects.filter(
        client_id=supervision.client_id, program_type=supervision.program_type, start=supervision.start
    ).exclude(pk=supervision.pk)
    if clash.exists():
        raise ValidationError(
            {"start": [_("This client already has a period of this program starting that day.")]}
        )
    save_versioned(supervision, actor=actor, expected_version=expected_version, update_fields=fields)
    _category_refresh(client=supervision.client, actor=actor)
    return supervision


@transaction.atomic
def litmas_request(*, actor: User, client: Client, data: dict[str, Any]) -> Litmas:
    """Record a Litmas request; the due date follows from the client's category (3 or 7 days)."""
    officer = User.objects.filter(
        pk=data["officer"], office_id=client.office_id, role_officer=True, is_active=True
    ).first()
    if officer is None:
        raise ValidationError({"officer": [_("Choose an active probation officer of the client's office.")]})
    litmas = Litmas(
        office_id=client.office_id,
        client=client,
        purpose=data["purpose"],
        requested_on=data["requested_on"],
        due_date=rules.litmas_due(data["requested_on"], client.category),
        officer=officer,
    )
    save_versioned(litmas, actor=actor)
    return litmas


@transaction.atomic
def litmas_submit(*, actor: User, litmas: Litmas, data: dict[str, Any], expected_version: int) -> Litmas:
    litmas.submitted_on = data["submitted_on"]
    litmas.recommendation = data["recommendation"]
    fields = ["submitted_on", "recommendation"]
    if data.get("document"):
        litmas.document.save(data["document"].name, data["document"], save=False)
        fields.append("document")
    save_versioned(litmas, actor=actor, expected_version=expected_version, update_fields=fields)
    return litmas


@transaction.atomic
def no_contact_add(
    *, actor: User, client: Client, other_client: Client | None, person_name: str, reason: str
) -> NoContact:
    """Add a no-contact entry; between two clients it is recorded both ways."""
    if other_client is not None:
        if other_client.pk == client.pk:
            raise ValidationError(
                {"other_register_number": [_("A client cannot be on their own no-contact list.")]}
            )
        if other_client.office_id != client.office_id:
            raise ValidationError(
                {"other_register_number": [_("No client of this office has this register number.")]}
            )
        if NoContact.objects.filter(client=client, other_client=other_client).exists():
            raise ValidationError(
                {"other_register_number": [_("This client is already on the no-contact list.")]}
            )
    entry = NoContact(
        office_id=client.office_id,
        client=client,
        other_client=other_client,
        person_name=person_name,
        reason=reason,
    )
    save_versioned(entry, actor=actor)
    if other_client is not None:
        mirror = NoContact(
            office_id=client.office_id, client=other_client, other_client=client, reason=reason
        )
        save_versioned(mirror, actor=actor)
    return entry


@transaction.atomic
def no_contact_remove(*, actor: User, entry: NoContact) -> None:
    entries = [entry]
    if entry.other_client_id:
        entries += list(
            NoContact.objects.filter(client_id=entry.other_client_id, other_client_id=entry.client_id)
        )
    for item in entries:
        delete_versioned(item, actor=actor)


@transaction.atomic
def breach_report_create(*, actor: User, office: Office, data: dict[str, Any]) -> BreachReport:
    report = BreachReport(office=office, reported_by=actor, **data)
    save_versioned(report, actor=actor)
    return report


# --- file imports -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    """What the page reports: the file's problem, or the result of every row; `preview` when the
    rows were checked and counted but nothing is written until the user confirms `token`."""

    result: ImportResult | None = None
    file_error: str = ""
    preview: bool = False
    token: str = ""

    @property
    def rejected(self) -> bool:
        return bool(self.file_error) or (self.result is not None and not self.result.ok)


def import_run(
    *, actor: User, importer_class: type[Importer], token: str, filename: str, content: bytes
) -> ImportOutcome:
    """An upload, for every importer (clients, past guidance sessions): record the run (one per
    token, so a form sent twice is checked once), read the file, validate every row (progress is
    written as it goes, for the polling page) and count what a real import would do in a
    rolled-back transaction. A file with problems is rejected with every problem listed; a clean
    file waits, unwritten, for `import_confirm`."""
    office = actor.office
    if office is None:  # importers_for(actor) offers no importer to an account without an office
        raise PermissionDenied
    if ImportRun.objects.filter(token=token).exists():
        return ImportOutcome(file_error=_("This upload was already sent. Reload the page to upload again."))
    run = ImportRun.objects.create(
        token=token, office=office, user=actor, kind=importer_class.key, filename=filename[:200]
    )
    importer = importer_class(actor=actor, office=office, progress=_import_progress(run))
    try:
        result = importer.run(filename, content, dry_run=True)
    except ImportFileError as exc:
        _import_finish(run, ImportRun.Status.REJECTED)
        return ImportOutcome(file_error=str(exc))
    if not result.ok:
        _import_finish(run, ImportRun.Status.REJECTED, result)
        return ImportOutcome(result=result)
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.PREVIEW,
        content=content,
        total_rows=result.total,
        created_count=result.created,
        updated_count=result.updated,
        unchanged_count=result.unchanged,
    )
    return ImportOutcome(result=result, preview=True, token=token)


@transaction.atomic
def import_confirm(*, actor: User, importers: list[type[Importer]], token: str) -> ImportOutcome:
    """Write a checked upload: the rows are checked again (the data may have changed since the
    preview) and written all or nothing. Only the person who uploaded it may confirm, once."""
    run = ImportRun.objects.select_for_update().filter(token=token, user=actor).first()
    importer_class = next((imp for imp in importers if run is not None and imp.key == run.kind), None)
    if run is None or importer_class is None or actor.office_id != run.office_id:
        return ImportOutcome(file_error=_("This import cannot be confirmed. Upload the file again."))
    if run.status != ImportRun.Status.PREVIEW or run.content is None:
        return ImportOutcome(
            file_error=_("This upload was already confirmed or rejected. Upload the file again.")
        )
    assert actor.office is not None
    importer = importer_class(actor=actor, office=actor.office, progress=_import_progress(run))
    try:
        result = importer.run(run.filename, bytes(run.content))
    except ImportFileError as exc:
        _import_finish(run, ImportRun.Status.REJECTED)
        return ImportOutcome(file_error=str(exc))
    _import_finish(run, ImportRun.Status.DONE if result.ok else ImportRun.Status.REJECTED, result)
    return ImportOutcome(result=result)


def _import_finish(run: ImportRun, status: str, result: ImportResult | None = None) -> None:
    values: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "content": None}
    if result is not None:
        values.update(
            total_rows=result.total,
            created_count=result.created,
            updated_count=result.updated,
            unchanged_count=result.unchanged,
            error_count=len(result.errors),
        )
    ImportRun.objects.filter(pk=run.pk).update(**values)


def _import_progress(run: ImportRun):
    phases = {"validating": ImportRun.Status.VALIDATING, "importing": ImportRun.Status.IMPORTING}

    def write(phase: str, done: int, total: int) -> None:
        values: dict[str, Any] = {"processed_rows": done, "total_rows": total}
        if phase in phases:
            values["status"] = phases[phase]
        # Outside the import's transaction while validating, so the polling page sees it.
        ImportRun.objects.filter(pk=run.pk).update(**values)

    return write
