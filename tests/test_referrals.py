"""The referral lifecycle: transitions, version checks, partner sessions, concerns, the report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aksalarasa.core.concurrency import StaleVersion
from aksalarasa.guidance.models import GuidanceSession, Kind, Place
from aksalarasa.partners import selectors, services
from aksalarasa.partners.models import (
    TRANSITIONS,
    Notification,
    Referral,
    ReferralSession,
    ServiceReport,
    SharedField,
    Side,
    Status,
    transition_find,
)
from tests.factories import make_partner_world


@pytest.fixture
def w(office_a, office_b):
    return make_partner_world(office_a, office_b)


def _accept(w, referral=None):
    referral = referral or w["r_sent"]
    return services.referral_transition(
        referral=referral, actor=w["staff1"], target=Status.ACCEPTED, expected_version=referral.version
    )


def _session(w, referral, **extra):
    fields = {
        "referral": referral,
        "actor": w["staff1"],
        "scheduled_at": timezone.now() - timedelta(days=1),
        "outcome": "attended",
        "engagement": 3,
        "response": "Aktif bertanya",
        "expected_version": referral.version,
    }
    fields.update(extra)
    return services.partner_session_record(**fields)


def test_transition_table_has_no_duplicate_moves_and_terminal_states_have_no_exit():
    keys = [(m.source, m.target, m.side) for m in TRANSITIONS]
    assert len(keys) == len(set(keys))
    for move in TRANSITIONS:
        assert move.source not in (Status.DECLINED, Status.COMPLETED, Status.DROPPED_OUT, Status.CANCELLED)
    assert transition_find(Status.SENT, Status.ACCEPTED, Side.PARTNER) is not None
    assert transition_find(Status.SENT, Status.ACCEPTED, Side.OFFICE) is None


def test_full_lifecycle_leaves_a_timeline_with_actor_time_and_reason(w):
    referral = w["r_sent"]
    _accept(w)
    _session(w, referral)
    referral.refresh_from_db()
    assert referral.status == Status.IN_PROGRESS
    _session(w, referral, engagement=4)
    referral.refresh_from_db()
    services.service_report_submit(
        referral=referral,
        actor=w["staff1"],
        recommendation="Lanjutkan ke magang",
        ratings=[{"rating": "achieved", "evidence": "Lulus"}, {"rating": "partly", "evidence": ""}],
        expected_version=referral.version,
    )
    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED
    events = list(referral.events.values_list("source", "target", "actor_id"))
    assert events == [
        ("", Status.DRAFT, w["pk"].pk),
        (Status.DRAFT, Status.SENT, w["pk"].pk),
        (Status.SENT, Status.ACCEPTED, w["staff1"].pk),
        (Status.ACCEPTED, Status.IN_PROGRESS, w["staff1"].pk),
        (Status.IN_PROGRESS, Status.COMPLETED, w["staff1"].pk),
    ]
    report = ServiceReport.objects.get(referral=referral)
    assert [(o.goal, o.rating) for o in report.outcomes.all()] == [
        ("Menyelesaikan pelatihan", "achieved"),
        ("Membuat kue sendiri", "partly"),
    ]


@pytest.mark.parametrize(
    ("actor_key", "target", "reason"),
    [
        ("pk", Status.ACCEPTED, ""),  # the officer cannot accept for the partner
        ("staff1", Status.CANCELLED, "x"),  # the partner cannot cancel the office's referral
        ("staff1", Status.COMPLETED, ""),  # completed only with the end-of-service report
        ("staff1", Status.IN_PROGRESS, ""),  # sent -> in progress skips acceptance
        ("pk", Status.DRAFT, ""),  # no way back
        ("staff2", Status.ACCEPTED, ""),  # another partner's staff
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(w, actor_key, target, reason):
    referral = w["r_sent"]
    with pytest.raises(services.TransitionRefused):
        services.referral_transition(
            referral=referral,
            actor=w[actor_key],
            target=target,
            expected_version=referral.version,
            reason=reason,
        )
    fresh = Referral.objects.get(pk=referral.pk)
    assert (fresh.status, fresh.version) == (Status.SENT, referral.version)
    assert fresh.events.count() == 2


def test_decline_needs_a_reason_and_is_recorded_with_it(w):
    referral = w["r_sent"]
    with pytest.raises(ValidationError):
        services.referral_transition(
            referral=referral, actor=w["staff1"], target=Status.DECLINED, expected_version=referral.version
        )
    assert Referral.objects.get(pk=referral.pk).status == Status.SENT
    services.referral_transition(
        referral=referral,
        actor=w["staff1"],
        target=Status.DECLINED,
        expected_version=referral.version,
        reason="Kelas penuh sampai Januari",
    )
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.status == Status.DECLINED
    assert fresh.events.last().reason == "Kelas penuh sampai Januari"
    # the officer hears of it at once
    assert Notification.objects.filter(recipient=w["pk"], referral=referral, kind="declined").count() == 1
    with pytest.raises(services.TransitionRefused):
        services.referral_transition(
            referral=fresh, actor=w["staff1"], target=Status.ACCEPTED, expected_version=fresh.version
        )


def test_concurrent_moves_the_second_gets_stale_version(w):
    stale_officer_copy = Referral.objects.get(pk=w["r_sent"].pk)
    partner_copy = Referral.objects.get(pk=w["r_sent"].pk)
    services.referral_transition(
        referral=partner_copy,
        actor=w["staff1"],
        target=Status.ACCEPTED,
        expected_version=partner_copy.version,
    )
    with pytest.raises(StaleVersion):
        services.referral_transition(
            referral=stale_officer_copy,
            actor=w["pk"],
            target=Status.CANCELLED,
            expected_version=stale_officer_copy.version,
            reason="Klien pindah",
        )
    fresh = Referral.objects.get(pk=w["r_sent"].pk)
    assert fresh.status == Status.ACCEPTED
    assert fresh.events.filter(target=Status.CANCELLED).count() == 0


def test_partner_session_is_a_guidance_session_on_the_clients_timeline(w):
    referral = _accept(w)
    session = _session(w, referral)
    assert (session.kind, session.place, session.client_id, session.recorded_by_id) == (
        Kind.PARTNER,
        Place.PARTNER_SITE,
        w["adult"].pk,
        w["staff1"].pk,
    )
    assert session.officer_id == w["pk"].pk  # shows on the officer's caseload
    assert ReferralSession.objects.filter(referral=referral, session=session).exists()
    # the officer sees it through the guidance app's own scoping; the partner too; others not
    assert GuidanceSession.objects.visible_to(w["pk"]).filter(pk=session.pk).exists()
    assert GuidanceSession.objects.visible_to(w["staff1"]).filter(pk=session.pk).exists()
    assert not GuidanceSession.objects.visible_to(w["staff2"]).filter(pk=session.pk).exists()
    assert not GuidanceSession.objects.visible_to(w["pk_b"]).filter(pk=session.pk).exists()


def test_partner_staff_do_not_see_the_officers_own_sessions_of_a_referred_client(w):
    officer_session = GuidanceSession.objects.create(
        office=w["office_a"],
        client=w["adult"],
        officer=w["pk"],
        scheduled_at=timezone.now(),
        outcome="attended",
    )
    assert GuidanceSession.objects.visible_to(w["pk"]).filter(pk=officer_session.pk).exists()
    assert not GuidanceSession.objects.visible_to(w["staff1"]).filter(pk=officer_session.pk).exists()


def test_concern_notifies_the_clients_officer_at_once(w):
    referral = _accept(w)
    _session(w, referral, concern=True, concern_text="Klien tampak mabuk")
    notes = list(Notification.objects.filter(recipient=w["pk"], kind="concern"))
    assert len(notes) == 1 and notes[0].detail == "Klien tampak mabuk"
    assert selectors.notification_unread_count(viewer=w["pk"]) == 2  # accepted + concern
    assert selectors.notification_unread_count(viewer=w["pk_child"]) == 0


def test_sessions_only_while_accepted_or_in_progress(w):
    with pytest.raises(services.TransitionRefused):
        _session(w, w["r_sent"])  # not yet accepted
    assert not GuidanceSession.objects.filter(client=w["adult"]).exists()


def test_only_the_partners_staff_record_sessions(w):
    referral = _accept(w)
    for key in ("pk", "staff2"):
        with pytest.raises(services.TransitionRefused):
            _session(w, referral, actor=w[key])
    assert not GuidanceSession.objects.filter(client=w["adult"]).exists()


def test_report_must_rate_every_goal(w):
    referral = _accept(w)
    _session(w, referral)
    referral.refresh_from_db()
    with pytest.raises(ValidationError):
        services.service_report_submit(
            referral=referral,
            actor=w["staff1"],
            recommendation="x",
            ratings=[{"rating": "achieved"}],
            expected_version=referral.version,
        )
    assert Referral.objects.get(pk=referral.pk).status == Status.IN_PROGRESS
    assert not ServiceReport.objects.exists()


def test_sharing_beyond_initials_needs_consent_and_for_a_child_the_guardian(w):
    with pytest.raises(ValidationError) as err:
        services.referral_create(
            client=w["adult2"], service=w["s1"], actor=w["pk"], reason="x", shared_fields=["name"]
        )
    assert "consent" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.referral_create(
            client=w["child"], service=w["s1"], actor=w["pk_child"], reason="x", shared_fields=["name"]
        )
    assert "guardian" in str(err.value)


def test_partner_sees_initials_and_only_shared_fields(w):
    view = selectors.referral_client_view(viewer=w["staff1"], referral=w["r_sent"])
    assert view["label"] == "Wayan Uji Dewasa"
    assert [name for name, _ in view["fields"]] == [str(SharedField.PHONE.label)]
    child_view = selectors.referral_client_view(viewer=w["staff1"], referral=w["r_child"])
    assert child_view == {"label": "K.U.A.", "fields": [], "partner_view": True}
    # consent withdrawn after the referral: back to initials
    w["adult"].consent_share_partners = False
    w["adult"].save(update_fields=["consent_share_partners"])
    assert selectors.referral_client_view(viewer=w["staff1"], referral=w["r_sent"])["label"] == "W.U.D."


def test_service_must_be_eligible_and_of_the_clients_office(w):
    with pytest.raises(ValidationError):
        services.referral_create(client=w["child"], service=w["s2"], actor=w["pk_child"], reason="x")
    with pytest.raises(ValidationError):
        services.referral_create(client=w["adult"], service=w["s3"], actor=w["pk"], reason="x")


def test_suggestions_rank_by_need_region_capacity_with_reasons(w):
    from tests.factories import PartnerServiceFactory

    far = PartnerServiceFactory(partner=w["p2"], name="Salon", kind="vocational", capacity=1)
    w["p2"].regions.set([])
    # fill the far service
    services.referral_create(client=w["adult"], service=far, actor=w["pk"], reason="x", send=True)
    result = selectors.service_suggestions(
        viewer=w["pk"], client=w["adult2"], need_kind="vocational", need_text="ingin belajar tata boga"
    )
    names = [s.service.name for s in result]
    assert names[0] == "Tata boga"
    assert "Salon" in names and names.index("Salon") > names.index("Tata boga")
    top = result[0]
    assert any("Kota Denpasar" in r or "Denpasar" in r for r in top.reasons)
    assert any("tata" in r for r in top.reasons)
    salon = next(s for s in result if s.service.name == "Salon")
    assert salon.free == 0
    # a child client is never offered an adults-only service
    assert "Penempatan kerja" not in [
        s.service.name for s in selectors.service_suggestions(viewer=w["pk_child"], client=w["child"])
    ]
