"""Writes for programs and their stage records. Every write is atomic and checks versions where two
people may edit the same record (the program, the workshop resolution, the plan, the evaluation,
the handover)."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from aksalarasa.accounts.models import User
from aksalarasa.core.history import delete_versioned, save_versioned
from aksalarasa.programs.models import (
    SHORT_CODE_ALPHABET,
    STAGE_ORDER,
    ActionPlan,
    Assessment,
    AssessmentItem,
    AssessmentParticipant,
    Card,
    Cluster,
    Evaluation,
    Indicator,
    PlanAction,
    PlanningWorkshop,
    Program,
    ProgramHandover,
    ProgramMember,
    ProgramReferral,
    StageChange,
    Tally,
    Vote,
)

PROGRAM_FIELDS = [
    "title",
    "acronym",
    "theme",
    "goal",
    "benefits",
    "problems_addressed",
    "intervention_type",
    "method",
    "technique",
    "resource_systems",
    "start",
    "end",
]
MAX_CARDS_PER_WORKSHOP = 500
MAX_PARTICIPANTS_PER_ASSESSMENT = 500


class StageMoveError(ValidationError):
    pass


# --- Permissions -------------------------------------------------------------------------------


def program_can_create(*, user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.office_id
        and user.has_role("office_head", "program_team")
    )


def program_can_edit(*, program: Program, user: User) -> bool:
    """Team members with edit rights and the office head edit; everyone else who sees it reads."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.office_id != program.office_id:
        return False
    if user.role_office_head:
        return True
    return ProgramMember.objects.filter(program=program, user_id=user.pk, can_edit=True).exists()


# --- Programs, team, stages --------------------------------------------------------------------


@transaction.atomic
def program_create(*, actor: User, data: dict[str, Any]) -> Program:
    if actor.office_id is None:  # programs belong to an office
        raise PermissionDenied
    program = Program(
        office_id=actor.office_id, created_by=actor, **{f: data[f] for f in PROGRAM_FIELDS if f in data}
    )
    save_versioned(program, actor=actor)
    if actor.role_program_team or not actor.role_office_head:
        ProgramMember.objects.create(
            office_id=program.office_id, program=program, user=actor, role=_("Coordinator"), can_edit=True
        )
    return program


REPORT_FIELDS = ["report_letter_number", "report_place", "conclusions", "recommendations"]


@transaction.atomic
def program_report_texts_save(
    *, program: Program, actor: User, data: dict[str, Any], expected_version: int
) -> Program:
    """The report's letter number, place of signing, conclusions and recommendations (version-checked)."""
    return program_update(
        program=program,
        actor=actor,
        data={f: data[f] for f in REPORT_FIELDS if f in data},
        expected_version=expected_version,
    )


@transaction.atomic
def program_update(*, program: Program, actor: User, data: dict[str, Any], expected_version: int) -> Program:
    fields = [f for f in PROGRAM_FIELDS + REPORT_FIELDS if f in data]
    for name in fields:
        setattr(program, name, data[name])
    save_versioned(program, actor=actor, expected_version=expected_version, update_fields=fields)
    return program


@transaction.atomic
def program_member_set(*, program: Program, user: User, role: str, can_edit: bool) -> ProgramMember:
    if user.office_id != program.office_id:
        raise ValidationError({"user": [_("Only staff of the program's office can join its team.")]})
    member, _created = ProgramMember.objects.update_or_create(
        program=program,
        user=user,
        defaults={"role": role, "can_edit": can_edit, "office_id": program.office_id},
    )
    return member


@transaction.atomic
def program_member_remove(*, member: ProgramMember) -> None:
    member.delete()


@transaction.atomic
def program_stage_move(
    *, program: Program, actor: User, to_stage: str, reason: str, expected_version: int
) -> StageChange:
    """Move one stage forward, or back to any earlier stage. A move back needs a reason."""
    if to_stage not in STAGE_ORDER:
        raise StageMoveError({"to_stage": [_("Unknown stage.")]})
    current = STAGE_ORDER.index(program.stage)
    target = STAGE_ORDER.index(to_stage)
    reason = (reason or "").strip()
    if target == current:
        raise StageMoveError({"to_stage": [_("The program is already at this stage.")]})
    if target > current + 1:
        raise StageMoveError({"to_stage": [_("Move forward one stage at a time.")]})
    if target < current and not reason:
        raise StageMoveError({"reason": [_("Say why the program goes back to an earlier stage.")]})
    from_stage = program.stage
    program.stage = to_stage
    save_versioned(
        program,
        actor=actor,
        expected_version=expected_version,
        update_fields=["stage"],
        reason=reason or _("Moved forward"),
    )
    return StageChange.objects.create(
        office_id=program.office_id,
        program=program,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=actor,
        reason=reason,
    )


# --- Simple stage records (contacts, partners, groups, closing activities) ----------------------


@transaction.atomic
def record_add(
    *, program: Program, model: type[Model], data: dict[str, Any], actor: User | None = None
) -> Any:
    fields = {name: value for name, value in data.items() if name != "version"}
    if "created_by" in {f.name for f in model._meta.fields}:
        fields["created_by"] = actor
    return model._default_manager.create(program=program, **fields)


@transaction.atomic
def record_delete(*, record: Any) -> None:
    record.delete()


# --- Participatory assessment (MPA) ------------------------------------------------------------


def _short_code(model: type[Model], length: int = 6) -> str:
    for _attempt in range(20):
        code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(length))
        if not model._default_manager.filter(code=code).exists():
            return code
    raise RuntimeError("no free short code")  # 32**6 codes: practically unreachable


@transaction.atomic
def assessment_create(*, program: Program, data: dict[str, Any]) -> Assessment:
    return Assessment.objects.create(program=program, code=_short_code(Assessment), **data)


@transaction.atomic
def assessment_update(*, assessment: Assessment, data: dict[str, Any]) -> Assessment:
    if "votes_per_person" in data and Vote.objects.filter(participant__assessment=assessment).exists():
        current = assessment.votes_per_person
        if data["votes_per_person"] < current:
            raise ValidationError(
                {"votes_per_person": [_("Votes have been cast: the number of votes can no longer go down.")]}
            )
    for name, value in data.items():
        setattr(assessment, name, value)
    assessment.save(update_fields=list(data))
    return assessment


@transaction.atomic
def assessment_item_add(*, assessment: Assessment, data: dict[str, Any]) -> AssessmentItem:
    return AssessmentItem.objects.create(assessment=assessment, **data)


@transaction.atomic
def assessment_participant_add(
    *, assessment: Assessment, name: str, group: str, sex: str
) -> AssessmentParticipant:
    if assessment.participants.count() >= MAX_PARTICIPANTS_PER_ASSESSMENT:
        raise ValidationError(_("This session has reached its number of participants."))
    return AssessmentParticipant.objects.create(
        assessment=assessment, name=name.strip(), group=group, sex=sex, ballot_token=secrets.token_urlsafe(16)
    )


@transaction.atomic
def assessment_voting_set(*, assessment: Assessment, open: bool) -> Assessment:
    assessment.voting_open = open
    assessment.save(update_fields=["voting_open"])
    return assessment


@transaction.atomic
def ballot_cast(*, participant: AssessmentParticipant, allocation: dict[int, int]) -> list[Vote]:
    """Replace the participant's votes with `allocation` (problem id -> votes), within the limits.

    The participant row is locked so two submissions from two tabs cannot together exceed the
    limit; the limit is enforced here, whatever the page or the API sent.
    """
    participant = (
        AssessmentParticipant.objects.select_for_update().select_related("assessment").get(pk=participant.pk)
    )
    assessment = participant.assessment
    if not assessment.voting_open:
        raise ValidationError(_("Voting is closed for this session."))
    problem_ids = set(assessment.items.filter(kind=AssessmentItem.Kind.PROBLEM).values_list("pk", flat=True))
    allocation = {int(k): int(v) for k, v in allocation.items() if int(v) != 0}
    if any(v < 0 for v in allocation.values()):
        raise ValidationError(_("Votes cannot be negative."))
    if not set(allocation) <= problem_ids:
        raise ValidationError(_("You can only vote for the problems of this session."))
    if assessment.method == Assessment.Method.POCKET and any(v > 1 for v in allocation.values()):
        raise ValidationError(_("Pocket voting: at most one vote per problem."))
    total = sum(allocation.values())
    if total > assessment.votes_per_person:
        raise ValidationError(
            _("You have %(limit)d votes; you gave %(total)d.")
            % {"limit": assessment.votes_per_person, "total": total}
        )
    participant.votes.all().delete()
    return Vote.objects.bulk_create(
        [Vote(participant=participant, item_id=item_id, count=count) for item_id, count in allocation.items()]
    )


@transaction.atomic
def tally_set(*, assessment: Assessment, counts: dict[tuple[int, str], int]) -> None:
    """The facilitator's counts (paper pockets or dots), per problem and group; replaces earlier counts."""
    problem_ids = set(assessment.items.filter(kind=AssessmentItem.Kind.PROBLEM).values_list("pk", flat=True))
    if not {item_id for item_id, _group in counts} <= problem_ids:
        raise ValidationError(_("Counts can only be given for the problems of this session."))
    Tally.objects.filter(item__assessment=assessment).delete()
    Tally.objects.bulk_create(
        [
            Tally(item_id=item_id, group=group, count=count)
            for (item_id, group), count in counts.items()
            if count > 0
        ]
    )


@transaction.atomic
def priorities_choose(*, assessment: Assessment, item_ids: list[int]) -> list[AssessmentItem]:
    """Keep the ranking as it stands now and mark the chosen problems as priorities."""
    from aksalarasa.programs.selectors import assessment_results

    problems = {i.pk: i for i in assessment.items.filter(kind=AssessmentItem.Kind.PROBLEM)}
    if not item_ids:
        raise ValidationError({"items": [_("Choose at least one priority problem.")]})
    if not set(item_ids) <= set(problems):
        raise ValidationError({"items": [_("Choose among the problems of this session.")]})
    results = assessment_results(assessment=assessment)
    for row in results["rows"]:
        item = problems[row["item"].pk]
        item.rank = row["rank"]
        item.votes_at_choice = row["total"]
        item.is_priority = item.pk in item_ids
    AssessmentItem.objects.bulk_update(problems.values(), ["rank", "votes_at_choice", "is_priority"])
    assessment.priorities_chosen_at = timezone.now()
    assessment.save(update_fields=["priorities_chosen_at"])
    return [problems[i] for i in item_ids]


# --- Participatory planning (TOP) --------------------------------------------------------------


@transaction.atomic
def workshop_create(*, program: Program, actor: User, data: dict[str, Any]) -> PlanningWorkshop:
    workshop = PlanningWorkshop(program=program, code=_short_code(PlanningWorkshop), **data)
    save_versioned(workshop, actor=actor)
    return workshop


@transaction.atomic
def workshop_cards_set(*, workshop: PlanningWorkshop, actor: User, open: bool) -> PlanningWorkshop:
    """Open or close the card wall: a switch, not an edit of a loaded form (no version check)."""
    workshop.cards_open = open
    save_versioned(workshop, actor=actor, update_fields=["cards_open"])
    return workshop


@transaction.atomic
def card_add(*, workshop: PlanningWorkshop, text: str, author: str = "") -> Card:
    workshop = PlanningWorkshop.objects.select_for_update().get(pk=workshop.pk)
    if not workshop.cards_open:
        raise ValidationError(_("This workshop is no longer taking cards."))
    if workshop.cards.count() >= MAX_CARDS_PER_WORKSHOP:
        raise ValidationError(_("This workshop has reached its number of cards."))
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": [_("Write your idea.")]})
    return Card.objects.create(workshop=workshop, text=text, author=author.strip())


@transaction.atomic
def cluster_add(*, workshop: PlanningWorkshop, name: str = "") -> Cluster:
    count = Cluster.objects.select_for_update().filter(workshop=workshop).count()
    symbol = _cluster_symbol(count)
    return Cluster.objects.create(workshop=workshop, symbol=symbol, name=name.strip())


def _cluster_symbol(index: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[index] if index < 26 else f"{letters[index // 26 - 1]}{letters[index % 26]}"


@transaction.atomic
def cluster_rename(*, cluster: Cluster, name: str) -> Cluster:
    cluster.name = name.strip()
    cluster.save(update_fields=["name"])
    return cluster


@transaction.atomic
def card_assign(*, card: Card, cluster: Cluster | None) -> Card:
    if cluster is not None and cluster.workshop_id != card.workshop_id:
        raise ValidationError({"cluster": [_("Choose a cluster of the same workshop.")]})
    card.cluster = cluster
    card.save(update_fields=["cluster"])
    return card


@transaction.atomic
def workshop_resolve(
    *, workshop: PlanningWorkshop, actor: User, resolution: str, expected_version: int
) -> PlanningWorkshop:
    workshop.resolution = resolution.strip()
    save_versioned(workshop, actor=actor, expected_version=expected_version, update_fields=["resolution"])
    return workshop


PLAN_FIELDS = ["victory", "current_reality", "commitment", "commitment_date", "team"]


@transaction.atomic
def action_plan_save(
    *, program: Program, actor: User, data: dict[str, Any], expected_version: int
) -> ActionPlan:
    return _stage_record_save(
        ActionPlan,
        program=program,
        actor=actor,
        data=data,
        fields=PLAN_FIELDS,
        expected_version=expected_version,
    )


@transaction.atomic
def plan_action_add(*, program: Program, actor: User, data: dict[str, Any]) -> PlanAction:
    plan, _created = _stage_record(ActionPlan, program=program, actor=actor)
    return PlanAction.objects.create(plan=plan, **data)


def _stage_record(model: type[Any], *, program: Program, actor: User) -> tuple[Any, bool]:
    """The program's one record of a stage (plan, evaluation, handover) and whether it was created
    now: the first use creates it blank (version 1, the version every editor's form starts from).
    Two first uses at once: the second reads the first one's record (its edit is then checked
    against the version its editor loaded, as any concurrent edit)."""
    record = model._default_manager.filter(program=program).first()
    if record is not None:
        return record, False
    record = model(program=program)
    try:
        with transaction.atomic():
            save_versioned(record, actor=actor)
    except IntegrityError:
        return model._default_manager.get(program=program), False
    return record, True


def _stage_record_save(
    model: type[Any],
    *,
    program: Program,
    actor: User,
    data: dict[str, Any],
    fields: list[str],
    expected_version: int,
) -> Any:
    """Save an editor's form of a stage record, checked against the version the editor loaded (a
    record created by this save is checked against its first version)."""
    record, created = _stage_record(model, program=program, actor=actor)
    for name in fields:
        if name in data:
            setattr(record, name, data[name])
    version = record.version if created else expected_version
    save_versioned(record, actor=actor, expected_version=version, update_fields=fields)
    return record


# --- Evaluation --------------------------------------------------------------------------------


def indicators_check_total(weights: list[int]) -> None:
    total = sum(weights)
    if weights and total != 100:
        raise ValidationError(
            _("The weights of the indicators must total 100%%; they now total %(total)d%%.")
            % {"total": total}
        )


INDICATOR_FIELDS = ["criterion", "weight", "target", "measurement", "data_source", "source", "achievement"]


@transaction.atomic
def indicators_replace(*, program: Program, actor: User, rows: list[dict[str, Any]]) -> list[Indicator]:
    """Replace the program's indicators with `rows` (validated by IndicatorFormSet): weights total 100."""
    indicators_check_total([row["weight"] for row in rows])
    existing = {i.pk: i for i in program.indicators.all()}
    kept: list[Indicator] = []
    for row in rows:
        pk = row.get("id")
        indicator = existing.pop(pk.pk if hasattr(pk, "pk") else pk, None) if pk else None
        indicator = indicator or Indicator(program=program)
        for name in INDICATOR_FIELDS:
            if name in row:
                setattr(indicator, name, row[name])
        save_versioned(
            indicator, actor=actor, update_fields=None if indicator._state.adding else INDICATOR_FIELDS
        )
        kept.append(indicator)
    for stale in existing.values():
        delete_versioned(stale, actor=actor)
    return kept


EVALUATION_FIELDS = [
    "goal_achievement",
    "benefit_achievement",
    "strengths",
    "weaknesses",
    "opportunities",
    "threats",
]


@transaction.atomic
def evaluation_save(
    *, program: Program, actor: User, data: dict[str, Any], expected_version: int
) -> Evaluation:
    return _stage_record_save(
        Evaluation,
        program=program,
        actor=actor,
        data=data,
        fields=EVALUATION_FIELDS,
        expected_version=expected_version,
    )


# --- Termination -------------------------------------------------------------------------------


@transaction.atomic
def program_referral_link(*, program: Program, referral: Any, note: str = "") -> ProgramReferral:
    """Record that a client referral to a partner belongs to this program's termination."""
    if referral.office_id != program.office_id:
        raise ValidationError({"referral": [_("Choose a referral of the program's office.")]})
    link, _created = ProgramReferral.objects.get_or_create(
        program=program, referral=referral, defaults={"note": note}
    )
    return link


HANDOVER_FIELDS = [
    "report_to",
    "report_date",
    "report_document",
    "owner_institution",
    "owner_person",
    "next_steps",
    "follow_up_date",
]


@transaction.atomic
def handover_save(
    *, program: Program, actor: User, data: dict[str, Any], expected_version: int
) -> ProgramHandover:
    return _stage_record_save(
        ProgramHandover,
        program=program,
        actor=actor,
        data=data,
        fields=HANDOVER_FIELDS,
        expected_version=expected_version,
    )
