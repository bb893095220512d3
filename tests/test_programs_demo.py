"""The AKSALARASA demo: every non-event stage filled, idempotent, and scoped like any program."""

from __future__ import annotations

import pytest

from aksalarasa.programs import selectors
from aksalarasa.programs.models import Program, Stage
from aksalarasa.seeding.demo import load_demo

pytestmark = pytest.mark.django_db

MODELS = [
    "Program",
    "ProgramMember",
    "Contact",
    "ProgramPartner",
    "StakeholderGroup",
    "Assessment",
    "AssessmentItem",
    "AssessmentParticipant",
    "Vote",
    "PlanningWorkshop",
    "Cluster",
    "Card",
    "ActionPlan",
    "PlanAction",
    "Indicator",
    "Evaluation",
    "ClosingActivity",
    "ProgramHandover",
    "StageChange",
]


def _counts() -> dict[str, int]:
    from aksalarasa.programs import models

    return {name: getattr(models, name).objects.count() for name in MODELS}


def test_aksalarasa_demo_fills_every_stage_and_loads_idempotently():
    ctx = load_demo()
    program = ctx.objects["aksalarasa_program"]
    assert program.acronym == "AKSALARASA" and program.stage == Stage.TERMINATION
    first = _counts()
    load_demo()
    assert _counts() == first
    stages = {s.value: s for s in selectors.stage_checklist(program=program)}
    # All seven: the events loader (after this one) adds the 16 June 2023 event, held.
    for value in (
        "initiation",
        "organising",
        "assessment",
        "planning",
        "intervention",
        "evaluation",
        "termination",
    ):
        assert stages[value].complete, (value, stages[value].missing)
    # The interaction indicator reads the share of invited clients who checked in from the events app.
    figures = selectors.evaluation_data(program)
    from_events = [r for r in figures["rows"] if r["indicator"].source == "event_checkin"]
    assert len(from_events) == 1 and from_events[0]["achievement"] is not None
    # The vote makes the two priorities of the reference case: motivation and interaction.
    assessment = program.assessments.get()
    results = selectors.assessment_results(assessment=assessment)
    top_two = {row["item"].title for row in results["rows"][:2]}
    assert {i.title for i in assessment.items.filter(is_priority=True)} == top_two
    assert any("Motivasi" in t for t in top_two) and any("interaksi" in t for t in top_two)
    assert sum(i.weight for i in program.indicators.all()) == 100


def test_demo_program_team_edits_partner_reads_other_office_does_not_see():
    from aksalarasa.accounts.models import User
    from aksalarasa.programs.services import program_can_edit

    ctx = load_demo()
    program = ctx.objects["aksalarasa_program"]
    team = User.objects.get(username="tim.program")
    assert program_can_edit(program=program, user=team)
    partner = User.objects.get(username="mitra.gerasa")
    assert Program.objects.visible_to(partner).filter(pk=program.pk).exists()
    assert not program_can_edit(program=program, user=partner)
    assert (
        not Program.objects.visible_to(User.objects.get(username="kabapas.sby"))
        .filter(pk=program.pk)
        .exists()
    )
