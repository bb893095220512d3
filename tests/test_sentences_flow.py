"""The everyday flow of a community-service order (issue 18): the supervisor's day list from the
planned sessions, absences and lateness from the phone becoming compliance events for the PK (once,
replays included), and the PK deciding later whether a reason is valid."""

from __future__ import annotations

import json
from datetime import time

import pytest

from aksalarasa.sentences.compliance_services import unexcused_count
from aksalarasa.sentences.models import ComplianceEvent, SiteVisit
from aksalarasa.sentences.plan_models import PlannedSession
from aksalarasa.sentences.supervisor import services
from tests import test_site_app
from tests.factories import make_client, make_order
from tests.test_site_app import DAY, entry, sync

pytestmark = pytest.mark.django_db
w = test_site_app.w  # the site app's world: an office, a beach site, its supervisor, three orders


def plan(w, order, start, end, day=None):
    return PlannedSession.objects.create(
        office=order.office, order=order, site=order.site, day=day or w["today"],
        starts_at=time.fromisoformat(start), ends_at=time.fromisoformat(end), created_by=w["officer"],
    )  # fmt: skip


def test_the_day_list_shows_todays_planned_sessions_in_start_order_then_the_unplanned(
    w, login, django_assert_max_num_queries
):
    late = make_order(make_client(w["office_a"], w["officer"], full_name="Nyoman Siang"), actor=w["officer"],
                      site=w["site"])  # fmt: skip
    plan(w, late, "13:00", "16:00")
    plan(w, w["order"], "08:00", "11:00")
    plan(w, w["child_order"], "08:00", "10:00", day=w["today"].replace(day=1) if w["today"].day > 1 else None)
    client = login(w["supervisor"])
    client.get(DAY)  # warm the session and the permission caches
    with django_assert_max_num_queries(12):
        data = client.get(DAY).json()
    [site] = data["sites"]
    assert [(p["name"], p["planned_start"], p["planned_end"]) for p in site["people"]][:2] == [
        ("I Made Contoh", "08:00", "11:00"),
        ("Nyoman Siang", "13:00", "16:00"),
    ]
    unplanned = [p["order_id"] for p in site["unplanned"]]
    if w["today"].day > 1:  # the child's session is another day: listed as not planned today
        assert unplanned == [w["child_order"].pk]
        assert site["unplanned"][0]["planned_start"] == ""
    # More people and sessions cost no more queries.
    for n in range(5):
        extra = make_order(make_client(w["office_a"], w["officer"], full_name=f"Orang {n}"), actor=w["officer"],
                           site=w["site"])  # fmt: skip
        plan(w, extra, f"0{n + 1}:00", f"0{n + 2}:00")
    with django_assert_max_num_queries(12):
        more = client.get(DAY).json()["sites"][0]
    starts = [p["planned_start"] for p in more["people"]]
    assert starts == sorted(starts) and len(starts) == 7


def test_an_absence_becomes_one_event_awaiting_the_pks_decision_even_when_replayed(w, login):
    client = login(w["supervisor"])
    item = entry(w, attendance="absent", absence_reason="Sakit demam")
    assert sync(client, [item]).json()["results"][0]["state"] == "recorded"
    assert sync(client, [item]).json()["results"][0]["replay"] is True
    assert sync(client, [item, item]).status_code == 200
    event = ComplianceEvent.objects.get()
    visit = SiteVisit.objects.get()
    assert event.visit == visit and event.order == w["order"] and event.kind == "absence"
    assert event.reason == "Sakit demam" and event.reason_pending and not event.valid_reason
    assert event.recorded_by == w["supervisor"] and event.history.count() == 1
    assert unexcused_count(w["order"]) == 0  # not unexcused until the PK decides


def test_an_arrival_more_than_the_threshold_late_is_a_lateness_event_once(w, login, settings):
    assert services.late_after_minutes() == 30
    plan(w, w["order"], "08:00", "12:00")
    client = login(w["supervisor"])
    on_time = entry(w, start="08:30", end="09:00", break_minutes=0)  # 30 minutes: within the threshold
    late = entry(w, start="09:15", end="11:00", break_minutes=0)  # 75 minutes late
    assert [r["state"] for r in sync(client, [on_time, late]).json()["results"]] == ["credited", "credited"]
    sync(client, [late])  # a replay
    event = ComplianceEvent.objects.get()
    assert event.kind == "lateness" and event.minutes_late == 75 and not event.reason_pending
    assert str(event.visit.client_uuid) == late["id"]
    assert unexcused_count(w["order"]) == 1
    settings.AKSALARASA_SITE_LATE_MINUTES = 90
    sync(client, [entry(w, start="11:30", end="12:00", break_minutes=0)])  # 210 min late, past 90 too
    assert ComplianceEvent.objects.count() == 2


def test_an_unplanned_arrival_is_no_lateness(w, login):
    sync(login(w["supervisor"]), [entry(w, start="15:00", end="16:00", break_minutes=0)])
    assert SiteVisit.objects.count() == 1 and not ComplianceEvent.objects.exists()


def test_an_absence_for_a_closed_order_stays_a_visit_without_an_event(w, login):
    order = w["order"]
    order.status = order.Status.COMPLETED
    order.save(update_fields=["status"])
    [result] = sync(login(w["supervisor"]), [entry(w, attendance="absent", absence_reason="Pindah")]).json()[
        "results"
    ]
    assert result["state"] == "recorded" and not ComplianceEvent.objects.exists()


def test_the_day_list_json_never_names_the_offence(w, login):
    plan(w, w["order"], "08:00", "11:00")
    body = json.dumps(login(w["supervisor"]).get(DAY).json())
    assert w["order"].article not in body and "I Made Contoh" in body


def _absence_event(w, login):
    sync(login(w["supervisor"]), [entry(w, attendance="absent", absence_reason="Sakit demam")])
    return ComplianceEvent.objects.get()


def test_the_pk_decides_the_reason_later_with_a_note_and_evidence(w, login):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    event = _absence_event(w, login)
    url = reverse("sentences:event_reason", args=[event.pk])
    pk = login(w["officer"])
    detail = pk.get(reverse("sentences:order_detail", args=[w["order"].pk])).content.decode()
    assert "Menunggu keputusan Anda" in detail and url in detail
    part = pk.get(url, HTTP_HX_REQUEST="true")
    assert part.status_code == 200 and "<html" not in part.content.decode()
    bad = pk.post(
        url, {"valid_reason": "yes", "reason": " ", "version": event.version}, HTTP_HX_REQUEST="true"
    )
    assert bad.status_code == 422 and "tulis" in bad.content.decode().lower()
    event.refresh_from_db()
    assert event.reason_pending and event.version == 1
    pdf = SimpleUploadedFile("surat.pdf", b"%PDF-1.4 surat dokter", content_type="application/pdf")
    ok = pk.post(
        url,
        {"valid_reason": "yes", "reason": "Sakit, surat dokter", "note": "Surat dokter diterima", "version": 1,
         "evidence_file": pdf},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert ok.status_code == 204 and ok.headers["HX-Redirect"].endswith("#compliance")
    event.refresh_from_db()
    assert event.valid_reason and not event.reason_pending and event.evidence_file
    assert "Surat dokter diterima" in event.evidence_note and event.history.count() == 2
    assert event.history.first().history_user == w["officer"]
    # A second edit from the old version is refused with a message and changes nothing.
    stale = pk.post(url, {"valid_reason": "no", "reason": "", "version": 1}, HTTP_HX_REQUEST="true")
    assert stale.status_code == 409 and "errorlist" in stale.content.decode()
    event.refresh_from_db()
    assert event.valid_reason and event.version == 2
    # Not valid after all: now it counts as unexcused.
    assert pk.post(url, {"valid_reason": "no", "reason": "", "version": 2}).status_code == 302
    assert unexcused_count(w["order"]) == 1


def test_only_who_manages_the_order_may_decide_the_reason(w, login):
    from django.urls import reverse

    from tests.factories import make_user

    event = _absence_event(w, login)
    url = reverse("sentences:event_reason", args=[event.pk])
    for user in (w["supervisor"], make_user("officer", w["office_a"]), make_user("officer", w["office_b"])):
        client = login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"valid_reason": "yes", "reason": "x", "version": 1}).status_code == 404
    event.refresh_from_db()
    assert event.reason_pending and event.version == 1
