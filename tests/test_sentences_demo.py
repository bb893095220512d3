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
