"""Partner directory, services, staff links, and the referral pages and API end to end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from aksalarasa.guidance.models import GuidanceSession
from aksalarasa.partners import selectors, services
from aksalarasa.partners.models import Partner, PartnerMembership, PartnerService, Referral, Status
from tests.factories import PartnerFactory, make_partner_world, make_user


@pytest.fixture
def w(office_a, office_b):
    return make_partner_world(office_a, office_b)


def _partner_post(**extra):
    data = {
        "name": "Perkumpulan Tirta Gianyar",
        "legal_form": "perkumpulan",
        "focus_areas": "religious counselling",
        "regions": ["51.04"],
        "contact_phone": "0812 3456 7890",
        "agreement_number": "W20.PAS.PAS.12-PK.01.05-123",
        "agreement_start": "2026-01-01",
        "agreement_end": "2027-01-01",
        "status": "active",
    }
    data.update(extra)
    return data


def test_create_partner_normalises_phone_and_records_history(w, client):
    client.force_login(w["program_team"])
    response = client.post(reverse("partners:partner_create"), _partner_post())
    assert response.status_code == 302
    partner = Partner.objects.get(name="Perkumpulan Tirta Gianyar")
    assert partner.office == w["office_a"]
    assert partner.contact_phone == "+6281234567890"
    assert [r.code for r in partner.regions.all()] == ["51.04"]
    assert partner.history.first().history_user == w["program_team"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"agreement_end": "2025-12-31"}, "agreement_end"),
        ({"contact_phone": "12ab"}, "contact_phone"),
        ({"name": "yayasan satu"}, "name"),  # same office, same name (case-insensitive)
        ({"regions": ["35.78"]}, "regions"),  # Surabaya: not in the office's province
    ],
)
def test_bad_partner_input_rerenders_with_errors_and_changes_nothing(w, client, extra, field):
    client.force_login(w["office_head"])
    before = Partner.objects.count()
    response = client.post(reverse("partners:partner_create"), _partner_post(**extra))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Partner.objects.count() == before


def test_partner_edit_refuses_a_stale_version(w, client):
    client.force_login(w["office_head"])
    url = reverse("partners:partner_edit", args=[w["p1"].pk])
    services.partner_update(
        partner=w["p1"], actor=w["admin"], data={"focus_areas": "changed"}, expected_version=w["p1"].version
    )
    response = client.post(url, _partner_post(name="Yayasan Satu", version=1))
    assert response.status_code == 200
    assert (
        "Reload" in str(response.context["form"].non_field_errors())
        or response.context["form"].non_field_errors()
    )
    assert Partner.objects.get(pk=w["p1"].pk).focus_areas == "changed"


def test_service_needs_an_eligible_category(w, client):
    client.force_login(w["office_head"])
    url = reverse("partners:service_create", args=[w["p1"].pk])
    response = client.post(url, {"name": "Bartender", "kind": "vocational", "capacity": 8})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    response = client.post(
        url, {"name": "Bartender", "kind": "vocational", "capacity": 8, "for_children": "on"}
    )
    assert response.status_code == 302
    assert PartnerService.objects.get(name="Bartender").for_children


def test_agreement_warnings_within_60_days_and_expired(w, client):
    today = timezone.localdate()
    w["p1"].agreement_end = today + timedelta(days=30)
    w["p1"].save(update_fields=["agreement_end"])
    w["p2"].agreement_end = today - timedelta(days=1)
    w["p2"].save(update_fields=["agreement_end"])
    assert selectors.agreement_warning(w["p1"])["level"] == "warn"
    assert selectors.agreement_warning(w["p2"])["level"] == "bad"
    assert selectors.agreement_warning(w["p3"]) is None
    far = PartnerFactory(office=w["office_a"], agreement_end=today + timedelta(days=61))
    assert selectors.agreement_warning(far) is None
    client.force_login(w["pk"])
    page = client.get(reverse("partners:partner_list"))
    assert [r["partner"].name for r in page.context["expiring"]] == ["Koperasi Dua", "Yayasan Satu"]


def test_public_directory_lists_opted_in_partners_without_login_or_client_data(w, client):
    w["p1"].public_listing = True
    w["p1"].public_description = "Pelatihan vokasi untuk anak"
    w["p1"].save(update_fields=["public_listing", "public_description"])
    response = client.get(reverse("partners:directory"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Yayasan Satu" in body and "Tata boga" in body
    assert "Koperasi Dua" not in body and "Yayasan Tiga" not in body
    for secret in ("Wayan Uji Dewasa", "W.U.D.", "Komang", "PRT-", "Butuh keterampilan"):
        assert secret not in body


def test_membership_page_links_only_partner_staff_of_the_office(w, client):
    newcomer = make_user("partner_staff", w["office_a"])
    outsider = make_user("partner_staff", w["office_b"])
    officer = w["pk_child"]
    client.force_login(w["office_head"])
    url = reverse("partners:partner_staff", args=[w["p2"].pk])
    page = client.get(url)
    choices = set(page.context["form"].fields["user"].queryset)
    assert newcomer in choices and outsider not in choices and officer not in choices
    assert w["staff1"] not in choices  # already belongs to a partner
    assert client.post(url, {"user": outsider.pk}).status_code == 200
    assert client.post(url, {"user": newcomer.pk}).status_code == 302
    assert PartnerMembership.objects.get(user=newcomer).partner == w["p2"]
    membership = PartnerMembership.objects.get(user=newcomer)
    client.post(reverse("partners:partner_staff_unlink", args=[w["p2"].pk, membership.pk]))
    assert not PartnerMembership.objects.filter(user=newcomer).exists()
    client.force_login(w["pk"])
    assert client.get(url).status_code == 404


def test_officer_refers_through_the_form_and_bad_input_changes_nothing(w, client):
    client.force_login(w["pk"])
    url = reverse("partners:referral_create") + f"?client={w['adult'].pk}"
    page = client.get(url)
    assert page.status_code == 200 and page.context["suggestions"]
    before = Referral.objects.count()
    response = client.post(url, {"client": w["adult"].pk, "service": w["s1"].pk, "reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    url2 = reverse("partners:referral_create") + f"?client={w['adult2'].pk}"
    response = client.post(url2, {"service": w["s1"].pk, "reason": "x", "shared_fields": ["phone"]})
    assert response.status_code == 200 and "shared_fields" in response.context["form"].errors
    assert Referral.objects.count() == before
    response = client.post(
        url,
        {
            "client": w["adult"].pk,
            "service": w["s2"].pk,
            "reason": "Mencari kerja",
            "goals": "Bekerja tetap\n\n",
            "shared_fields": ["name"],
            "send": "on",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.latest("pk")
    assert (referral.status, referral.goal_list, referral.shared_fields) == (
        Status.SENT,
        ["Bekerja tetap"],
        ["name"],
    )


def test_other_officer_cannot_open_the_referral_form_for_someone_elses_client(w, client):
    client.force_login(w["pk_child"])
    url = reverse("partners:referral_create") + f"?client={w['adult'].pk}"
    assert client.get(url).status_code == 404
    assert client.get(reverse("partners:referral_create") + "?client=abc").status_code == 404


def test_transition_over_http_with_stale_version_shows_a_clear_message(w, client):
    referral = w["r_sent"]
    old_version = referral.version
    client.force_login(w["staff1"])
    url = reverse("partners:referral_transition", args=[referral.pk])
    assert client.post(url, {"target": "accepted", "version": old_version}).status_code == 302
    client.force_login(w["pk"])
    response = client.post(url, {"target": "cancelled", "version": old_version, "reason": "x"}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("Reload" in m or "Muat ulang" in m or "muat ulang" in m for m in messages), messages
    assert Referral.objects.get(pk=referral.pk).status == Status.ACCEPTED


def test_illegal_transition_over_http_is_refused_with_a_message(w, client):
    client.force_login(w["pk"])
    url = reverse("partners:referral_transition", args=[w["r_sent"].pk])
    response = client.post(url, {"target": "accepted", "version": w["r_sent"].version}, follow=True)
    assert response.status_code == 200
    assert any("cannot" in str(m) or "tidak" in str(m) for m in response.context["messages"])
    assert Referral.objects.get(pk=w["r_sent"].pk).status == Status.SENT
    # garbage input is a message too, never a 500
    response = client.post(url, {"target": "nonsense", "version": "x"}, follow=True)
    assert response.status_code == 200


def test_partner_records_session_and_report_with_certificate_over_http(w, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    referral = services.referral_transition(
        referral=w["r_sent"], actor=w["staff1"], target="accepted", expected_version=w["r_sent"].version
    )
    client.force_login(w["staff1"])
    url = reverse("partners:session_create", args=[referral.pk])
    when = (timezone.localtime() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(url, {"scheduled_at": when, "outcome": "attended", "version": referral.version})
    assert bad.status_code == 200 and "engagement" in bad.context["form"].errors
    bad = client.post(
        url, {"scheduled_at": when, "outcome": "unexcused", "engagement": 2, "version": referral.version}
    )
    assert "engagement" in bad.context["form"].errors
    assert not GuidanceSession.objects.filter(client=w["adult"]).exists()
    ok = client.post(
        url,
        {
            "scheduled_at": when,
            "outcome": "attended",
            "engagement": 3,
            "response": "Antusias",
            "version": referral.version,
        },
    )
    assert ok.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.IN_PROGRESS
    report_url = reverse("partners:report_create", args=[referral.pk])
    wrong = SimpleUploadedFile("sertifikat.exe", b"MZ", content_type="application/octet-stream")
    data = {
        "rating_0": "achieved",
        "rating_1": "not_achieved",
        "recommendation": "Lanjut magang",
        "version": referral.version,
    }
    response = client.post(report_url, {**data, "certificate": wrong})
    assert response.status_code == 200 and "certificate" in response.context["form"].errors
    pdf = SimpleUploadedFile("sertifikat.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert client.post(report_url, {**data, "certificate": pdf}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED
    client.force_login(w["pk"])
    detail = client.get(reverse("partners:referral_detail", args=[referral.pk])).content.decode()
    assert "Lanjut magang" in detail and "Antusias" in detail
    download = client.get(reverse("partners:report_certificate", args=[referral.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(w["staff2"])
    assert client.get(reverse("partners:report_certificate", args=[referral.pk])).status_code == 404


def test_officer_cannot_open_the_partner_session_form(w, client):
    client.force_login(w["pk"])
    assert client.get(reverse("partners:session_create", args=[w["r_sent"].pk])).status_code == 404


def test_api_create_transition_conflict_and_session(w, client):
    client.force_login(w["pk"])
    bad = client.post(
        "/api/v1/referrals",
        {"client_id": w["adult"].pk, "service_id": w["s1"].pk, "reason": ""},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "reason" in bad.json()["errors"]
    hidden = client.post(
        "/api/v1/referrals",
        {"client_id": w["client_b"].pk, "service_id": w["s1"].pk, "reason": "x"},
        content_type="application/json",
    )
    assert hidden.status_code == 404
    created = client.post(
        "/api/v1/referrals",
        {
            "client_id": w["adult"].pk,
            "service_id": w["s2"].pk,
            "reason": "Kerja",
            "goals": ["Bekerja"],
            "send": True,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "sent" and body["allowed_moves"] == ["cancelled"]
    rid, version = body["id"], body["version"]
    client.force_login(w["staff2"])
    accepted = client.post(
        f"/api/v1/referrals/{rid}/transition",
        {"target": "accepted", "version": version},
        content_type="application/json",
    )
    assert accepted.status_code == 200
    stale = client.post(
        f"/api/v1/referrals/{rid}/transition",
        {"target": "declined", "version": version, "reason": "x"},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["detail"]
    illegal = client.post(
        f"/api/v1/referrals/{rid}/transition",
        {"target": "completed", "version": accepted.json()["version"]},
        content_type="application/json",
    )
    assert illegal.status_code == 409
    session = client.post(
        f"/api/v1/referrals/{rid}/sessions",
        {
            "scheduled_at": (timezone.now() - timedelta(hours=2)).isoformat(),
            "outcome": "attended",
            "engagement": 4,
            "concern": True,
            "concern_text": "Sering terlambat",
            "version": accepted.json()["version"],
        },
        content_type="application/json",
    )
    assert session.status_code == 201, session.content
    assert session.json()["referral_status"] == "in_progress"
    report = client.post(
        f"/api/v1/referrals/{rid}/report",
        {
            "recommendation": "Baik",
            "ratings": [{"rating": "achieved"}],
            "version": session.json()["referral_version"],
        },
        content_type="application/json",
    )
    assert report.status_code == 200 and report.json()["status"] == "completed"
    client.force_login(w["pk"])
    assert (
        client.post(
            f"/api/v1/referrals/{rid}/sessions",
            {
                "scheduled_at": timezone.now().isoformat(),
                "outcome": "attended",
                "engagement": 3,
                "version": 1,
            },
            content_type="application/json",
        ).status_code
        == 403
    )


def test_api_suggestions_explain_why(w, client):
    client.force_login(w["pk"])
    rows = client.get(f"/api/v1/clients/{w['adult'].pk}/service-suggestions?need_kind=employment").json()
    assert rows[0]["service"]["name"] == "Penempatan kerja"
    assert rows[0]["reasons"]
    client.force_login(w["staff1"])
    assert client.get(f"/api/v1/clients/{w['adult'].pk}/service-suggestions").status_code == 404


def test_notifications_page_lists_and_marks_read(w, client):
    services.referral_transition(
        referral=w["r_sent"], actor=w["staff1"], target="accepted", expected_version=w["r_sent"].version
    )
    client.force_login(w["pk"])
    assert selectors.notification_unread_count(viewer=w["pk"]) == 1
    page = client.get(reverse("partners:notification_list"))
    assert len(page.context["notifications"]) == 1
    client.post(reverse("partners:notification_list"))
    assert selectors.notification_unread_count(viewer=w["pk"]) == 0


def test_partner_pages_have_bounded_queries(w, client, django_assert_max_num_queries):
    from tests.factories import PartnerServiceFactory

    for i in range(12):
        partner = PartnerFactory(office=w["office_a"], name=f"Mitra Tambahan {i}")
        PartnerServiceFactory(partner=partner)
    client.force_login(w["office_head"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("partners:partner_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/partners").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("partners:directory")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/services").status_code == 200


def test_referral_detail_queries_do_not_grow_with_sessions(w, client, django_assert_max_num_queries):
    referral = services.referral_transition(
        referral=w["r_sent"], actor=w["staff1"], target="accepted", expected_version=w["r_sent"].version
    )
    for days in range(1, 9):
        services.partner_session_record(
            referral=referral,
            actor=w["staff1"],
            scheduled_at=timezone.now() - timedelta(days=days),
            outcome="attended",
            engagement=3,
            expected_version=referral.version,
        )
        referral.refresh_from_db()
    client.force_login(w["pk"])
    with django_assert_max_num_queries(20):
        assert client.get(reverse("partners:referral_detail", args=[referral.pk])).status_code == 200
