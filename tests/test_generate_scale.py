"""generate_scale: counts, every model filled, determinism by seed, model constraints and office scoping."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from datetime import timedelta
from io import StringIO

import lokal
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Sum

from aksalarasa.accounts.models import User
from aksalarasa.clients.models import Client, Litmas, OfficerAssignment, Supervision
from aksalarasa.events.models import (
    AgendaItem,
    CheckIn,
    ChecklistItem,
    Event,
    EventRole,
    HandedItem,
    Registration,
)
from aksalarasa.evidence.models import Administration, Answer, Item, Response
from aksalarasa.evidence.stats import ItemSpec, score_subscales
from aksalarasa.guidance.models import GuidanceSession
from aksalarasa.offices.models import Office
from aksalarasa.partners.models import (
    TRANSITIONS,
    Notification,
    Partner,
    PartnerMembership,
    PartnerService,
    Referral,
    ReferralEvent,
    ReferralSession,
    ServiceReport,
    ServiceReportOutcome,
    Side,
    Status,
)
from aksalarasa.programs.models import (
    STAGE_ORDER,
    ActionPlan,
    Assessment,
    AssessmentItem,
    Card,
    ClosingActivity,
    Cluster,
    Contact,
    Evaluation,
    Indicator,
    PlanAction,
    PlanningWorkshop,
    Program,
    ProgramHandover,
    ProgramMember,
    ProgramPartner,
    ProgramReferral,
    StageChange,
    StakeholderGroup,
    Tally,
)
from aksalarasa.seeding import scale
from aksalarasa.sentences import ledger, rules
from aksalarasa.sentences.models import HoursEntry, SentenceOrder, ServiceSite
from aksalarasa.sentences.plan_models import PlannedSession

pytestmark = pytest.mark.django_db

GENERATED = [
    Client, Supervision, OfficerAssignment, Litmas, GuidanceSession,
    Partner, PartnerService, PartnerMembership, Referral, ReferralEvent, ReferralSession, ServiceReport,
    ServiceReportOutcome, Notification,
    Program, ProgramMember, StageChange, Contact, ProgramPartner, StakeholderGroup, Assessment, AssessmentItem,
    Tally, PlanningWorkshop, Cluster, Card, ActionPlan, PlanAction, Indicator, Evaluation, ClosingActivity,
    ProgramHandover, ProgramReferral,
    Event, ChecklistItem, EventRole, AgendaItem, HandedItem, Registration, CheckIn,
    Administration, Response, Answer,
    ServiceSite, SentenceOrder, HoursEntry, PlannedSession,
]  # fmt: skip


def run(**kwargs) -> str:
    out = StringIO()
    call_command("generate_scale", stdout=out, **kwargs)
    return out.getvalue()


def rows(qs, *fields) -> list:
    return sorted(map(repr, qs.values_list(*fields)))


def fingerprint() -> dict:
    """The generated data by natural keys, without primary keys (which depend on the database)."""
    pairs = Counter()
    by_program = defaultdict(lambda: defaultdict(set))
    for program, point, hashed in Response.objects.exclude(code_hash="").values_list(
        "administration__program__title", "administration__point", "code_hash"
    ):
        by_program[program][point].add(hashed)
    for program, points in by_program.items():
        pairs[program] = len(points["before"] & points["after"])
    return {
        "clients": rows(
            Client.objects, "office__code", "register_number", "full_name", "birth_date", "officer__username"
        ),
        "sessions": rows(
            GuidanceSession.objects,
            "client__register_number",
            "kind",
            "scheduled_at",
            "outcome",
            "engagement",
        ),
        "partners": rows(
            Partner.objects, "office__code", "name", "status", "agreement_number", "agreement_end"
        ),
        "services": rows(PartnerService.objects, "partner__name", "name", "capacity", "active"),
        "memberships": rows(PartnerMembership.objects, "user__username", "partner__name"),
        "referrals": rows(
            Referral.objects,
            "client__register_number",
            "service__name",
            "status",
            "created_at",
            "sent_at",
            "goals",
        ),
        "referral events": rows(
            ReferralEvent.objects,
            "referral__client__register_number",
            "source",
            "target",
            "at",
            "actor__username",
        ),
        "reports": rows(ServiceReportOutcome.objects, "report__referral__created_at", "goal", "rating"),
        "notifications": rows(Notification.objects, "recipient__username", "kind", "created_at", "read_at"),
        "programs": rows(Program.objects, "office__code", "title", "stage", "start", "end"),
        "members": rows(ProgramMember.objects, "program__title", "user__username", "role"),
        "stages": rows(StageChange.objects, "program__title", "to_stage", "at"),
        "codes": rows(Assessment.objects, "program__title", "code") + rows(PlanningWorkshop.objects, "code"),
        "indicators": rows(Indicator.objects, "program__title", "criterion", "weight", "achievement"),
        "events": rows(Event.objects, "program__title", "name", "start", "done", "village_code"),
        "registrations": rows(
            Registration.objects,
            "event__name",
            "event__start",
            "code",
            "group",
            "client__register_number",
            "name",
        ),
        "check-ins": rows(CheckIn.objects, "registration__code", "event__start", "at", "source"),
        "responses": rows(
            Response.objects,
            "administration__title",
            "client__register_number",
            "channel",
            "submitted_at",
            "scores",
        ),
        "answers": rows(
            Answer.objects.values("response__submitted_at", "response__administration__title").annotate(
                n=Count("id"), total=Sum("value")
            ),
            "response__submitted_at",
            "response__administration__title",
            "n",
            "total",
        ),
        "resident pairs": sorted(pairs.items()),
    }


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
    assert Litmas.objects.exists()
    assert f"sessions: {GuidanceSession.objects.exclude(kind='partner').count():,}" in out
    assert f"partner sessions: {GuidanceSession.objects.filter(kind='partner').count():,}" in out
    assert f"referrals: {Referral.objects.count():,}" in out
    assert f"responses: {Response.objects.count():,}" in out
    assert "rows/s" in out
    assert Referral.objects.count() == 12 and Program.objects.count() == 8
    for office in Office.objects.filter(code__startswith="scale-"):
        staff = User.objects.filter(office=office)
        for role in ("office_head", "section_head", "officer", "program_team", "partner_staff", "admin"):
            assert staff.filter(**{f"role_{role}": True}).exists(), role
        assert office.work_area.exists()
        # Every office has partners, referrals, programs and events of its own.
        assert Partner.objects.filter(office=office).exists()
        assert Referral.objects.filter(office=office).exists()
        assert Event.objects.filter(office=office).exists()
    assert User.objects.filter(role_national=True).exists()
    assert User.objects.filter(role_regional=True, regional_office__isnull=False).exists()
    assert User.objects.get(username="s000.kabapas").check_password(scale.BENCH_PASSWORD)


def test_every_model_gets_rows_every_state_and_stage():
    run(preset="tiny", seed=1)
    for model in GENERATED:
        assert model.objects.exists(), model.__name__
    assert set(Referral.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Program.objects.values_list("stage", flat=True)) == set(STAGE_ORDER)
    assert set(Registration.objects.values_list("group", flat=True)) >= {"client", "resident"}
    assert set(Administration.objects.values_list("group", "point")) == {
        ("client", "before"),
        ("client", "after"),
        ("resident", "before"),
        ("resident", "after"),
    }
    assert Response.objects.filter(client__isnull=False).exists()
    assert Response.objects.exclude(code_hash="").exists()


def test_same_seed_same_data_other_seed_other_data():
    # Generate, fingerprint, roll back, generate again: the same data (primary keys differ).
    rollback = transaction.savepoint()
    run(preset="tiny", seed=3)
    first = fingerprint()
    transaction.savepoint_rollback(rollback)
    assert not Client.objects.exists()
    assert all(first.values()), [k for k, v in first.items() if not v]
    run(preset="tiny", seed=3)
    assert fingerprint() == first
    # Pure planning functions: another seed gives other people.
    assert scale.client_rows(3, 0, 12) == scale.client_rows(3, 0, 12)
    assert scale.client_rows(3, 0, 12) != scale.client_rows(4, 0, 12)


def test_interrupted_run_resumes_to_the_same_data():
    rollback = transaction.savepoint()
    run(preset="tiny", seed=5)
    whole = fingerprint()
    transaction.savepoint_rollback(rollback)
    sizes = dataclasses.asdict(scale.PRESETS["tiny"])

    class Interrupted(Exception):
        pass

    def stop(message: str) -> None:
        raise Interrupted(message)

    with pytest.raises(Interrupted, match="office 1/2"):
        scale.generate(seed=5, log=stop, **sizes)
    assert Office.objects.filter(code__startswith="scale-").count() == 1  # the first office was committed
    with pytest.raises(CommandError, match="already present"):
        run(preset="tiny", seed=5)
    out = run(preset="tiny", seed=5, resume=True)
    assert "offices: 1" in out
    assert fingerprint() == whole


def test_other_seed_other_data():
    rollback = transaction.savepoint()
    run(preset="tiny", seed=3)
    first = fingerprint()
    transaction.savepoint_rollback(rollback)
    run(preset="tiny", seed=4)
    second = fingerprint()
    for key in ("clients", "referrals", "registrations", "responses"):
        assert second[key] != first[key], key


def test_rows_respect_constraints_and_office_scoping():
    run(preset="tiny", seed=1)
    # Every row's office is its client's office, every officer belongs to that office.
    for model in (Supervision, OfficerAssignment, Litmas, GuidanceSession):
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

    # Office scoping of the office-owned rows of partners, programs, events and evidence.
    assert not Referral.objects.exclude(office_id=F("client__office_id")).exists()
    assert not Referral.objects.exclude(office_id=F("partner__office_id")).exists()
    assert not Referral.objects.exclude(partner_id=F("service__partner_id")).exists()
    assert not Referral.objects.exclude(referred_by_id=F("client__officer_id")).exists()
    assert not PartnerMembership.objects.exclude(user__office_id=F("partner__office_id")).exists()
    assert not PartnerMembership.objects.filter(user__role_partner_staff=False).exists()
    for model in (ProgramMember, StageChange, Event):
        assert not model.objects.exclude(office_id=F("program__office_id")).exists(), model
    assert not ProgramMember.objects.exclude(user__office_id=F("office_id")).exists()
    assert not ProgramPartner.objects.exclude(partner__office_id=F("program__office_id")).exists()
    assert not ProgramReferral.objects.exclude(referral__office_id=F("program__office_id")).exists()
    assert not Registration.objects.exclude(office_id=F("event__office_id")).exists()
    assert (
        not Registration.objects.filter(client__isnull=False)
        .exclude(client__office_id=F("office_id"))
        .exists()
    )
    assert not Administration.objects.exclude(office_id=F("program__office_id")).exists()
    assert not Administration.objects.exclude(program_id=F("event__program_id")).exists()
    assert not Response.objects.exclude(office_id=F("administration__office_id")).exists()
    assert (
        not Response.objects.filter(client__isnull=False).exclude(client__office_id=F("office_id")).exists()
    )

    # Referrals: every move is in the transition table, made by the right side, and ends in the state.
    allowed = {(t.source, t.target, t.side) for t in TRANSITIONS}
    for referral in Referral.objects.select_related("client").prefetch_related("events"):
        events = list(referral.events.all())
        assert events[0].source == "" and events[0].target == Status.DRAFT
        for before, move in zip(events, events[1:], strict=False):
            assert move.source == before.target and move.at >= before.at
            side = Side.OFFICE if move.actor_id == referral.client.officer_id else Side.PARTNER
            assert (move.source, move.target, side) in allowed, (move.source, move.target, side)
        assert events[-1].target == referral.status
        assert referral.updated_at == events[-1].at
        assert (referral.sent_at is not None) == any(e.target == Status.SENT for e in events)
        if referral.status in (Status.IN_PROGRESS, Status.COMPLETED):
            assert referral.session_links.exists()
        if referral.status == Status.COMPLETED:
            assert referral.report.outcomes.count() == len(referral.goal_list)
        else:
            assert not ServiceReport.objects.filter(referral=referral).exists()
        if not referral.client.consent_share_partners:
            assert referral.shared_fields == []
    partner_sessions = GuidanceSession.objects.filter(kind="partner")
    assert partner_sessions.count() == ReferralSession.objects.count()
    for link in ReferralSession.objects.select_related(
        "session__recorded_by__partner_membership", "referral"
    ):
        assert link.session.client_id == link.referral.client_id
        assert link.session.office_id == link.referral.office_id
        assert link.session.recorded_by.partner_membership.partner_id == link.referral.partner_id

    # Programs: stage changes one step forward up to the current stage; indicator weights total 100.
    for program in Program.objects.prefetch_related("stage_changes", "indicators"):
        moves = [(c.from_stage, c.to_stage) for c in program.stage_changes.all()]
        stage = STAGE_ORDER.index(program.stage)
        assert moves == [(STAGE_ORDER[s], STAGE_ORDER[s + 1]) for s in range(stage)]
        weights = [i.weight for i in program.indicators.all()]
        assert not weights or sum(weights) == 100, (program.title, weights)
        assert program.start <= program.end
        program.full_clean()
    assert Indicator.objects.exists()
    assert not Assessment.objects.values("code").annotate(n=Count("id")).filter(n__gt=1).exists()

    # Events: codes unique per event, check-ins only for registrations of that event (and only of
    # events held), registered clients consented to community activities.
    assert not Registration.objects.values("event", "code").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert not CheckIn.objects.exclude(event_id=F("registration__event_id")).exists()
    assert not CheckIn.objects.filter(event__done=False).exists()
    assert not Registration.objects.filter(group="client", client__consent_community=False).exists()
    assert not Registration.objects.filter(group="client", client__isnull=True).exists()
    for registration in Registration.objects.all()[:10]:
        registration.full_clean()
    for event in Event.objects.all():
        event.full_clean()

    # Evidence: one answer per item, scores as the scoring rule computes them, no double answers.
    assert not (
        Response.objects.filter(client__isnull=False)
        .values("administration", "client")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .exists()
    )
    for response in Response.objects.select_related("administration__instrument_version")[:20]:
        version = response.administration.instrument_version
        items = list(Item.objects.filter(instrument_version=version).select_related("subscale"))
        answers = {a.item.key: a.value for a in response.answers.select_related("item")}
        assert len(answers) == len(items)
        specs = [ItemSpec(i.key, i.subscale.key, i.reverse) for i in items]
        expected = score_subscales(answers, specs, scale_min=version.scale_min, scale_max=version.scale_max)
        assert response.scores == pytest.approx(expected)
        assert response.administration.group == version.instrument.audience
        if response.client_id:
            assert Registration.objects.filter(
                event=response.administration.event, client=response.client
            ).exists()
            assert response.entered_by_id == response.client.officer_id
        else:
            assert len(response.code_hash) == 64
    # Residents pair before and after by their code (a few lose it).
    before = set(
        Response.objects.filter(administration__point="before")
        .exclude(code_hash="")
        .values_list("code_hash", flat=True)
    )
    after = set(
        Response.objects.filter(administration__point="after")
        .exclude(code_hash="")
        .values_list("code_hash", flat=True)
    )
    assert before & after


def test_second_run_refused_and_bad_sizes_rejected():
    run(preset="tiny")
    with pytest.raises(CommandError, match="already present"):
        run(preset="tiny")
    with pytest.raises(CommandError, match="positive"):
        run(offices=-1)
    with pytest.raises(CommandError, match="positive"):
        run(preset="tiny", referrals_per_office=-3)


def test_sizes_follow_the_clients():
    assert scale.derived(3_192) == {
        "partners_per_office": 7,
        "referrals_per_office": 532,
        "programs_per_office": 32,
        "registrations_per_office": 3_192,
        "responses_per_office": 4_256,
        "orders_per_office": 107,
    }
    national = scale.PRESETS["national"]
    assert national.offices * national.referrals_per_office >= 50_000
    assert national.offices * national.programs_per_office >= 3_000
    assert national.offices * national.registrations_per_office >= 300_000
    assert national.offices * national.responses_per_office >= 400_000
    assert national.offices * national.orders_per_office >= 10_000  # issue #18: 10,000 orders


def test_community_sentence_orders_keep_the_law_and_their_ledgers_verify():
    """Generated orders and hours: within the legal limits, every ledger's hash chain verifies, no
    order is credited more than ordered, no day more than 8 hours, nothing before the start or
    after today or the period's end, on a Sunday or a national holiday."""
    run(preset="tiny", seed=3)
    orders = list(SentenceOrder.objects.all())
    assert len(orders) == 8 and ServiceSite.objects.count() == 8
    assert ServiceSite.supervisors.through.objects.exists()
    for order in orders:
        assert order.client.office_id == order.office_id and order.client.category == "adult"
        if order.sentence_type == rules.COMMUNITY_SERVICE:
            assert rules.MIN_HOURS <= order.hours_ordered <= rules.MAX_HOURS
            assert order.period_months <= rules.MAX_PERIOD_MONTHS and order.site.office_id == order.office_id
        entries = list(HoursEntry.objects.filter(order=order).order_by("sequence"))
        assert ledger.verify(entries) == [], order.decision_number
        credited = sum(e.credited_minutes for e in entries)
        assert credited <= order.minutes_ordered
        if order.status == "completed":
            assert credited >= order.minutes_ordered - 15 * len(
                [e for e in entries if e.kind == "correction"]
            )
        per_day = Counter()
        for e in entries:
            assert order.start_date <= e.work_date < scale.TODAY and e.work_date <= order.end_date
            assert e.work_date.isoweekday() != 7
            if e.work_date.year in lokal.HOLIDAY_YEARS:
                assert lokal.is_working_day(e.work_date, cuti_bersama=False, weekend=(0,)), e.work_date
            per_day[e.work_date] += e.credited_minutes
            if e.kind == "correction":
                assert e.corrects.order_id == order.pk and e.reason
        assert all(m <= rules.MAX_HOURS_PER_DAY * 60 for m in per_day.values())
        assert all(m <= (order.hours_per_day or 0) * 60 for m in per_day.values()), order.decision_number
    assert HoursEntry.objects.filter(kind="correction").exists() or HoursEntry.objects.count() < 40
    # The next two weeks are planned for the active orders, at their sites, within each site's daily
    # capacity and opening hours, on working days; the sites' supervisors have the phone app's role.
    planned = list(PlannedSession.objects.select_related("order", "site"))
    assert {p.order_id for p in planned} == {
        o.pk for o in orders if o.status == "active" and o.sentence_type == rules.COMMUNITY_SERVICE
    }
    per_site_day = Counter((p.site_id, p.day) for p in planned)
    for p in planned:
        assert p.site_id == p.order.site_id and p.office_id == p.order.office_id
        assert scale.TODAY <= p.day < scale.TODAY + timedelta(days=14) and p.day.isoweekday() != 7
        assert p.site.opens_at <= p.starts_at < p.ends_at <= p.site.closes_at
        assert per_site_day[p.site_id, p.day] <= p.site.capacity_per_day
    supervisors = User.objects.filter(pk__in=ServiceSite.supervisors.through.objects.values("user_id"))
    assert supervisors.exists() and all(u.role_site_supervisor and u.role_partner_staff for u in supervisors)
