"""generate_scale: counts, determinism by seed, model constraints and office scoping of the rows."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from aksalarasa.accounts.models import User
from aksalarasa.clients.models import Client, OfficerAssignment, SocialInquiry, Supervision
from aksalarasa.core import scale
from aksalarasa.guidance.models import GuidanceSession
from aksalarasa.offices.models import Office, RegionalOffice

pytestmark = pytest.mark.django_db


def run(**kwargs) -> str:
    out = StringIO()
    call_command("generate_scale", stdout=out, **kwargs)
    return out.getvalue()


def snapshot() -> list:
    """The generated data without primary keys (which depend on the database)."""
    clients = list(
        Client.objects.order_by("office__code", "register_number").values_list(
            "office__code",
            "register_number",
            "full_name",
            "sex",
            "birth_date",
            "category",
            "officer__username",
        )
    )
    sessions = list(
        GuidanceSession.objects.order_by(
            "client__office__code", "client__register_number", "scheduled_at"
        ).values_list("client__register_number", "kind", "scheduled_at", "outcome", "engagement", "concern")
    )
    return [clients, sessions]


def test_counts_and_every_role():
    out = run(preset="tiny", seed=7)
    assert Office.objects.filter(code__startswith="scale-").count() == 2
    assert Client.objects.count() == 24
    assert Supervision.objects.count() == 24
    assert (
        OfficerAssignment.objects.filter(end__isnull=True).count()
        == Supervision.objects.filter(status="active").count()
    )
    assert GuidanceSession.objects.count() >= 24
    assert SocialInquiry.objects.exists()
    assert f"sessions: {GuidanceSession.objects.count():,}" in out
    for office in Office.objects.filter(code__startswith="scale-"):
        staff = User.objects.filter(office=office)
        for role in ("office_head", "section_head", "officer", "program_team", "partner_staff", "admin"):
            assert staff.filter(**{f"role_{role}": True}).exists(), role
        assert office.work_area.exists()
    assert User.objects.filter(role_national=True).exists()
    assert User.objects.filter(role_regional=True, regional_office__isnull=False).exists()
    assert User.objects.get(username="s000.kabapas").check_password(scale.BENCH_PASSWORD)


def test_same_seed_same_data_other_seed_other_data():
    run(preset="tiny", seed=3)
    first = snapshot()
    assert first[0] and first[1]
    GuidanceSession.objects.all().delete()
    SocialInquiry.objects.all().delete()
    OfficerAssignment.objects.all().delete()
    Supervision.objects.all().delete()
    Client.objects.all().delete()
    User.objects.filter(username__regex=r"^s[0-9]{3}\.").delete()
    User.objects.filter(username__startswith="scale.").delete()
    Office.objects.filter(code__startswith="scale-").delete()
    RegionalOffice.objects.filter(code__startswith="scale-").delete()
    run(preset="tiny", seed=3)
    assert snapshot() == first
    # Pure planning functions: another seed gives other people.
    assert scale.client_rows(3, 0, 12) == scale.client_rows(3, 0, 12)
    assert scale.client_rows(3, 0, 12) != scale.client_rows(4, 0, 12)


def test_rows_respect_constraints_and_office_scoping():
    run(preset="tiny", seed=1)
    # Every row's office is its client's office, every officer belongs to that office.
    for model in (Supervision, OfficerAssignment, SocialInquiry, GuidanceSession):
        assert not model.objects.exclude(office_id=F("client__office_id")).exists(), model
    assert not Client.objects.exclude(officer__office_id=F("office_id")).exists()
    assert not GuidanceSession.objects.exclude(officer__office_id=F("office_id")).exists()
    # Officers see their own clients only; child clients go to child-section officers.
    assert not Client.objects.filter(category="child").exclude(officer__section="child").exists()
    officer = User.objects.filter(role_officer=True, office__code="scale-000").first()
    visible = Client.objects.visible_to(officer)
    assert visible.exists()
    assert set(visible.values_list("officer_id", flat=True)) == {officer.pk}
    # Supervision periods end after they start; recorded sessions have a recorder; engagement 1..4.
    assert not Supervision.objects.filter(end__lt=F("start")).exists()
    assert not GuidanceSession.objects.exclude(outcome="").filter(recorded_by__isnull=True).exists()
    assert (
        not GuidanceSession.objects.filter(engagement__isnull=False)
        .exclude(engagement__range=(1, 4))
        .exists()
    )
    assert not GuidanceSession.objects.filter(concern_resolved_at__isnull=False, concern=False).exists()
    # One open assignment per client at most (the database constraint holds).
    assert OfficerAssignment.objects.filter(end__isnull=True).count() <= Client.objects.count()
    for obj in Client.objects.all()[:5]:
        obj.full_clean()


def test_second_run_refused_and_bad_sizes_rejected():
    run(preset="tiny")
    with pytest.raises(CommandError, match="already present"):
        run(preset="tiny")
    with pytest.raises(CommandError, match="positive"):
        run(offices=-1)
