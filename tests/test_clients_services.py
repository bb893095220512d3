"""Domain rules of the clients app: derived category, validation, reassignment, Litmas, versions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from aksalarasa.clients import rules, services
from aksalarasa.clients.forms import ClientForm, SupervisionForm
from aksalarasa.clients.models import Client, Litmas, NoContact, OfficerAssignment
from aksalarasa.core.concurrency import StaleVersion
from tests.factories import make_client, make_user

BASE = {"register_number": "R-1", "full_name": "I Ketut Contoh", "sex": "M", "birth_date": "1994-02-03"}


def _form(**data):
    return ClientForm({**BASE, **data}, work_area={"51.71", "51.03"})


# --- pure rules -----------------------------------------------------------------------------------


def test_age_counts_completed_years():
    assert rules.age_on(date(2008, 6, 16), date(2026, 6, 15)) == 17
    assert rules.age_on(date(2008, 6, 16), date(2026, 6, 16)) == 18


def test_category_is_child_under_18_at_the_start_of_the_current_period():
    birth = date(2009, 3, 1)
    periods = [(date(2026, 2, 1), "active"), (date(2024, 1, 1), "completed")]
    assert rules.category_reference(periods, date(2027, 5, 1)) == date(2026, 2, 1)
    assert rules.category_for(birth, date(2026, 2, 1)) == "child"
    assert rules.category_for(birth, date(2027, 3, 1)) == "adult"
    assert rules.category_reference([], date(2026, 1, 1)) == date(2026, 1, 1)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2014, 1, 1)), st.dates(min_value=date(2015, 1, 1)))
def test_category_matches_the_age_boundary(birth, reference):
    expected = "child" if rules.age_on(birth, reference) < 18 else "adult"
    assert rules.category_for(birth, reference) == expected


def test_litmas_due_in_three_days_for_a_child_and_seven_for_an_adult():
    assert rules.litmas_due(date(2026, 3, 30), "child") == date(2026, 4, 2)
    assert rules.litmas_due(date(2026, 3, 30), "adult") == date(2026, 4, 6)


# --- form validation -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_valid_nik_and_phone_are_accepted_and_phone_normalised():
    form = _form(nik="5171014101900001", phone="0812-3456-7890", emergency_contact_phone="62 813 1111 2222")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+6281234567890"
    assert form.cleaned_data["emergency_contact_phone"] == "+6281311112222"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("nik", "fragment"),
    [
        ("12345", "16"),
        ("9999014101900001", "six digits"),
        ("5171019901900001", "date"),
        ("51710141019000ab", "16"),
    ],
)
def test_bad_nik_gets_a_clear_reason(nik, fragment):
    from django.utils import translation

    with translation.override("en"):
        form = _form(nik=nik)
        assert not form.is_valid()
        assert fragment in form.errors["nik"][0]


@pytest.mark.django_db
def test_bad_phone_is_refused():
    form = _form(phone="12ab")
    assert not form.is_valid() and "phone" in form.errors


@pytest.mark.django_db
def test_regency_outside_work_area_warns_but_does_not_refuse():
    form = _form(regency="51.08")
    assert form.is_valid(), form.errors
    assert len(form.warnings) == 1 and "Buleleng" in form.warnings[0]
    assert _form(regency="51.71").is_valid() and not _form(regency="51.71").warnings


@pytest.mark.django_db
def test_village_sets_the_regency_and_must_lie_inside_it():
    form = _form(village_code="51.71.01.1001")
    assert form.is_valid() and form.cleaned_data["regency"] == "51.71"
    form = _form(village_code="51.71.01.1001", regency="51.03")
    assert not form.is_valid() and "village_code" in form.errors
    assert not _form(village_code="51.71.01").is_valid()


@pytest.mark.django_db
def test_under_twelve_or_future_birth_dates_are_refused():
    today = timezone.localdate()
    assert not _form(birth_date=(today - timedelta(days=365 * 10)).isoformat()).is_valid()
    assert not _form(birth_date=(today + timedelta(days=3)).isoformat()).is_valid()


def test_supervision_end_after_start_and_diversion_only_for_children():
    form = SupervisionForm(
        {"program_type": "pb", "start": "2026-02-01", "end": "2026-01-01", "status": "active"}
    )
    assert not form.is_valid() and "end" in form.errors
    adult = SupervisionForm(
        {"program_type": "diversion", "start": "2026-02-01", "end": "2026-08-01", "status": "active"},
        birth_date=date(1990, 1, 1),
    )
    assert not adult.is_valid() and "program_type" in adult.errors
    child = SupervisionForm(
        {"program_type": "diversion", "start": "2026-02-01", "end": "2026-08-01", "status": "active"},
        birth_date=date(2010, 1, 1),
    )
    assert child.is_valid(), child.errors


# --- services -------------------------------------------------------------------------------------


@pytest.fixture
def head(office_a):
    return make_user("office_head", office_a)


@pytest.mark.django_db
def test_create_derives_category_and_opens_an_assignment(office_a, head):
    officer = make_user("officer", office_a)
    today = timezone.localdate()
    form = _form(birth_date=(today - timedelta(days=365 * 16)).isoformat())
    assert form.is_valid(), form.errors
    data = {**form.cleaned_data, "officer": officer.pk}
    client = services.client_create(actor=head, office=office_a, data=data)
    assert client.category == "child"
    assignment = OfficerAssignment.objects.get(client=client)
    assert assignment.officer == officer and assignment.end is None and assignment.assigned_by == head
    assert client.history.first().history_user == head


@pytest.mark.django_db
def test_category_recomputed_when_periods_or_birth_date_change(office_a, head):
    today = timezone.localdate()
    client = make_client(office_a, birth_date=today - timedelta(days=365 * 19))
    assert client.category == "adult"
    # a period that started when the client was 16 makes them a child client
    start = today - timedelta(days=365 * 3)
    services.supervision_create(
        actor=head,
        client=client,
        data={"program_type": "pb", "start": start, "end": today + timedelta(days=30)},
    )
    client.refresh_from_db()
    assert client.category == "child"
    # correcting the birth date recomputes it
    data = {"birth_date": today - timedelta(days=365 * 30)}
    services.client_update(actor=head, client=client, data=data, expected_version=client.version)
    client.refresh_from_db()
    assert client.category == "adult"


@pytest.mark.django_db
def test_stale_version_is_refused_and_changes_nothing(office_a, head):
    client = make_client(office_a, full_name="Nama Lama")
    services.client_update(actor=head, client=client, data={"notes": "first"}, expected_version=1)
    stale = Client.objects.get(pk=client.pk)
    with pytest.raises(StaleVersion):
        services.client_update(actor=head, client=stale, data={"full_name": "Nama Baru"}, expected_version=1)
    client.refresh_from_db()
    assert client.full_name == "Nama Lama" and client.version == 2


@pytest.mark.django_db
def test_reassign_closes_the_open_assignment_and_records_who_and_why(office_a, head):
    old, new = make_user("officer", office_a), make_user("officer", office_a)
    client = make_client(office_a, old)
    services.client_reassign(actor=head, client=client, officer=new, reason="Beban kerja")
    rows = list(OfficerAssignment.objects.filter(client=client).order_by("start"))
    assert [r.officer for r in rows] == [old, new]
    assert rows[0].end is not None and rows[1].end is None
    assert rows[1].assigned_by == head and rows[1].reason == "Beban kerja"
    client.refresh_from_db()
    assert client.officer == new


@pytest.mark.django_db
def test_reassign_to_an_officer_of_another_office_is_refused(office_a, office_b, head):
    client = make_client(office_a, make_user("officer", office_a))
    with pytest.raises(ValidationError):
        services.client_reassign(
            actor=head, client=client, officer=make_user("officer", office_b), reason="x"
        )
    assert OfficerAssignment.objects.filter(client=client).count() == 1


@pytest.mark.django_db
def test_litmas_due_date_and_overdue_flag(office_a, head):
    officer = make_user("officer", office_a)
    child = make_client(office_a, officer, child=True)
    adult = make_client(office_a, officer)
    today = timezone.localdate()
    late = services.litmas_request(
        actor=head,
        client=child,
        data={"purpose": "diversion", "requested_on": today - timedelta(days=4), "officer": officer.pk},
    )
    on_time = services.litmas_request(
        actor=head,
        client=adult,
        data={"purpose": "parole", "requested_on": today - timedelta(days=4), "officer": officer.pk},
    )
    assert late.due_date == today - timedelta(days=1)
    assert on_time.due_date == today + timedelta(days=3)
    assert list(Litmas.objects.overdue()) == [late]
    services.litmas_submit(
        actor=head,
        litmas=late,
        data={"submitted_on": today, "recommendation": "Diversi"},
        expected_version=1,
    )
    assert not Litmas.objects.overdue().exists()


@pytest.mark.django_db
def test_no_contact_between_clients_is_recorded_both_ways_and_removed_both_ways(office_a, head):
    a, b = make_client(office_a), make_client(office_a)
    entry = services.no_contact_add(
        actor=head, client=a, other_client=b, person_name="", reason="Satu perkara"
    )
    assert NoContact.objects.filter(client=b, other_client=a).exists()
    with pytest.raises(ValidationError):
        services.no_contact_add(actor=head, client=a, other_client=a, person_name="", reason="")
    services.no_contact_remove(actor=head, entry=entry)
    assert not NoContact.objects.exists()
