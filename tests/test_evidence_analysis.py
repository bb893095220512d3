"""The evaluation of a program from the database: surveys, difference in differences from guidance
sessions, the event's interaction network, indicators; the page, the API and the charts.

Expected values are worked out by hand in the comments (not produced by the code under test)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from aksalarasa.accounts.services import api_token_create
from aksalarasa.evidence import analysis, charts, services
from aksalarasa.evidence.models import InstrumentVersion
from tests.factories import (
    EventFactory,
    GuidanceSessionFactory,
    RegistrationFactory,
    SupervisionFactory,
    make_client,
    make_program,
    make_user,
)

EVENT_START = datetime.datetime(2026, 6, 16, 7, 0, tzinfo=datetime.UTC)  # 15.00 WITA


def _answers(version: InstrumentVersion, plain: int, reverse: int) -> dict[str, int]:
    return {i.key: (reverse if i.reverse else plain) for i in version.items.all()}


@pytest.fixture
def evaluated(office_a, office_b):
    return build_evaluated(office_a, office_b)


def build_evaluated(office_a, office_b) -> dict:
    """A program with an event, before/after answers, guidance sessions, interactions, indicators
    (also used by the browser test)."""
    from aksalarasa.events.models import CheckIn, Interaction
    from aksalarasa.programs.models import Indicator

    services.instruments_install_defaults()
    client_v = InstrumentVersion.objects.get(instrument__key="client-interaction-motivation")
    resident_v = InstrumentVersion.objects.get(instrument__key="resident-attitude")
    head = make_user("office_head", office_a)
    officer = make_user("officer", office_a)
    team = make_user("program_team", office_a)
    program = make_program(office_a, team=[(team, True)], created_by=head)
    event = EventFactory(
        office=office_a, program=program, start=EVENT_START, end=EVENT_START + datetime.timedelta(hours=2)
    )
    participants, comparison = [], []
    for _ in range(6):
        c = make_client(office_a, officer)
        SupervisionFactory(client=c, program_type="pb")
        participants.append(c)
        reg = RegistrationFactory(event=event, group="client", client=c, name="")
        CheckIn.objects.create(event=event, registration=reg, by=head)
    for _ in range(6):
        c = make_client(office_a, officer)
        SupervisionFactory(client=c, program_type="pb")
        comparison.append(c)
    # a client of another program type is not comparable and must be left out
    stranger = make_client(office_a, officer)
    SupervisionFactory(client=stranger, program_type="assimilation")

    def session(client, days: int, attended: bool, engagement: int | None):
        at = (EVENT_START if days < 0 else EVENT_START + datetime.timedelta(hours=2)) + datetime.timedelta(
            days=days
        )
        GuidanceSessionFactory(
            client=client,
            scheduled_at=at,
            outcome="attended" if attended else "unexcused",
            engagement=engagement if attended else None,
        )

    # Participants: before, even i attend 1 of 3 and odd i 2 of 3 (engagement 2); after, all 3 of 3
    # with engagement 3 (even) or 4 (odd). Comparison: 2 of 3 before and after, engagement 2.
    # Attendance DiD = mean(2/3, 1/3) - 0 = 0.5; engagement DiD = mean(1, 2) - 0 = 1.5.
    for i, c in enumerate(participants):
        before_attended = [True, False, False] if i % 2 == 0 else [True, True, False]
        for days, att in zip((-50, -30, -10), before_attended, strict=True):
            session(c, days, att, 2)
        for days in (10, 30, 50):
            session(c, days, True, 3 + i % 2)
    for c in comparison + [stranger]:
        for days, att in zip((-50, -30, -10, 10, 30, 50), [True, True, False] * 2, strict=True):
            session(c, days, att, 2)

    # Surveys. Residents: before all 3; after plain items 4 + (i % 2), reverse items 2 - (i % 2),
    # so every subscale score changes by +1 (even i) or +2 (odd i) for the 8 who kept their code.
    r_before = services.administration_create(
        actor=head,
        program=program,
        instrument_version=resident_v,
        group="resident",
        point="before",
        event=event,
    )
    r_after = services.administration_create(
        actor=head,
        program=program,
        instrument_version=resident_v,
        group="resident",
        point="after",
        event=event,
    )
    for i in range(8):
        services.response_submit(
            administration=r_before, answers=_answers(resident_v, 3, 3), channel="online", code=f"KODE{i:02d}"
        )
        services.response_submit(
            administration=r_after,
            answers=_answers(resident_v, 4 + i % 2, 2 - i % 2),
            channel="online",
            code=f"kode {i:02d}",
        )
    for i in range(2):  # residents who lost their code: unpaired
        services.response_submit(
            administration=r_before, answers=_answers(resident_v, 2, 4), channel="online", code=f"LAMA{i}"
        )
        services.response_submit(
            administration=r_after, answers=_answers(resident_v, 4, 2), channel="online", code=f"BARU{i}"
        )
    c_before = services.administration_create(
        actor=head, program=program, instrument_version=client_v, group="client", point="before", event=event
    )
    c_after = services.administration_create(
        actor=head, program=program, instrument_version=client_v, group="client", point="after", event=event
    )
    for i, c in enumerate(participants):
        services.response_submit(
            administration=c_before,
            answers=_answers(client_v, 2 + i % 2, 3),
            channel="paper",
            actor=officer,
            client=c,
        )
        services.response_submit(
            administration=c_after, answers=_answers(client_v, 4, 2), channel="paper", actor=officer, client=c
        )

    # Interactions: two residents registered; client 0 talks with both, client 1 with one, and the
    # two residents with each other -> 4 ties, 3 of them client-resident.
    res = [RegistrationFactory(event=event, group="resident") for _ in range(2)]
    regs = {r.client_id: r for r in event.registrations.filter(group="client")}
    c0, c1 = regs[participants[0].pk], regs[participants[1].pk]
    for a, b in [(c0, res[0]), (c0, res[1]), (c1, res[0]), (res[0], res[1])]:
        first, second = sorted([a, b], key=lambda r: r.pk)
        Interaction.objects.create(event=event, first=first, second=second, recorded_by=head)

    Indicator.objects.create(program=program, criterion="Klien hadir", weight=60, achievement=80)
    Indicator.objects.create(program=program, criterion="Warga terlibat", weight=40, achievement=50)
    return {
        "program": program,
        "event": event,
        "head": head,
        "officer": officer,
        "team": team,
        "section_head": make_user("section_head", office_a),
        "partner": make_user("partner_staff", office_a),
        "regional": make_user("regional", office_a),
        "head_b": make_user("office_head", office_b),
    }


def test_difference_in_differences_from_guidance_sessions(evaluated):
    result = analysis.program_analysis(viewer=evaluated["head"], program=evaluated["program"])
    assert result.attendance.estimate == pytest.approx(0.5)
    assert result.engagement.estimate == pytest.approx(1.5)
    assert result.attendance.n == 12  # 6 participants + 6 comparable; the assimilation client is left out
    assert result.attendance.details["n_participants"] == 6
    assert result.attendance.ci.low < 0.5 < result.attendance.ci.high
    assert result.timeline and {"participants_attendance", "comparison_attendance"} <= set(result.timeline[0])


def test_paired_and_unpaired_survey_figures(evaluated):
    result = analysis.program_analysis(viewer=evaluated["head"], program=evaluated["program"])
    residents = next(s for s in result.surveys if s.group == "resident")
    assert (residents.n_before, residents.n_after, residents.n_paired) == (10, 10, 8)
    assert (residents.n_unpaired_before, residents.n_unpaired_after) == (2, 2)
    trust = next(s for s in residents.subscales if s.key == "trust")
    # changes: four +1 and four +2 -> Walsh averages: 10 x 1.0, 16 x 1.5, 10 x 2.0; median 1.5
    assert trust.paired.hodges_lehmann.estimate == pytest.approx(1.5)
    assert trust.paired.mean_change.estimate == pytest.approx(1.5)
    assert trust.paired.n == 8 and "n=8" in trust.paired.hodges_lehmann.reading_en
    # unpaired: before scores 2 (both), after 4 (both) -> every after beats every before
    assert trust.unpaired.cliffs_delta.estimate == pytest.approx(1.0)
    clients = next(s for s in result.surveys if s.group == "client")
    assert clients.n_paired == 6
    community = next(s for s in clients.subscales if s.key == "community")
    assert community.alpha_before is not None


def test_network_and_indicators(evaluated):
    result = analysis.program_analysis(viewer=evaluated["head"], program=evaluated["program"])
    # 6 clients (4 with no tie), 2 residents; ties c0-r0, c0-r1, c1-r0, r0-r1
    assert result.network.residents_per_client.estimate == pytest.approx((2 + 1) / 6)
    assert result.network.client_resident_share.estimate == pytest.approx(3 / 4)
    assert result.network.density.estimate == pytest.approx(4 / (8 * 7 / 2))
    assert result.indicators.total.estimate == pytest.approx(0.6 * 80 + 0.4 * 50)


def test_analysis_page_shows_every_figure_and_chart_with_bounded_queries(
    evaluated, client, django_assert_max_num_queries
):
    client.force_login(evaluated["section_head"])
    url = reverse("evidence:analysis", args=[evaluated["program"].pk])
    with django_assert_max_num_queries(40):
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for chart_class in (
        "chart-ba0",
        "chart-ba1",
        "chart-attendance",
        "chart-engagement",
        "chart-indicators",
        "chart-network",
    ):
        assert chart_class in html
    assert len(re.findall(r"<svg", html)) >= 6
    assert "Hodges-Lehmann" in html and "Cliff" in html and "dikelompokkan per klien" in html
    assert "<title" in html and "<desc" in html  # charts are described for screen readers


@pytest.mark.parametrize(
    "who, status", [("head", 200), ("team", 200), ("regional", 200), ("partner", 404), ("head_b", 404)]
)
def test_analysis_page_access(evaluated, client, who, status):
    client.force_login(evaluated[who])
    assert client.get(reverse("evidence:analysis", args=[evaluated["program"].pk])).status_code == status


def test_regional_viewers_get_small_cells_hidden(evaluated):
    from aksalarasa.events.models import Event

    # a second, tiny event: 2 participants only
    program = evaluated["program"]
    result = analysis.program_analysis(viewer=evaluated["regional"], program=program)
    assert result.suppressed
    assert result.attendance.estimate == pytest.approx(0.5)  # 12 clients: shown
    assert result.timeline == []
    residents = next(s for s in result.surveys if s.group == "resident")
    trust = next(s for s in residents.subscales if s.key == "trust")
    assert trust.unpaired is None  # 2 and 2 people: hidden
    assert trust.paired is not None  # 8 pairs: shown
    small = Event.objects.create(
        office=program.office,
        program=program,
        name="Kecil",
        place="Sanur",
        start=EVENT_START + datetime.timedelta(days=3),
        end=EVENT_START + datetime.timedelta(days=3, hours=1),
        created_by=evaluated["head"],
    )
    hidden = analysis.program_analysis(viewer=evaluated["regional"], program=program, event_id=small.pk)
    assert hidden.attendance is None or hidden.attendance.estimate is None


def test_charts_escape_labels():
    svg = charts.before_after_svg(
        [{"label": "<script>x</script>", "before": 2.0, "after": 3.0}], scale_min=1, scale_max=5, title="t&t"
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "t&amp;t" in svg


# --- API ---------------------------------------------------------------------------------------


def _auth(user) -> dict[str, str]:
    _token, raw = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_reads_instruments_and_analysis(evaluated, client):
    auth = _auth(evaluated["team"])
    listing = client.get("/api/v1/evidence/instruments", **auth).json()
    assert {i["key"] for i in listing} == {"client-interaction-motivation", "resident-attitude"}
    assert any(item["reverse"] for item in listing[0]["versions"][0]["items"])
    data = client.get(f"/api/v1/evidence/programs/{evaluated['program'].pk}/analysis", **auth).json()
    assert data["attendance_did"]["estimate"] == pytest.approx(0.5)
    assert data["attendance_did"]["ci"]["level"] == 0.95
    assert data["indicators"]["total"]["estimate"] == pytest.approx(68.0)
    resident = next(s for s in data["surveys"] if s["group"] == "resident")
    trust = next(s for s in resident["subscales"] if s["key"] == "trust")
    assert trust["paired"]["hodges_lehmann"]["estimate"] == pytest.approx(1.5)
    assert (
        client.get(
            f"/api/v1/evidence/programs/{evaluated['program'].pk}/analysis", **_auth(evaluated["partner"])
        ).status_code
        == 404
    )
    assert (
        client.get(
            f"/api/v1/evidence/programs/{evaluated['program'].pk}/analysis", **_auth(evaluated["head_b"])
        ).status_code
        == 404
    )


def test_api_creates_administration_and_validates_responses(evaluated, client):
    auth = _auth(evaluated["head"])
    version = InstrumentVersion.objects.get(instrument__key="resident-attitude")
    bad = client.post(
        "/api/v1/evidence/administrations",
        {
            "program": evaluated["program"].pk,
            "instrument_version": version.pk,
            "group": "client",
            "point": "follow_up",
        },
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422 and "group" in bad.json()["errors"]
    created = client.post(
        "/api/v1/evidence/administrations",
        {
            "program": evaluated["program"].pk,
            "instrument_version": version.pk,
            "group": "resident",
            "point": "follow_up",
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201
    admin_id = created.json()["id"]
    assert created.json()["public_url"].endswith("/")
    answers = _answers(version, 4, 2)
    missing = dict(answers)
    missing.pop("chg4")
    r = client.post(
        f"/api/v1/evidence/administrations/{admin_id}/responses",
        {"answers": {**missing, "tru1": 7}, "code": "API01"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"item_chg4", "item_tru1"}
    unknown = client.post(
        f"/api/v1/evidence/administrations/{admin_id}/responses",
        {"answers": {**answers, "zzz": 3}, "code": "API01"},
        content_type="application/json",
        **auth,
    )
    assert unknown.status_code == 422
    ok = client.post(
        f"/api/v1/evidence/administrations/{admin_id}/responses",
        {"answers": answers, "code": "API01"},
        content_type="application/json",
        **auth,
    )
    assert ok.status_code == 201
    assert ok.json()["scores"]["trust"] == pytest.approx(4.0)
    forbidden = client.post(
        f"/api/v1/evidence/administrations/{admin_id}/responses",
        {"answers": answers, "code": "API02"},
        content_type="application/json",
        **_auth(evaluated["regional"]),
    )
    assert forbidden.status_code == 403
    assert timezone.now()  # aware datetimes only


# --- readings that never overclaim (#15) -------------------------------------------------------


def test_did_leaves_registered_no_shows_out_of_the_comparison_group_and_says_who_is_in_it(
    evaluated, office_a
):
    officer = evaluated["officer"]
    no_show = make_client(office_a, officer)
    SupervisionFactory(client=no_show, program_type="pb")
    RegistrationFactory(event=evaluated["event"], group="client", client=no_show, name="")
    for days in (-30, 30):
        at = EVENT_START + datetime.timedelta(days=days, hours=2 if days > 0 else 0)
        GuidanceSessionFactory(client=no_show, scheduled_at=at, outcome="unexcused", engagement=None)
    result = analysis.program_analysis(viewer=evaluated["head"], program=evaluated["program"])
    assert result.no_shows_left_out == 1
    assert result.attendance.n == 12  # 6 participants + 6 comparable; the no-show is in neither group
    assert result.attendance.details["n_comparison"] == 6
    reading = result.attendance.reading_en
    assert "Comparison group: this office's clients not registered for the event" in reading
    assert "1 registered clients who did not come are left out" in reading
    assert "What this design cannot show" in reading and "not proof of cause" in reading
    assert "tidak hadir tidak dihitung" in result.attendance.reading_id


def test_pre_trends_are_checked_over_the_pre_event_periods(evaluated):
    result = analysis.program_analysis(viewer=evaluated["head"], program=evaluated["program"])
    trend = result.attendance_pre_trend
    # Sessions 50, 30 and 10 days before fall in three 14-day periods. Participants attend
    # (1, 1/2, 0) on average and comparison clients (1, 1, 0): both slopes are -1/2 per period,
    # so the difference in slopes is 0 and no difference in trends is visible.
    assert trend is not None and trend.details["periods"] == 3
    assert trend.estimate == pytest.approx(0.0, abs=1e-9)
    assert trend.reading_en.startswith("Pre-event trend check (3 periods)")
    page_text = analysis_as_text(evaluated)
    assert "Uji tren sebelum acara" in page_text


def analysis_as_text(evaluated) -> str:
    from django.test import Client

    browser = Client()
    browser.force_login(evaluated["head"])
    return browser.get(reverse("evidence:analysis", args=[evaluated["program"].pk])).content.decode()


def test_several_subscales_get_holm_adjusted_p_values_beside_the_raw_ones(evaluated):
    from statsmodels.stats.multitest import multipletests

    from tests.test_stats import _holm_by_hand

    result = analysis.program_analysis(viewer=evaluated["head"], program=evaluated["program"])
    residents = next(s for s in result.surveys if s.group == "resident")
    tested = [s for s in residents.subscales if s.paired]
    assert residents.holm_tested == len(tested) >= 2
    raw = [s.paired.wilcoxon.p_value for s in tested]
    assert [s.p_holm for s in tested] == pytest.approx(_holm_by_hand(raw))
    assert [s.p_holm for s in tested] == pytest.approx(list(multipletests(raw, method="holm")[1]))
    assert all("Holm-adjusted for" in s.paired.wilcoxon.reading_en for s in tested)
    html = analysis_as_text(evaluated)
    assert "Holm" in html and "alarm palsu" in html


def test_a_subscale_with_alpha_below_0_6_gets_its_reading_tempered():
    from aksalarasa.evidence import stats

    sub = analysis.SubscaleAnalysis(
        key="x",
        name_id="X",
        name_en="X",
        alpha_before=stats.Figure(key="alpha", estimate=0.42, n=20, method="Cronbach's alpha, Feldt CI"),
        alpha_after=stats.Figure(key="alpha", estimate=0.81, n=20, method="Cronbach's alpha, Feldt CI"),
        paired=stats.paired_analysis(list(range(20)), [v + 1 for v in range(20)]),
        unpaired=None,
        mean_before=None,
        mean_after=None,
        n_before=20,
        n_after=20,
    )
    analysis._temper_low_reliability(sub)
    assert sub.low_reliability
    assert sub.paired.wilcoxon.reading_en.startswith(
        "Caution: this subscale's items do not yet measure one thing"
    )
    assert "alfa 0,42 < 0,6" in sub.paired.hodges_lehmann.reading_id
    reliable = analysis.SubscaleAnalysis(
        key="y", name_id="Y", name_en="Y", alpha_before=sub.alpha_after, alpha_after=sub.alpha_after,
        paired=stats.paired_analysis(list(range(20)), [v + 1 for v in range(20)]), unpaired=None,
        mean_before=None, mean_after=None, n_before=20, n_after=20,
    )  # fmt: skip
    analysis._temper_low_reliability(reliable)
    assert not reliable.low_reliability and not reliable.paired.wilcoxon.reading_en.startswith("Caution")


def test_indicator_headline_counts_only_measured_indicators_everywhere(evaluated, client):
    from aksalarasa.programs import selectors as program_selectors
    from aksalarasa.programs.models import Indicator

    program = evaluated["program"]
    Indicator.objects.filter(program=program).delete()
    Indicator.objects.create(program=program, criterion="Klien hadir", weight=40, achievement=100)
    Indicator.objects.create(program=program, criterion="Stigma warga", weight=60, achievement=None)
    result = analysis.program_analysis(viewer=evaluated["head"], program=program)
    assert result.indicators.total.estimate == pytest.approx(100.0)  # not 40 %: the unmeasured 60 % is apart
    assert "Stigma warga" in result.indicators.total.reading_id
    data = program_selectors.evaluation_data(program)
    assert str(data["weighted_total"]) == "100.0" and [i.criterion for i in data["unmeasured"]] == [
        "Stigma warga"
    ]
    client.force_login(evaluated["head"])
    api = client.get(f"/api/v1/programs/{program.pk}/evaluation").json()
    assert api["weighted_total"] == "100.0" and api["measured_weight"] == 40 and len(api["unmeasured"]) == 1


def test_pre_trend_check_warns_when_participants_already_moved_differently_before():
    from aksalarasa.evidence import stats

    rng = __import__("numpy").random.default_rng(7)
    rows = []
    for c in range(30):
        treated = c < 15
        for period in range(4):
            slope = 0.15 if treated else -0.05  # participants were already improving
            rows.append(stats.TrendRow(c, treated, period, 0.4 + slope * period + rng.normal(0, 0.05)))
    trend = stats.pre_trend_check(rows)
    assert trend is not None and trend.estimate == pytest.approx(0.2, abs=0.05)
    assert trend.p_value < 0.05
    assert "may be biased" in trend.reading_en and "bisa bias" in trend.reading_id
    parallel = [stats.TrendRow(r.client, r.treated, r.period, 0.4 + 0.1 * r.period + (r.value - int(r.value)) * 0)
                for r in rows]  # fmt: skip
    assert stats.pre_trend_check([r for r in rows if r.period == 0]) is None  # one period: no check
    assert stats.pre_trend_check(parallel) is not None
