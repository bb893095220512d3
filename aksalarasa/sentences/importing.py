"""Import of court decisions (XLSX/CSV) through the clients app's import framework.

Every row is checked first with the order form and the legal limits of rules.py (the same as the
page and the API); any problem imports nothing and lists every row's problem. A row whose decision
number the office already has is left unchanged, so importing the same file twice adds nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aksalarasa.accounts.models import User
from aksalarasa.clients.importing import Column, Importer, ImportResult, RowIssue
from aksalarasa.sentences import scoping, services
from aksalarasa.sentences.forms import OrderForm
from aksalarasa.sentences.models import SentenceOrder, ServiceSite
from aksalarasa.sentences.selectors import order_client_choices

FIELDS: list[tuple[str, str | Promise, bool, str, str | Promise]] = [
    ("sentence_type", gettext_lazy("sentence"), True, "community_service", "community_service, supervision"),
    ("court", gettext_lazy("court"), True, "Pengadilan Negeri Denpasar", ""),
    ("case_number", gettext_lazy("case number"), True, "12/Pid.B/2026/PN Dps", ""),
    ("case_registered_on", gettext_lazy("case registered on"), True, "2026-09-01", "YYYY-MM-DD"),
    ("decision_number", gettext_lazy("decision number"), True, "12/Pid.B/2026/PN Dps/Put", ""),
    ("decision_date", gettext_lazy("decision date"), True, "2026-10-01", "YYYY-MM-DD"),
    ("final_on", gettext_lazy("final and binding on"), False, "2026-10-08", "YYYY-MM-DD"),
    ("article", gettext_lazy("article(s) of the offence"), True, "Pasal 476 UU 1/2023", ""),
    ("threatened_months", gettext_lazy("maximum prison threat of the offence (months)"), True, "36", ""),
    ("hours_ordered", gettext_lazy("hours ordered"), False, "120", "8-240"),
    ("hours_per_day", gettext_lazy("hours a day (as ruled)"), False, "4", "1-8"),
    ("period_months", gettext_lazy("period (months)"), True, "6", ""),
    ("start_date", gettext_lazy("start"), True, "2026-10-10", "YYYY-MM-DD"),
    ("replaced_prison_days", gettext_lazy("replaced prison term (days)"), False, "90", ""),
    ("replaced_fine", gettext_lazy("replaced fine (rupiah)"), False, "", ""),
    ("prosecutor_office", gettext_lazy("prosecutor's office"), True, "Kejaksaan Negeri Denpasar", ""),
    ("general_conditions", gettext_lazy("general conditions"), False, "", ""),
    ("special_conditions", gettext_lazy("special conditions"), False, "", ""),
    ("site", gettext_lazy("service site"), False, "", gettext_lazy("The site's name, as on the sites page")),
    ("notes", gettext_lazy("notes"), False, "", ""),
]


class OrderImporter(Importer):
    key = "sentence_orders"
    title = gettext_lazy("Court decisions (community sentences)")
    columns = [
        Column(
            "register_number", gettext_lazy("register number"), required=True, example="PAS-DPS-2025-0001"
        ),
        *[
            Column(name, label, required=required, example=example, help=hint)
            for name, label, required, example, hint in FIELDS
        ],
    ]

    @classmethod
    def allowed(cls, user: User) -> bool:
        return scoping.can_create_orders(user)

    def prepare(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        numbers = {row.get("register_number", "").strip() for _n, row in rows}
        self.clients = {
            c.register_number: c
            for c in order_client_choices(viewer=self.actor).filter(
                office=self.office, register_number__in=numbers
            )
        }
        self.sites = {s.name.lower(): s for s in ServiceSite.objects.filter(office=self.office)}
        decisions = {row.get("decision_number", "").strip() for _n, row in rows}
        self.existing = set(
            SentenceOrder.objects.filter(office=self.office, decision_number__in=decisions).values_list(
                "decision_number", flat=True
            )
        )
        self.seen: set[str] = set()

    def validate_row(self, number: int, row: dict[str, str]) -> tuple[Any, list[RowIssue], list[RowIssue]]:
        issues: list[RowIssue] = []
        client = self.clients.get(row.get("register_number", "").strip())
        if client is None:
            issues.append(
                RowIssue(number, "register_number", _("No client with this register number in your scope."))
            )
        decision = row.get("decision_number", "").strip()
        if decision in self.existing:
            return ("unchanged", None), [], []
        if decision in self.seen:
            issues.append(
                RowIssue(number, "decision_number", _("This decision number is twice in the file."))
            )
        self.seen.add(decision)
        site_name = row.get("site", "").strip()
        site = self.sites.get(site_name.lower()) if site_name else None
        if site_name and site is None:
            issues.append(RowIssue(number, "site", _("No site of this office has this name.")))
        data = {name: row.get(name, "") for name, *_rest in FIELDS if name != "site"}
        if site is not None:
            data["site"] = str(site.pk)
        form = OrderForm(data, sites=ServiceSite.objects.filter(office=self.office))
        if not form.is_valid():
            for field, errors in form.errors.items():
                issues.extend(RowIssue(number, field if field != "__all__" else "", str(e)) for e in errors)
            return None, issues, []
        try:
            services.order_check(office_id=self.office.pk, data=form.cleaned_data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                issues.extend(RowIssue(number, field if field != "__all__" else "", m) for m in messages)
        if issues or client is None:
            return None, issues, []
        return ("new", (client, form.cleaned_data)), [], []

    def commit(self, items: list[Any], result: ImportResult) -> None:
        for status, payload in items:
            if status == "unchanged":
                result.unchanged += 1
                continue
            client, data = payload
            services.order_create(actor=self.actor, client=client, data=data)
            result.created += 1
