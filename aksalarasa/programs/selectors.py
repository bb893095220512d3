"""Reads of programs and their stage records, always through `program_scope` (visible_to)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, Model, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from aksalarasa.partners.selectors import referral_base, referral_label
from aksalarasa.programs.models import (
    STAGE_ORDER,
    ActionPlan,
    Assessment,
    AssessmentItem,
    AssessmentParticipant,
    Card,
    Contact,
    Evaluation,
    Indicator,
    ParticipantGroup,
    PlanAction,
    PlanningWorkshop,
    Program,
    ProgramHandover,
    ProgramMember,
    ProgramPartner,
    ProgramReferral,
    Sex,
    Stage,
    StakeholderGroup,
    Tally,
    Vote,
)

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


def program_list(*, viewer: User) -> QuerySet[Program]:
    return Program.objects.visible_to(viewer).select_related("office").order_by("-start", "pk")


def program_get_for_viewer(*, viewer: User, pk: int) -> Program:
    """The program, or 404 for one the viewer may not see (never 403: that would reveal it)."""
    program = Program.objects.visible_to(viewer).select_related("office").filter(pk=pk).first()
    if program is None:
        raise Http404
    return program


def assessment_get(*, program: Program, pk: int) -> Assessment:
    assessment = Assessment.objects.filter(program=program, pk=pk).first()
    if assessment is None:
        raise Http404
    return assessment


def workshop_get(*, program: Program, pk: int) -> PlanningWorkshop:
    workshop = PlanningWorkshop.objects.filter(program=program, pk=pk).first()
    if workshop is None:
        raise Http404
    return workshop


def assessment_by_code(code: str) -> Assessment:
    """Public voting link: an open session by its short code (404 when unknown or closed)."""
    assessment = (
        Assessment.objects.select_related("program")
        .filter(code=code.strip().upper()[:8], voting_open=True)
        .first()
    )
    if assessment is None:
        raise Http404
    return assessment


def participant_by_token(token: str) -> AssessmentParticipant:
    participant = (
        AssessmentParticipant.objects.select_related("assessment", "assessment__program")
        .filter(ballot_token=token[:40])
        .first()
    )
    if participant is None:
        raise Http404
    return participant


def workshop_by_code(code: str) -> PlanningWorkshop:
    workshop = PlanningWorkshop.objects.filter(code=code.strip().upper()[:8], cards_open=True).first()
    if workshop is None:
        raise Http404
    return workshop


def team_members(program: Program) -> list[ProgramMember]:
    return list(program.members.select_related("user").order_by("user__full_name"))


# --- The stage view: what each stage has recorded and what is missing ---------------------------


@dataclass
class CheckItem:
    label: str
    done: bool


@dataclass
class StageStatus:
    value: str
    label: str
    number: int
    url_name: str
    items: list[CheckItem] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    is_current: bool = False
    is_past: bool = False

    @property
    def complete(self) -> bool:
        return all(i.done for i in self.items)

    @property
    def missing(self) -> list[str]:
        return [i.label for i in self.items if not i.done]


def _program_flags(program: Program) -> dict[str, Any]:
    """Every figure the checklist needs, in one query."""

    def sub(model: type[Model], **filters: Any) -> Exists:
        return Exists(model._default_manager.filter(**filters))

    pk = OuterRef("pk")
    row = (
        Program.objects.filter(pk=program.pk)
        .annotate(
            contact_with_agreement=sub(Contact, program=pk, kind=Contact.Kind.CONTACT, agreement__gt=""),
            relation_activity=sub(Contact, program=pk, kind=Contact.Kind.RELATION),
            partner=sub(ProgramPartner, program=pk),
            interest_group=sub(StakeholderGroup, program=pk, kind=StakeholderGroup.Kind.INTEREST),
            target_group=sub(StakeholderGroup, program=pk, kind=StakeholderGroup.Kind.TARGET),
            problems=sub(AssessmentItem, assessment__program=pk, kind=AssessmentItem.Kind.PROBLEM),
            potentials=sub(AssessmentItem, assessment__program=pk, kind=AssessmentItem.Kind.POTENTIAL),
            votes=sub(Vote, item__assessment__program=pk)
            | sub(Tally, item__assessment__program=pk, count__gt=0),
            priorities=sub(AssessmentItem, assessment__program=pk, is_priority=True),
            resolution=sub(PlanningWorkshop, program=pk, resolution__gt=""),
            cards=sub(Card, workshop__program=pk),
            commitment=sub(ActionPlan, program=pk, commitment__gt=""),
            costed_action=sub(PlanAction, plan__program=pk, cost__gt=0),
            swot=sub(
                Evaluation,
                program=pk,
                strengths__gt="",
                weaknesses__gt="",
                opportunities__gt="",
                threats__gt="",
            ),
            goal_statement=sub(Evaluation, program=pk, goal_achievement__gt=""),
            handover_report=sub(ProgramHandover, program=pk, report_to__gt="", report_date__isnull=False),
            handover_owner=sub(ProgramHandover, program=pk, owner_institution__gt="", next_steps__gt=""),
            indicator_weight=Subquery(
                Indicator.objects.filter(program=pk)
                .values("program")
                .annotate(total=Sum("weight"))
                .values("total")
            ),
        )
        .values()
        .first()
    )
    return dict(row) if row else {}


# The intervention stage's figures come from the events app, a higher layer: it registers its
# summary here (EventsConfig.ready) rather than programs importing it (docs/architecture.md).
_EVENT_SUMMARY: list[Callable[[Program], dict[str, Any] | None]] = []


def program_event_summary_register(summary: Callable[[Program], dict[str, Any] | None]) -> None:
    _EVENT_SUMMARY[:] = [summary]


def program_event_summary(program: Program) -> dict[str, Any] | None:
    """The intervention stage's events (None when no app answers)."""
    return _EVENT_SUMMARY[0](program) if _EVENT_SUMMARY else None


STAGE_PAGES = {
    Stage.INITIATION: "programs:initiation",
    Stage.ORGANISING: "programs:initiation",
    Stage.ASSESSMENT: "programs:assessments",
    Stage.PLANNING: "programs:planning",
    Stage.INTERVENTION: "programs:intervention",
    Stage.EVALUATION: "programs:evaluation",
    Stage.TERMINATION: "programs:termination",
}


def stage_checklist(*, program: Program) -> list[StageStatus]:
    """Each of the seven stages with its checklist (what is recorded, what is missing)."""
    f = _program_flags(program)
    events = program_event_summary(program)
    weight = f.get("indicator_weight") or 0
    checks: dict[str, list[CheckItem]] = {
        Stage.INITIATION: [
            CheckItem(_("At least one contact with an agreement reached"), f["contact_with_agreement"]),
            CheckItem(_("A relation-building activity"), f["relation_activity"]),
        ],
        Stage.ORGANISING: [
            CheckItem(_("Partners involved"), f["partner"]),
            CheckItem(_("Interest groups"), f["interest_group"]),
            CheckItem(_("Target groups"), f["target_group"]),
        ],
        Stage.ASSESSMENT: [
            CheckItem(_("Problems with causes and effects"), f["problems"]),
            CheckItem(_("Potentials and resources"), f["potentials"]),
            CheckItem(_("A session with votes"), f["votes"]),
            CheckItem(_("Priority problems chosen"), f["priorities"]),
        ],
        Stage.PLANNING: [
            CheckItem(_("Idea cards from a consensus workshop"), f["cards"]),
            CheckItem(_("A workshop resolution"), f["resolution"]),
            CheckItem(_("An action plan with a commitment"), f["commitment"]),
            CheckItem(_("Actions with costs"), f["costed_action"]),
        ],
        Stage.INTERVENTION: [
            CheckItem(_("An event held"), bool(events and events["any_done"])),
        ],
        Stage.EVALUATION: [
            CheckItem(_("Indicators with weights totalling 100%"), weight == 100),
            CheckItem(_("Goal achievement statement"), f["goal_statement"]),
            CheckItem(_("SWOT (all four lists)"), f["swot"]),
        ],
        Stage.TERMINATION: [
            CheckItem(_("Report handed over (to whom, when)"), f["handover_report"]),
            CheckItem(_("Continuation referred to an owner with next steps"), f["handover_owner"]),
        ],
    }
    current = STAGE_ORDER.index(program.stage)
    result = []
    for index, stage in enumerate(Stage):
        status = StageStatus(
            value=stage.value,
            label=str(stage.label),
            number=index + 1,
            url_name=STAGE_PAGES[stage],
            items=checks[stage],
            is_current=index == current,
            is_past=index < current,
        )
        result.append(status)
    if events is not None:
        result[4].summary = [
            _("%(count)d event(s), %(done)d held; %(checked)d of %(registered)d registered checked in")
            % {
                "count": events["event_count"],
                "done": events["done_count"],
                "checked": events["checked_in"],
                "registered": events["registrations"],
            }
        ]
    else:
        result[4].summary = [_("No event yet.")]
    return result


# --- Stage pages -------------------------------------------------------------------------------


def initiation_data(program: Program) -> dict[str, Any]:
    contacts = list(program.contacts.all())
    groups = list(program.groups.all())
    return {
        "contacts": [c for c in contacts if c.kind == Contact.Kind.CONTACT],
        "relations": [c for c in contacts if c.kind == Contact.Kind.RELATION],
        "partners": list(program.program_partners.select_related("partner")),
        "interest_groups": [g for g in groups if g.kind == StakeholderGroup.Kind.INTEREST],
        "target_groups": [g for g in groups if g.kind == StakeholderGroup.Kind.TARGET],
    }


def assessment_list(program: Program) -> list[Assessment]:
    return list(
        program.assessments.annotate(
            participant_count=Count("participants", distinct=True),
            item_count=Count("items", distinct=True),
        )
    )


def participants_by_sex(*, assessment: Assessment) -> list[tuple[str, int]]:
    """Participants per answer to the sex question, "Prefer not to say" its own line (last): it is
    an answer, never folded into either sex. One query."""
    counts = dict(
        assessment.participants.order_by().values("sex").annotate(n=Count("pk")).values_list("sex", "n")
    )
    return [(str(label), counts.get(value, 0)) for value, label in Sex.choices]


def assessment_results(*, assessment: Assessment) -> dict[str, Any]:
    """Votes per problem, overall and by group (ballots plus the facilitator's counts). Three queries."""
    problems = list(assessment.items.filter(kind=AssessmentItem.Kind.PROBLEM).order_by("pk"))
    groups = [g.value for g in ParticipantGroup]
    counts: dict[int, dict[str, int]] = {p.pk: dict.fromkeys(groups, 0) for p in problems}
    for row in (
        Vote.objects.filter(item__assessment=assessment)
        .values("item_id", "participant__group")
        .annotate(total=Sum("count"))
    ):
        counts[row["item_id"]][row["participant__group"]] += row["total"]
    for tally in Tally.objects.filter(item__assessment=assessment).values("item_id", "group", "count"):
        counts[tally["item_id"]][tally["group"]] += tally["count"]
    rows: list[dict[str, Any]] = [
        {
            "item": p,
            "by_group": counts[p.pk],
            "cells": [counts[p.pk][g] for g in groups],
            "total": sum(counts[p.pk].values()),
        }
        for p in problems
    ]
    rows.sort(key=lambda r: (-r["total"], r["item"].pk))
    # Competition ranking ("1, 2, 2, 4"): equal votes share a rank.
    for index, ranked in enumerate(rows):
        ranked["rank"] = (
            rows[index - 1]["rank"] if index and rows[index - 1]["total"] == ranked["total"] else index + 1
        )
    group_totals = {g: sum(r["by_group"][g] for r in rows) for g in groups}
    # The top problem of each group: MPA's point is that groups see problems differently.
    group_tops = {}
    for g in groups:
        best = max(rows, key=lambda r: (r["by_group"][g], -r["item"].pk), default=None)
        group_tops[g] = best["item"] if best and best["by_group"][g] > 0 else None
    return {
        "rows": rows,
        "groups": [(g, str(ParticipantGroup(g).label)) for g in groups],
        "group_totals": group_totals,
        "group_tops": group_tops,
        "group_top_rows": [(str(ParticipantGroup(g).label), group_tops[g]) for g in groups],
        "total": sum(group_totals.values()),
        "voters": AssessmentParticipant.objects.filter(assessment=assessment, votes__isnull=False)
        .distinct()
        .count(),
    }


def ballot_state(participant: AssessmentParticipant) -> dict[str, Any]:
    problems = list(participant.assessment.items.filter(kind=AssessmentItem.Kind.PROBLEM).order_by("pk"))
    given = {v.item_id: v.count for v in participant.votes.all()}
    return {
        "problems": [(p, given.get(p.pk, 0)) for p in problems],
        "used": sum(given.values()),
        "limit": participant.assessment.votes_per_person,
    }


def workshop_board(workshop: PlanningWorkshop) -> dict[str, Any]:
    clusters = list(
        workshop.clusters.prefetch_related(Prefetch("cards", queryset=Card.objects.order_by("pk")))
    )
    loose = list(workshop.cards.filter(cluster__isnull=True).order_by("pk"))
    return {
        "clusters": clusters,
        "loose": loose,
        "card_count": len(loose) + sum(len(c.cards.all()) for c in clusters),
    }


def plan_data(program: Program) -> dict[str, Any]:
    plan = ActionPlan.objects.filter(program=program).first()
    actions = list(plan.actions.all()) if plan else []
    return {
        "plan": plan,
        "actions": actions,
        "total_cost": sum((a.cost for a in actions), 0),
        "total_hours": sum((a.hours for a in actions), Decimal("0")),
        "workshops": list(
            program.workshops.annotate(
                card_count=Count("cards", distinct=True), cluster_count=Count("clusters", distinct=True)
            )
        ),
    }


def indicator_figures(program: Program, indicators: list[Indicator]) -> dict[str, Any]:
    """Achievements (by hand, or from the events app) and the weighted total."""
    needs_events = any(i.source == Indicator.Source.EVENT_CHECKIN for i in indicators)
    events = program_event_summary(program) if needs_events else None
    share = events.get("client_checkin_share") if events else None
    rows = []
    weighted = Decimal("0")
    measured_weight = 0
    unmeasured = []
    for indicator in indicators:
        achievement = indicator.achievement
        if indicator.source == Indicator.Source.EVENT_CHECKIN:
            achievement = Decimal(str(round(share * 100, 1))) if share is not None else None
        if achievement is None:
            unmeasured.append(indicator)
        else:
            weighted += achievement * indicator.weight
            measured_weight += indicator.weight
        rows.append({"indicator": indicator, "achievement": achievement})
    # The total covers the measured indicators only (weights normalised); counting an unmeasured
    # indicator as 0 would report a failure nobody measured. The unmeasured ones are listed apart.
    total = (weighted / measured_weight).quantize(Decimal("0.1")) if measured_weight else None
    return {
        "rows": rows,
        "weight_total": sum(i.weight for i in indicators),
        "weighted_total": total,
        "measured_weight": measured_weight,
        "unmeasured": unmeasured,
        "weighted_complete": not unmeasured and bool(indicators),
    }


def evaluation_data(program: Program) -> dict[str, Any]:
    indicators = list(program.indicators.all())
    evaluation = Evaluation.objects.filter(program=program).first()
    return {
        "evaluation": evaluation,
        "swot": evaluation.swot() if evaluation else None,
        **indicator_figures(program, indicators),
    }


def termination_data(program: Program, viewer: User | None = None) -> dict[str, Any]:
    return {
        "closing": list(program.closing_activities.all()),
        "handover": ProgramHandover.objects.filter(program=program).first(),
        "referrals": program_referrals(program, viewer) if viewer is not None else [],
    }


def program_referrals(program: Program, viewer: User) -> list[dict[str, Any]]:
    """The program's client referrals. The client is named only to people who may see the referral
    itself (partners app rule); everyone else sees the partner, service and state."""

    links = list(
        ProgramReferral.objects.filter(program=program).select_related(
            "referral__client", "referral__partner", "referral__service"
        )
    )
    visible = set(
        referral_base(viewer=viewer)
        .filter(pk__in=[link.referral_id for link in links])
        .values_list("pk", flat=True)
    )
    return [
        {
            "link": link,
            "referral": link.referral,
            "visible": link.referral_id in visible,
            "client": referral_label(viewer=viewer, referral=link.referral)
            if link.referral_id in visible
            else "",
        }
        for link in links
    ]


HOME_NEXT_STEPS = 3  # programs whose next step the home page works out (two queries each)


def home_programs(viewer: User) -> dict[str, Any]:
    """The home block of a program-team member: their programs and, for the newest ones, what the
    current stage still lacks (the next thing to record) or, when it is complete, the next stage."""
    programs = list(
        Program.objects.visible_to(viewer)
        .filter(members__user_id=viewer.pk)
        .distinct()
        .order_by("-start", "pk")[:6]
    )
    rows = []
    for index, program in enumerate(programs):
        row: dict[str, Any] = {"program": program, "missing": [], "next_stage": None, "url_name": ""}
        if index < HOME_NEXT_STEPS:
            stages = stage_checklist(program=program)
            current = next(s for s in stages if s.is_current)
            row["url_name"] = current.url_name
            row["missing"] = current.missing
            position = stages.index(current)
            if current.complete and position + 1 < len(stages):
                row["next_stage"] = stages[position + 1].label
        rows.append(row)
    return {"programs": programs, "rows": rows}
