"""The community-sentences demo at Denpasar: three sites, twelve orders, intact ledgers, idempotent."""

from __future__ import annotations

import pytest

from aksalarasa.seeding.demo import load_demo
from aksalarasa.sentences import ledger
from aksalarasa.sentences.models import HoursEntry, SentenceOrder, ServiceSite, Suitability


def _snapshot():
    return (
        sorted(ServiceSite.objects.values_list("name", "kind", "partner__name")),
        sorted(SentenceOrder.objects.values_list("decision_number", "status", "client__register_number")),
        HoursEntry.objects.count(),
    )


@pytest.mark.django_db
def test_demo_sites_orders_and_ledgers():
    load_demo()
    sites = {s.kind: s for s in ServiceSite.objects.select_related("partner")}
    beach = ServiceSite.objects.get(name__startswith="Pantai Mertasari")
    assert beach.partner.name.startswith("Pokmas Lipas") and beach.village_code == "51.71.01.2010"
    assert beach.supervisors.filter(username="pengawas.segara", role_partner_staff=True).exists()
    assert "griya_abhipraya" in sites and ServiceSite.objects.count() == 3
    orders = SentenceOrder.objects.all()
    assert orders.count() == 12
    assert {"completed", "breach", "active"} <= set(orders.values_list("status", flat=True))
    assert orders.filter(sentence_type="supervision").count() == 3
    completed = orders.get(status="completed")
    assert sum(e.credited_minutes for e in completed.hours.all()) == completed.hours_ordered * 60
    for order in orders:
        assert ledger.verify(order.hours.order_by("sequence")) == []
        assert not order.client.is_child
    assert Suitability.objects.filter(consent_given=True, consent_explained_by__isnull=False).count() == 1
    first = _snapshot()
    load_demo()
    assert _snapshot() == first


@pytest.mark.django_db
def test_the_demo_has_a_breach_report_a_completion_letter_and_condition_checks():
    from aksalarasa.sentences.models import ComplianceEvent, ConditionCheck, SentenceLetter

    load_demo()
    completed = SentenceOrder.objects.get(status="completed")
    assert completed.closed_on is not None
    assert SentenceLetter.objects.filter(order=completed, kind="completion").exists()
    breach = SentenceOrder.objects.get(status="breach")
    assert ComplianceEvent.objects.filter(order=breach, valid_reason=False).count() == 3
    assert set(SentenceLetter.objects.filter(order=breach).values_list("kind", flat=True)) == {
        "warning",
        "breach_report",
    }
    assert ConditionCheck.objects.filter(order__sentence_type="supervision", result="met").exists()


@pytest.mark.django_db
def test_the_demo_day_list_own_pages_and_an_absence_awaiting_the_pk(client):
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from aksalarasa.accounts.models import User
    from aksalarasa.seeding.demo.sentences import own_token
    from aksalarasa.sentences.models import ComplianceEvent, PlannedSession, SiteVisit
    from aksalarasa.sentences.supervisor.selectors import day_list

    load_demo()
    supervisor = User.objects.get(username="pengawas.segara")
    office = ServiceSite.objects.get(name__startswith="Pantai Mertasari").office
    today = timezone.localdate(timezone=ZoneInfo(office.time_zone))
    [beach] = day_list(viewer=supervisor, day=today)
    assert len(beach.people) >= 2 and all(p.planned_start == "08:00" for p in beach.people)
    # Past planned sessions match the ledger's days.
    worked = HoursEntry.objects.filter(kind="work", order__status="active", order__site=beach.id)
    for entry in worked:
        assert PlannedSession.objects.filter(order=entry.order, day=entry.work_date).exists()
    # Every person doing community service has an own page (the README's demo link).
    for order in SentenceOrder.objects.filter(
        sentence_type="community_service", status__in=["active", "completed"]
    ):
        page = client.get(f"/sentences/me/{own_token(order)}/")
        assert page.status_code == 200 and order.client.full_name.split()[0] in page.content.decode()
    # One absence from the site app waits for the PK's decision.
    [pending] = ComplianceEvent.objects.filter(reason_pending=True)
    assert pending.kind == "absence" and pending.visit.supervisor == supervisor
    counts = (PlannedSession.objects.count(), SiteVisit.objects.count(), ComplianceEvent.objects.count())
    load_demo()
    assert (
        PlannedSession.objects.count(),
        SiteVisit.objects.count(),
        ComplianceEvent.objects.count(),
    ) == counts
