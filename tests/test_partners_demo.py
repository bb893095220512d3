"""The partners demo: every referral state, two sessions in progress, idempotent and deterministic."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from aksalarasa.guidance.models import GuidanceSession
from aksalarasa.partners.models import Partner, PartnerMembership, Referral, ReferralSession, Status
from aksalarasa.seeding.demo import load_demo


def _snapshot():
    return (
        sorted(Partner.objects.values_list("name", "agreement_end", "public_listing")),
        sorted(Referral.objects.values_list("client__register_number", "service__name", "status")),
        ReferralSession.objects.count(),
        GuidanceSession.objects.filter(kind="partner").count(),
    )


@pytest.mark.django_db
def test_demo_covers_every_state_and_a_second_load_changes_nothing():
    load_demo()
    names = set(Partner.objects.values_list("name", flat=True))
    assert "Yayasan Gerasa" in names and len(names) >= 4
    assert set(Referral.objects.values_list("status", flat=True)) == set(Status.values)
    in_progress = Referral.objects.get(status=Status.IN_PROGRESS)
    assert in_progress.session_links.count() == 2
    assert PartnerMembership.objects.get(user__username="mitra.gerasa").partner.name == "Yayasan Gerasa"
    assert Partner.objects.filter(public_listing=True).count() >= 2
    soon = timezone.localdate() + timedelta(days=60)
    assert Partner.objects.filter(agreement_end__lte=soon).count() == 1
    first = _snapshot()
    ctx = load_demo()
    assert not {k for k in ctx.created if k.startswith("partner") or k == "referrals"}
    assert _snapshot() == first
