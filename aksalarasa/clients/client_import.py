"""The clients-and-supervision-periods importer (one row: a client, optionally one period)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aksalarasa.accounts.models import User
from aksalarasa.accounts.permissions import can
from aksalarasa.clients import services
from aksalarasa.clients.forms import ClientForm, SupervisionForm
from aksalarasa.clients.importing import Column, Importer, ImportResult, RowIssue, parse_flag
from aksalarasa.clients.models import Client, OfficerAssignment, Supervision
from aksalarasa.core.history import save_many

FLAG_COLUMNS = ("consent_community", "consent_photos", "consent_share_partners", "guardian_consent")
PERIOD_COLUMNS = {
    "program_type": "program_type",
    "supervision_start": "start",
    "supervision_end": "end",
    "supervision_status": "status",
}
PERIOD_FIELD_TO_COLUMN = {v: k for k, v in PERIOD_COLUMNS.items()}


class ClientImporter(Importer):
    key = "clients"
    title = gettext_lazy("Clients and supervision periods")
    columns = [
        Column("register_number", gettext_lazy("register number"), True, "PAS.DPS-2026-0001"),
        Column("full_name", gettext_lazy("full name"), True, "I Gede Arta Wibawa"),
        Column("nik", gettext_lazy("NIK"), False, "5171011203950002", gettext_lazy("16 digits; optional")),
        Column("sex", gettext_lazy("sex"), True, "M", gettext_lazy("M or F")),
        Column(
            "birth_date",
            gettext_lazy("date of birth"),
            True,
            "1995-03-12",
            gettext_lazy("YYYY-MM-DD or DD/MM/YYYY"),
        ),
        Column("address", gettext_lazy("address"), False, "Jl. Tukad Badung 7"),
        Column(
            "regency",
            gettext_lazy("regency/city"),
            False,
            "51.71",
            gettext_lazy("Kemendagri code, e.g. 51.71"),
        ),
        Column("village_code", gettext_lazy("village (desa/kelurahan)"), False, "51.71.01.1003"),
        Column("phone", gettext_lazy("phone"), False, "081234567890"),
        Column("emergency_contact_name", gettext_lazy("emergency contact"), False, "Ni Made Sukerti"),
        Column("emergency_contact_relation", gettext_lazy("relation"), False, "ibu"),
        Column("emergency_contact_phone", gettext_lazy("emergency contact phone"), False, "081298765432"),
        Column(
            "consent_community",
            gettext_lazy("consents to community activities"),
            False,
            "ya",
            gettext_lazy("ya/tidak"),
        ),
        Column(
            "consent_photos", gettext_lazy("consents to photos"), False, "tidak", gettext_lazy("ya/tidak")
        ),
        Column("consent_share_partners", gettext_lazy("consents to sharing data with partners"), False, "ya"),
        Column("guardian_consent", gettext_lazy("guardian consents (child clients)"), False, "tidak"),
        Column("notes", gettext_lazy("notes"), False, ""),
        Column(
            "officer",
            gettext_lazy("probation officer (PK)"),
            False,
            "pk.putu",
            gettext_lazy("the officer's username"),
        ),
        Column(
            "program_type",
            gettext_lazy("program type"),
            False,
            "pb",
            gettext_lazy("pb, cb, cmb, assimilation, conditional, diversion, other"),
        ),
        Column("supervision_start", gettext_lazy("start"), False, "2026-01-05"),
        Column("supervision_end", gettext_lazy("end"), False, "2026-12-31"),
        Column(
            "supervision_status",
            gettext_lazy("status"),
            False,
            "active",
            gettext_lazy("active, completed, revoked, transferred"),
        ),
    ]

    @classmethod
    def allowed(cls, user: User) -> bool:
        return bool(user.office_id) and can(user, "client_import", "read")

    def prepare(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        officers = User.objects.filter(office=self.office, role_officer=True, is_active=True)
        self.officer_by_username = {u.username.lower(): (u.pk, u.full_name) for u in officers}
        self.officer_choices = list(self.officer_by_username.values())
        self.work_area = set(self.office.work_area.values_list("code", flat=True))
        # Rows are matched on the register number among the clients the importer may see; a number
        # of a client they may not see (a child, to the adult section's head) is refused as taken,
        # as the page's form does, and never updates that client.
        in_office = {c.register_number: c for c in Client.objects.filter(office=self.office)}
        visible = set(
            Client.objects.visible_to(self.actor).filter(office=self.office).values_list("pk", flat=True)
        )
        self.existing = {n: c for n, c in in_office.items() if c.pk in visible}
        hidden = {n for n, c in in_office.items() if c.pk not in visible}
        self.seen: dict[str, int] = {}
        self.client_form = ClientForm(
            officers=self.officer_choices, work_area=self.work_area, register_taken=hidden
        )
        self.period_form = SupervisionForm()

    def validate_row(self, number: int, row: dict[str, str]) -> tuple[Any, list[RowIssue], list[RowIssue]]:
        issues: list[RowIssue] = []
        data: dict[str, Any] = {k: v for k, v in row.items() if k not in FLAG_COLUMNS and k != "officer"}
        data["sex"] = (data.get("sex") or "").upper()[:1].replace("L", "M").replace("P", "F")
        for name in FLAG_COLUMNS:
            flag = parse_flag(row.get(name, ""))
            if flag is None:
                issues.append(RowIssue(number, name, _("Write ya or tidak.")))
            elif flag:
                data[name] = "on"
        username = row.get("officer", "").strip().lower()
        if username:
            officer = self.officer_by_username.get(username)
            if officer is None:
                issues.append(
                    RowIssue(number, "officer", _("No active officer of this office has this username."))
                )
            else:
                data["officer"] = str(officer[0])
        register = row.get("register_number", "").strip()
        if register in self.seen:
            issues.append(
                RowIssue(
                    number,
                    "register_number",
                    _("Same register number as row %(row)d.") % {"row": self.seen[register]},
                )
            )
        elif register:
            self.seen[register] = number
        form = self.client_form
        form.rebind(data)
        valid = form.is_valid()
        for name, errors in form.errors.items():
            issues.extend(RowIssue(number, name if name != "__all__" else "", str(e)) for e in errors)
        warnings = [RowIssue(number, "regency", w) for w in form.warnings]
        period = None
        if any(row.get(column, "").strip() for column in PERIOD_COLUMNS):
            period_data = {field: row.get(column, "") for column, field in PERIOD_COLUMNS.items()}
            period_data["status"] = period_data["status"] or "active"
            birth = form.cleaned_data.get("birth_date") if valid else None
            period_form = self.period_form
            period_form.rebind(period_data, birth_date=birth)
            if period_form.is_valid():
                period = period_form.cleaned_data
            for name, errors in period_form.errors.items():
                column = PERIOD_FIELD_TO_COLUMN.get(name, "")
                issues.extend(RowIssue(number, column, str(e)) for e in errors)
        if not valid or issues:
            return None, issues, warnings
        return (dict(form.cleaned_data), dict(period) if period else None), issues, warnings

    def commit(self, items: list[Any], result: ImportResult) -> None:
        now = timezone.now()
        new_clients: list[Client] = []
        changed: dict[int, Client] = {}
        changed_fields: set[str] = set()
        reassigned: list[Client] = []
        periods_for: list[tuple[Client, dict]] = []
        for data, period in items:
            values = services.client_values(data)
            client = self.existing.get(values["register_number"])
            if client is None:
                client = Client(office=self.office, officer_id=data.get("officer"), **values)
                client.category = services.category_compute(
                    birth_date=client.birth_date,
                    periods=[(period["start"], period["status"])] if period else [],
                )
                new_clients.append(client)
                result.created += 1
            else:
                diff = [name for name, value in values.items() if getattr(client, name) != value]
                if data.get("officer") and data["officer"] != client.officer_id:
                    client.officer_id = data["officer"]
                    reassigned.append(client)
                    diff.append("officer_id")
                if diff:
                    for name in diff:
                        if name != "officer_id":
                            setattr(client, name, values[name])
                    changed[client.pk] = client
                    changed_fields.update(diff)
            if period:
                periods_for.append((client, period))
        if new_clients:
            save_many(new_clients, model=Client, actor=self.actor, batch_size=1000, at=now)
            # Some backends do not return primary keys from bulk inserts: read them back by natural key.
            if any(c.pk is None for c in new_clients):
                ids = dict(Client.objects.filter(office=self.office).values_list("register_number", "pk"))
                for c in new_clients:
                    c.pk = c.id = ids[c.register_number]
        if changed:
            fields = sorted(set(changed_fields) - {"officer_id"} | ({"officer"} if reassigned else set()))
            save_many(
                list(changed.values()),
                model=Client,
                actor=self.actor,
                update_fields=fields,
                batch_size=1000,
                at=now,
                move_version=True,
            )
        self._assignments(new_clients, reassigned, now)
        period_changes = self._periods(periods_for, now)
        # A row counts as updated if its client or its period changed, and as unchanged otherwise.
        touched = set(changed) | period_changes
        new_ids = {c.pk for c in new_clients}
        result.updated = len(touched - new_ids)
        result.unchanged = len(items) - result.created - result.updated
        services.clients_category_refresh(client_ids=touched | new_ids, actor=self.actor)

    def _assignments(self, new_clients: list[Client], reassigned: list[Client], now) -> None:
        reason = _("Imported")
        if reassigned:
            OfficerAssignment.objects.filter(client__in=[c.pk for c in reassigned], end__isnull=True).update(
                end=now
            )
        rows = [
            OfficerAssignment(
                office=self.office,
                client_id=c.pk,
                officer_id=c.officer_id,
                start=now,
                assigned_by=self.actor,
                reason=reason,
            )
            for c in [*new_clients, *reassigned]
            if c.officer_id
        ]
        OfficerAssignment.objects.bulk_create(rows, batch_size=1000)

    def _periods(self, periods_for: list[tuple[Client, dict]], now) -> set[int]:
        """Create new periods, update changed ones (matched on client, program type and start)."""
        if not periods_for:
            return set()
        existing = {
            (s.client_id, s.program_type, s.start): s for s in Supervision.objects.filter(office=self.office)
        }
        new, updated, touched = [], [], set()
        for client, period in periods_for:
            key = (client.pk, period["program_type"], period["start"])
            current = existing.get(key)
            if current is None:
                supervision = Supervision(
                    office=self.office,
                    client_id=client.pk,
                    program_type=period["program_type"],
                    start=period["start"],
                    end=period["end"],
                    status=period["status"],
                )
                new.append(supervision)
                existing[key] = supervision
                touched.add(client.pk)
            elif (current.end, current.status) != (period["end"], period["status"]):
                current.end, current.status = period["end"], period["status"]
                updated.append(current)
                touched.add(client.pk)
        if new:
            save_many(new, model=Supervision, actor=self.actor, batch_size=1000, at=now)
        if updated:
            save_many(
                updated,
                model=Supervision,
                actor=self.actor,
                update_fields=["end", "status"],
                batch_size=1000,
                at=now,
                move_version=True,
            )
        return touched
