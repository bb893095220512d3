"""The program cycle's rules: stage moves, weights, voting limits, live views, API 422/409."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aksalarasa.core.concurrency import StaleVersion
from aksalarasa.programs import selectors, services
from aksalarasa.programs.models import (
    Assessment,
    AssessmentItem,
    Indicator,
    Stage,
    StageChange,
    Vote,
)
from tests.factories import make_program, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(office_a):
    return make_user("program_team", office_a)


@pytest.fixture
def program(office_a, team):
    return make_program(office_a, team=[(team, True)])


@pytest.fixture
def assessment(program):
    a = services.assessment_create(
        program=program,
        data={
            "title": "Rembug",
            "date": datetime.date(2026, 6, 8),
            "facilitator": "Fasilitator",
            "votes_per_person": 3,
        },
    )
    for title in ("Motivasi rendah", "Bimbingan kurang inovatif", "Hanya hadir"):
        services.assessment_item_add(assessment=a, data={"kind": "problem", "title": title})
    services.assessment_item_add(assessment=a, data={"kind": "potential", "title": "Kerja sama warga"})
    services.assessment_voting_set(assessment=a, open=True)
    return a


# --- Stages ------------------------------------------------------------------------------------


def test_team_moves_forward_one_stage_and_the_move_is_recorded(program, team, client):
    client.force_login(team)
    response = client.post(
        reverse("programs:stage_move", args=[program.pk]),
        {"to_stage": "organising", "version": program.version},
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.stage == Stage.ORGANISING
    change = StageChange.objects.get(program=program)
    assert (change.from_stage, change.to_stage, change.actor) == ("initiation", "organising", team)


def test_skipping_stages_forward_is_refused(program, team, client):
    client.force_login(team)
    response = client.post(
        reverse("programs:stage_move", args=[program.pk]),
        {"to_stage": "planning", "version": program.version},
    )
    assert response.status_code == 422
    assert "one stage at a time" in response.content.decode() or "satu tahap" in response.content.decode()
    program.refresh_from_db()
    assert program.stage == Stage.INITIATION


def test_moving_back_needs_a_reason_kept_in_the_stage_change_and_history(program, team, client):
    services.program_stage_move(
        program=program, actor=team, to_stage="organising", reason="", expected_version=1
    )
    program.refresh_from_db()
    client.force_login(team)
    url = reverse("programs:stage_move", args=[program.pk])
    response = client.post(url, {"to_stage": "initiation", "version": program.version})
    assert response.status_code == 422
    program.refresh_from_db()
    assert program.stage == Stage.ORGANISING
    response = client.post(
        url, {"to_stage": "initiation", "version": program.version, "reason": "Kontak desa belum ada"}
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.stage == Stage.INITIATION
    assert StageChange.objects.filter(program=program, reason="Kontak desa belum ada").exists()
    assert program.history.filter(history_change_reason="Kontak desa belum ada").exists()


def test_stage_move_with_a_stale_version_changes_nothing(program, team):
    with pytest.raises(StaleVersion):
        services.program_stage_move(
            program=program, actor=team, to_stage="organising", reason="", expected_version=7
        )
    program.refresh_from_db()
    assert program.stage == Stage.INITIATION


def test_checklist_shows_what_is_recorded_and_missing(program, team, assessment):
    stages = {s.value: s for s in selectors.stage_checklist(program=program)}
    assert not stages["initiation"].complete
    services.record_add(
        program=program,
        model=__import__("aksalarasa.programs.models", fromlist=["Contact"]).Contact,
        data={
            "kind": "contact",
            "date": datetime.date(2026, 5, 30),
            "people": "Kepala Desa",
            "institution": "Desa",
            "purpose": "Perkenalan",
            "agreement": "Siap mendukung",
        },
        actor=team,
    )
    stages = {s.value: s for s in selectors.stage_checklist(program=program)}
    assert stages["initiation"].items[0].done
    assert stages["assessment"].items[0].done  # problems
    assert not stages["assessment"].items[2].done  # no votes yet
    assert stages["intervention"].missing  # no event held


def test_stage_view_query_count_is_capped(program, team, assessment, client, django_assert_max_num_queries):
    client.force_login(team)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("programs:detail", args=[program.pk]))
    assert response.status_code == 200


# --- Indicators ---------------------------------------------------------------------------------


def _indicator_post(rows):
    data = {
        "ind-TOTAL_FORMS": len(rows),
        "ind-INITIAL_FORMS": 0,
        "ind-MIN_NUM_FORMS": 0,
        "ind-MAX_NUM_FORMS": 20,
    }
    for i, (criterion, weight) in enumerate(rows):
        data[f"ind-{i}-criterion"] = criterion
        data[f"ind-{i}-weight"] = weight
        data[f"ind-{i}-source"] = "manual"
    return data


def test_weights_not_totalling_100_are_refused_with_a_message(program, team, client):
    client.force_login(team)
    response = client.post(
        reverse("programs:indicators_save", args=[program.pk]),
        _indicator_post([("Motivasi", 30), ("Interaksi", 40)]),
    )
    assert response.status_code == 422
    assert "70" in response.content.decode()
    assert not Indicator.objects.filter(program=program).exists()


def test_weights_totalling_100_are_saved_and_weighted_total_computed(program, team, client):
    client.force_login(team)
    response = client.post(
        reverse("programs:indicators_save", args=[program.pk]),
        _indicator_post([("Motivasi", 30), ("Interaksi", 70)]),
    )
    assert response.status_code == 302
    first, second = Indicator.objects.filter(program=program).order_by("pk")
    first.achievement, second.achievement = 50, 100
    first.save()
    second.save()
    figures = selectors.evaluation_data(program)
    assert figures["weight_total"] == 100
    assert str(figures["weighted_total"]) == "85.0"


def test_api_refuses_weights_not_totalling_100(program, team, client):
    client.force_login(team)
    response = client.put(
        f"/api/v1/programs/{program.pk}/indicators",
        {"indicators": [{"criterion": "A", "weight": 60}, {"criterion": "B", "weight": 60}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "120" in str(response.json()["errors"])


# --- Voting (MPA) -------------------------------------------------------------------------------


def _problems(assessment):
    return list(assessment.items.filter(kind=AssessmentItem.Kind.PROBLEM).order_by("pk"))


def test_vote_over_the_limit_is_refused_and_nothing_is_stored(assessment):
    p = services.assessment_participant_add(assessment=assessment, name="Wayan", group="client", sex="M")
    a, b, _c = _problems(assessment)
    with pytest.raises(ValidationError):
        services.ballot_cast(participant=p, allocation={a.pk: 3, b.pk: 1})
    assert not Vote.objects.exists()
    services.ballot_cast(participant=p, allocation={a.pk: 2, b.pk: 1})
    assert sum(v.count for v in Vote.objects.all()) == 3


def test_pocket_voting_allows_one_vote_per_problem(assessment):
    services.assessment_update(assessment=assessment, data={"method": Assessment.Method.POCKET})
    p = services.assessment_participant_add(assessment=assessment, name="Made", group="resident", sex="F")
    a, _b, _c = _problems(assessment)
    with pytest.raises(ValidationError):
        services.ballot_cast(participant=p, allocation={a.pk: 2})


def test_votes_for_potentials_or_other_sessions_are_refused(assessment):
    p = services.assessment_participant_add(assessment=assessment, name="Komang", group="officer", sex="F")
    potential = assessment.items.get(kind=AssessmentItem.Kind.POTENTIAL)
    with pytest.raises(ValidationError):
        services.ballot_cast(participant=p, allocation={potential.pk: 1})


def test_closed_voting_refuses_ballots(assessment):
    p = services.assessment_participant_add(assessment=assessment, name="Nyoman", group="client", sex="M")
    services.assessment_voting_set(assessment=assessment, open=False)
    with pytest.raises(ValidationError):
        services.ballot_cast(participant=p, allocation={_problems(assessment)[0].pk: 1})


def test_phone_ballot_over_the_limit_shows_an_error(assessment, client):
    response = client.post(
        reverse("programs:vote_open", args=[assessment.code]),
        {"name": "Ketut", "group": "resident", "sex": "F"},
    )
    assert response.status_code == 302
    ballot_url = response["Location"]
    a, b, c = _problems(assessment)
    response = client.post(ballot_url, {f"item_{a.pk}": 2, f"item_{b.pk}": 2})
    assert response.status_code == 422
    assert not Vote.objects.exists()
    response = client.post(ballot_url, {f"item_{a.pk}": 2, f"item_{c.pk}": 1})
    assert response.status_code == 200
    assert Vote.objects.filter(participant__name="Ketut").count() == 2


def test_unknown_or_closed_code_answers_404(assessment, client):
    assert client.get(reverse("programs:vote_open", args=["ZZZZZZ"])).status_code == 404
    services.assessment_voting_set(assessment=assessment, open=False)
    assert client.get(reverse("programs:vote_open", args=[assessment.code])).status_code == 404


def test_results_by_group_ranking_and_priorities_are_kept(assessment):
    a, b, c = _problems(assessment)
    for name, group, allocation in [
        ("K1", "client", {b.pk: 3}),
        ("K2", "client", {b.pk: 2, a.pk: 1}),
        ("P1", "officer", {a.pk: 3}),
        ("W1", "resident", {c.pk: 1}),
    ]:
        p = services.assessment_participant_add(assessment=assessment, name=name, group=group, sex="M")
        services.ballot_cast(participant=p, allocation=allocation)
    services.tally_set(assessment=assessment, counts={(a.pk, "official"): 2})
    results = selectors.assessment_results(assessment=assessment)
    ranking = [(r["item"].pk, r["total"], r["rank"]) for r in results["rows"]]
    assert ranking == [(a.pk, 6, 1), (b.pk, 5, 2), (c.pk, 1, 3)]
    assert results["group_tops"]["client"] == b
    assert results["group_tops"]["officer"] == a
    assert results["group_tops"]["partner"] is None
    services.priorities_choose(assessment=assessment, item_ids=[a.pk, b.pk])
    a.refresh_from_db()
    c.refresh_from_db()
    assert (a.is_priority, a.rank, a.votes_at_choice) == (True, 1, 6)
    assert (c.is_priority, c.rank) == (False, 3)


def test_projector_partial_shows_new_votes(program, team, assessment, client):
    client.force_login(team)
    url = reverse("programs:assessment_projector", args=[program.pk, assessment.pk])
    full = client.get(url)
    assert 'hx-trigger="every 3s"' in full.content.decode()
    assert 'class="qr" role="img"' in full.content.decode() and "<svg" in full.content.decode()
    p = services.assessment_participant_add(assessment=assessment, name="Baru", group="partner", sex="F")
    services.ballot_cast(participant=p, allocation={_problems(assessment)[2].pk: 3})
    partial = client.get(url, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert partial.status_code == 200
    assert "<html" not in body
    assert 'id="mpa-results"' in body
    rows = selectors.assessment_results(assessment=assessment)["rows"]
    assert rows[0]["item"].title == "Hanya hadir" and rows[0]["total"] == 3


# --- Workshop (TOP) -----------------------------------------------------------------------------


@pytest.fixture
def workshop(program, team):
    return services.workshop_create(
        program=program,
        actor=team,
        data={
            "date": datetime.date(2026, 6, 12),
            "focus_question": "Apa yang membuat klien mau terlibat?",
            "facilitator": "F",
        },
    )


def test_cards_from_a_phone_show_on_the_projector_partial(program, team, workshop, client):
    response = client.post(
        reverse("programs:cards_open", args=[workshop.code]), {"text": "Kegiatan di pantai"}
    )
    assert response.status_code == 200
    client.force_login(team)
    partial = client.get(
        reverse("programs:workshop_projector", args=[program.pk, workshop.pk]), HTTP_HX_REQUEST="true"
    )
    assert "Kegiatan di pantai" in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_facilitator_clusters_and_names_cards(program, team, workshop, client):
    card = services.card_add(workshop=workshop, text="Bersih pantai bersama warga")
    client.force_login(team)
    client.post(
        reverse("programs:workshop_cluster_add", args=[program.pk, workshop.pk]), {"cluster-name": ""}
    )
    cluster = workshop.clusters.get()
    client.post(
        reverse("programs:workshop_card_assign", args=[program.pk, workshop.pk, card.pk]),
        {"cluster": cluster.pk},
    )
    client.post(
        reverse("programs:workshop_cluster_rename", args=[program.pk, workshop.pk, cluster.pk]),
        {"name": "Aksi lingkungan"},
    )
    card.refresh_from_db()
    cluster.refresh_from_db()
    assert card.cluster == cluster and cluster.name == "Aksi lingkungan"


def test_closed_workshop_refuses_cards(workshop, client):
    services.workshop_cards_set(workshop=workshop, actor=workshop.program.created_by, open=False)
    assert client.post(reverse("programs:cards_open", args=[workshop.code]), {"text": "x"}).status_code == 404
    assert not workshop.cards.exists()


def test_blank_card_is_refused(workshop, client):
    response = client.post(reverse("programs:cards_open", args=[workshop.code]), {"text": "   "})
    assert response.status_code == 422
    assert not workshop.cards.exists()


def test_resolution_with_stale_version_is_refused(program, team, workshop, client):
    client.force_login(team)
    url = f"/api/v1/programs/{program.pk}/workshops/{workshop.pk}/resolution"
    ok = client.put(
        url,
        {"resolution": "Bakti sosial bersama", "version": workshop.version},
        content_type="application/json",
    )
    assert ok.status_code == 200
    stale = client.put(
        url, {"resolution": "Lain", "version": workshop.version}, content_type="application/json"
    )
    assert stale.status_code == 409
    workshop.refresh_from_db()
    assert workshop.resolution == "Bakti sosial bersama"


# --- Action plan, evaluation, handover ----------------------------------------------------------


def test_action_plan_totals_in_rupiah_and_hours(program, team, client):
    client.force_login(team)
    url = reverse("programs:record_add", args=[program.pk, "action"])
    for title, cost, hours in [("Konsumsi", 1500000, 3), ("Tempat sampah", 750000, "1.5")]:
        response = client.post(
            url,
            {
                "action-title": title,
                "action-owner": "Tim",
                "action-due": "2026-06-14",
                "action-cost": cost,
                "action-hours": hours,
            },
        )
        assert response.status_code == 302
    page = client.get(reverse("programs:planning", args=[program.pk])).content.decode()
    assert "Rp2.250.000" in page
    assert "4.5" in page or "4,5" in page


def test_invalid_action_rerenders_with_errors(program, team, client):
    client.force_login(team)
    response = client.post(
        reverse("programs:record_add", args=[program.pk, "action"]),
        {"action-title": "X", "action-cost": "-5"},
    )
    assert response.status_code == 422
    assert "errorlist" in response.content.decode()


def test_api_program_create_validates_with_the_form(team, client):
    client.force_login(team)
    bad = client.post(
        "/api/v1/programs",
        {"title": "X", "start": "2026-07-01", "end": "2026-06-01"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "end" in bad.json()["errors"]
    good = client.post(
        "/api/v1/programs",
        {"title": "AKSI", "start": "2026-06-01", "end": "2026-07-01"},
        content_type="application/json",
    )
    assert good.status_code == 201
    assert good.json()["stage"] == "initiation"


def test_api_patch_with_stale_version_answers_409(program, team, client):
    client.force_login(team)
    url = f"/api/v1/programs/{program.pk}"
    assert (
        client.patch(url, {"version": 1, "theme": "Lingkungan"}, content_type="application/json").status_code
        == 200
    )
    response = client.patch(url, {"version": 1, "theme": "Lain"}, content_type="application/json")
    assert response.status_code == 409
    program.refresh_from_db()
    assert program.theme == "Lingkungan"


def test_api_stage_back_without_reason_is_422(program, team, client):
    client.force_login(team)
    url = f"/api/v1/programs/{program.pk}/stage"
    assert (
        client.post(
            url, {"to_stage": "organising", "version": 1}, content_type="application/json"
        ).status_code
        == 200
    )
    response = client.post(url, {"to_stage": "initiation", "version": 2}, content_type="application/json")
    assert response.status_code == 422
    assert "reason" in response.json()["errors"]


def test_api_evaluation_and_handover_version_checks(program, team, client):
    client.force_login(team)
    url = f"/api/v1/programs/{program.pk}/evaluation"
    ok = client.put(url, {"version": 1, "strengths": "Antusias\nLokasi"}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["swot"]["strengths"] == ["Antusias", "Lokasi"]
    assert (
        client.put(url, {"version": 1, "threats": "Cuaca"}, content_type="application/json").status_code
        == 409
    )
    url = f"/api/v1/programs/{program.pk}/handover"
    ok = client.put(
        url,
        {"version": 1, "report_to": "Kabapas", "owner_institution": "Bapas"},
        content_type="application/json",
    )
    assert ok.status_code == 200
    bad = client.put(url, {"version": 2, "report_date": "bukan tanggal"}, content_type="application/json")
    assert bad.status_code == 422


def test_api_ballot_limit_through_tally_rejects_unknown_items(program, team, assessment, client):
    client.force_login(team)
    url = f"/api/v1/programs/{program.pk}/assessments/{assessment.pk}/tally"
    response = client.put(
        url, {"counts": [{"item_id": 999999, "group": "client", "count": 2}]}, content_type="application/json"
    )
    assert response.status_code == 422
    a = _problems(assessment)[0]
    response = client.put(
        url, {"counts": [{"item_id": a.pk, "group": "client", "count": 4}]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["rows"][0]["by_group"]["client"] == 4


def test_home_shows_the_team_members_programs_and_stage(program, team, client):
    client.force_login(team)
    page = client.get(reverse("core:home")).content.decode()
    assert reverse("programs:detail", args=[program.pk]) in page
