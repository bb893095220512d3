"""The data-breach register: office heads only, validated, late notifications flagged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aksalarasa.clients.models import BreachReport
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _fmt(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_office_head_records_a_breach_and_late_notification_is_flagged(office_a, office_b, client):
    head = make_user("office_head", office_a)
    client.force_login(head)
    discovered = timezone.now() - timedelta(days=5)
    response = client.post(
        reverse("clients:breaches"),
        {
            "discovered_at": _fmt(discovered),
            "description": "Laptop hilang",
            "data_affected": "Nama dan alamat",
            "clients_affected": 12,
            "subjects_notified_at": _fmt(discovered + timedelta(days=4)),
        },
    )
    assert response.status_code == 302
    report = BreachReport.objects.get()
    assert report.office == office_a and report.reported_by == head and report.notification_late
    page = client.get(reverse("clients:breaches")).content.decode()
    assert "Laptop hilang" in page and "badge-bad" in page
    client.force_login(make_user("office_head", office_b))
    assert "Laptop hilang" not in client.get(reverse("clients:breaches")).content.decode()


def test_bad_breach_input_changes_nothing(office_a, client):
    client.force_login(make_user("office_head", office_a))
    future = timezone.now() + timedelta(days=1)
    response = client.post(
        reverse("clients:breaches"),
        {"discovered_at": _fmt(future), "description": "", "data_affected": "x", "clients_affected": -1},
    )
    errors = response.context["form"].errors
    assert {"discovered_at", "description", "clients_affected"} <= set(errors)
    assert not BreachReport.objects.exists()


@pytest.mark.parametrize(
    "role", ["section_head", "officer", "program_team", "partner_staff", "admin", "national"]
)
def test_other_roles_have_no_breach_register(office_a, client, role):
    client.force_login(make_user(role, office_a))
    assert client.get(reverse("clients:breaches")).status_code == 404
