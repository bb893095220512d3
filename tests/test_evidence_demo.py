"""The evidence demo: before/after answers for the AKSALARASA program, idempotent and deterministic,
and nothing but the questionnaires when the program or its event does not exist."""

from __future__ import annotations

import datetime

import pytest

from aksalarasa.evidence import analysis
from aksalarasa.evidence.models import Administration, Instrument, Response
from aksalarasa.guidance.models import GuidanceSession
from aksalarasa.seeding.demo import DemoContext, load_demo
from aksalarasa.seeding.demo import evidence as evidence_demo
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    SupervisionFactory,
    make_client,
    make_program,
    make_user,
)


def _snapshot():
    return (
        sorted(Administration.objects.values_list("group", "point", "title")),
        sorted(
            map(
                str,
                Response.objects.values_list("administration__point", "client_id", "code_hash", "channel"),
            )
        ),
        sorted(map(str, Response.objects.values_list("scores", flat=True))),
        GuidanceSession.objects.count(),
    )


@pytest.fixture
def demo_world(office_a):
    head = make_user("office_head", office_a, username="kabapas.dps")
    officer = make_user("officer", office_a)
    program = make_program(office_a, acronym="AKSALARASA", created_by=head)
    start = datetime.datetime(2023, 6, 16, 7, 0, tzinfo=datetime.UTC)
    event = EventFactory(
        office=office_a, program=program, start=start, end=start + datetime.timedelta(hours=2)
    )
    for n in range(14):
        client = make_client(office_a, officer)
        SupervisionFactory(
            client=client, start=datetime.date(2023, 1, 1), end=datetime.date(2024, 1, 1), program_type="pb"
        )
        if n < 7:
            RegistrationFactory(event=event, group="client", client=client, name="")
    return {"ctx": DemoContext(objects={"denpasar": office_a, "user:kabapas.dps": head}), "program": program}


def test_demo_fills_every_survey_figure_and_the_did_and_runs_twice_unchanged(demo_world):
    evidence_demo.load(demo_world["ctx"])
    first = _snapshot()
    assert Administration.objects.count() == 4
    assert Response.objects.filter(client__isnull=False).count() == 14  # 7 clients before and after
    assert Response.objects.filter(administration__group="resident").count() == 30 + 29
    result = analysis.program_analysis(
        viewer=demo_world["ctx"].objects["user:kabapas.dps"], program=demo_world["program"]
    )
    residents = next(s for s in result.surveys if s.group == "resident")
    assert residents.n_paired == 26 and residents.n_unpaired_before == 4 and residents.n_unpaired_after == 3
    for survey in result.surveys:
        for sub in survey.subscales:
            assert sub.paired is not None and sub.alpha_before is not None
            assert sub.paired.hodges_lehmann.estimate > 0  # the fiction is a moderate improvement
    assert result.attendance is not None and result.attendance.estimate is not None
    assert result.engagement is not None and result.engagement.ci is not None
    ctx = DemoContext(objects=demo_world["ctx"].objects)
    evidence_demo.load(ctx)
    assert _snapshot() == first
    assert not ctx.created


def test_without_the_program_only_the_questionnaires_are_installed(db):
    load_demo()  # the whole demo, whatever state the other loaders are in
    assert Instrument.objects.count() == 2
    if not Administration.objects.exists():
        assert Response.objects.count() == 0
    first = _snapshot()
    load_demo()
    assert _snapshot() == first
