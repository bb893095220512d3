"""Writes of the events app: keyword-only, typed, atomic. Views and the API call these only."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from aksalarasa.clients.models import Client, NoContact
from aksalarasa.core.history import delete_versioned, save_versioned
from aksalarasa.events import teams as team_algo
from aksalarasa.events.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    STAFF_GROUPS,
    CheckIn,
    Event,
    Group,
    Interaction,
    Invitation,
    Registration,
    Team,
    TeamMember,
)
from aksalarasa.events.selectors import event_can_edit, invitable_clients

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User
    from aksalarasa.programs.models import Program

# Public registrations from one address for one event within the window (a family may register
# several people from one phone, a robot many more).
PUBLIC_RATE_LIMIT = 8
PUBLIC_RATE_WINDOW = timedelta(hours=1)


class RegistrationClosed(Exception):
    pass


class RateLimited(Exception):
    pass


class CheckInError(Exception):
    pass


@dataclass(frozen=True)
class CheckInResult:
    checkin: CheckIn
    registration: Registration
    created: bool


def ip_hash(ip: str) -> str:
    """A salted hash: enough to rate-limit, without keeping anyone's address."""
    return hashlib.sha256(f"{settings.SECRET_KEY}|{ip}".encode()).hexdigest()


def _code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _create_with_code(event: Event, **fields: Any) -> Registration:
    """Insert a registration (consent to the data given) with a fresh code; a code clash (1 in 244
    million) just retries."""
    for _attempt in range(10):
        try:
            with transaction.atomic():
                return Registration.objects.create(
                    code=_code_new(), event=event, office_id=event.office_id, consent_data=True, **fields
                )
        except IntegrityError as exc:
            if "code" not in str(exc).lower() and "registration_code_unique" not in str(exc):
                raise
    raise RuntimeError("could not find a free registration code")  # pragma: no cover


@transaction.atomic
def event_create(*, program: Program, actor: User, data: dict[str, Any]) -> Event:
    event = Event(program=program, office_id=program.office_id, created_by=actor, **data)
    event.full_clean(exclude=["created_by", "program", "office"])
    save_versioned(event, actor=actor)
    return event


@transaction.atomic
def event_update(*, event: Event, actor: User, data: dict[str, Any], expected_version: int) -> Event:
    for name, value in data.items():
        setattr(event, name, value)
    save_versioned(event, actor=actor, expected_version=expected_version, update_fields=list(data))
    return event


@transaction.atomic
def event_set_flags(*, event: Event, actor: User, expected_version: int, **flags: bool) -> Event:
    """Publish/unpublish the public page, or mark the event as held (done)."""
    allowed = {"published", "done", "registration_open"}
    data = {k: bool(v) for k, v in flags.items() if k in allowed}
    return event_update(event=event, actor=actor, data=data, expected_version=expected_version)


class PartGone(ValidationError):
    """The row was removed (by someone else) before this change reached it."""

    def __init__(self) -> None:
        super().__init__(_("This item no longer exists: someone removed it. Reload the page."))


def _part_row(event: Event, model: type[Model], pk: int) -> Any:
    """The row of a part model (their fields differ: typed Any)."""
    row = model._default_manager.filter(event=event, pk=pk).first()
    if row is None:
        raise PartGone()
    return row


@transaction.atomic
def event_part_add(*, event: Event, form: Any, actor: User) -> Model:
    """Add a checklist item, role, agenda item or handed item; an unordered add goes last."""
    obj = form.save(commit=False)
    obj.event = event
    if hasattr(obj, "position") and not obj.position:
        last = type(obj)._default_manager.filter(event=event).order_by("-position").first()
        obj.position = (last.position if last else 0) + 1
    save_versioned(obj, actor=actor)
    return obj


@transaction.atomic
def event_part_update(
    *, event: Event, model: type[Model], pk: int, actor: User, data: dict[str, Any], expected_version: int
) -> Model:
    """Change one row of an event part in place, only if nobody changed it since it was loaded.

    Raises StaleVersion when the row changed in between (nothing is saved) and PartGone when it
    was removed. The change is kept in the row's history with its author.
    """
    row = _part_row(event, model, pk)
    fields = [name for name in data if name not in {"id", "event", "version", "position"}]
    for name in fields:
        setattr(row, name, data[name])
    row.full_clean(exclude=["event"])
    save_versioned(row, actor=actor, expected_version=expected_version, update_fields=fields)
    return row


@transaction.atomic
def event_part_delete(
    *, event: Event, model: type[Model], pk: int, actor: User, expected_version: int | None = None
) -> bool:
    """Remove one row, its history naming `actor`; False when it was already gone (removing twice
    is harmless).

    With `expected_version`, a row that someone changed since it was loaded is not removed
    (StaleVersion): the person removing it has not seen the change.
    """
    row = model._default_manager.filter(event=event, pk=pk).first()
    if row is None:
        return False
    return delete_versioned(row, actor=actor, expected_version=expected_version)


@transaction.atomic
def event_part_move(*, event: Event, model: type[Model], pk: int, direction: str, actor: User) -> None:
    """Move an ordered row (agenda, checklist) one place up or down; the order is renumbered 1..n.

    Only the order changes, never the times: an agenda whose times then run out of order is
    shown with a warning on the event page, for the coordinator to fix the times or the order.
    The rows are locked while they are renumbered, so two moves at once cannot lose each other.
    """
    if direction not in {"up", "down"}:
        raise ValidationError(_("Move an item up or down."))
    rows: list[Any] = list(
        model._default_manager.filter(event=event).select_for_update().order_by(*(model._meta.ordering or ()))
    )
    index = next((i for i, row in enumerate(rows) if row.pk == pk), None)
    if index is None:
        raise PartGone()
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
            save_versioned(row, actor=actor, update_fields=["position"])


@transaction.atomic
def checklist_set_done(
    *, event: Event, pk: int, done: bool | None, actor: User, expected_version: int | None = None
) -> Model:
    """Mark a checklist item done or open (`done=None` flips it). Setting the state rather than
    flipping it makes a repeated or crossed click harmless: two people ticking the same item both
    leave it done."""
    from aksalarasa.events.models import ChecklistItem

    item: ChecklistItem = _part_row(event, ChecklistItem, pk)
    done = (not item.done) if done is None else done
    if item.done == done:
        return item
    item.done = done
    version = item.version if expected_version is None else expected_version
    save_versioned(item, actor=actor, expected_version=version, update_fields=["done"])
    return item


def registration_public_create(*, event: Event, data: dict[str, Any], ip: str) -> Registration:
    """A resident's registration from the public form (the form has already checked honeypot and time)."""
    if not event.published or not event.registration_open:
        raise RegistrationClosed(_("Registration for this event is closed."))
    hashed = ip_hash(ip)
    with transaction.atomic():
        # Lock the event row so the rate and capacity counts cannot be raced past.
        Event.objects.select_for_update().filter(pk=event.pk).first()
        since = timezone.now() - PUBLIC_RATE_WINDOW
        recent = Registration.objects.filter(event=event, ip_hash=hashed, created_at__gte=since).count()
        if recent >= PUBLIC_RATE_LIMIT:
            raise RateLimited(_("Too many registrations from this connection. Please try again later."))
        if event.capacity is not None:
            taken = Registration.objects.filter(event=event, group=Group.RESIDENT).count()
            if taken >= event.capacity:
                raise RegistrationClosed(_("This event is full."))
        return _create_with_code(
            event,
            group=Group.RESIDENT,
            name=data["name"],
            phone=data.get("phone", ""),
            village_code=data.get("village_code", ""),
            banjar=data.get("banjar", ""),
            ip_hash=hashed,
        )


def registration_client_create(*, event: Event, client: Client, actor: User) -> Registration:
    """A client is registered by their own officer, and only with the client's consent."""
    if not (actor.is_superuser or (client.officer_id == actor.pk and actor.role_officer)):
        raise PermissionDenied(_("Only the client's own officer (PK) can register them."))
    if client.office_id != event.office_id:
        raise ValidationError(_("The client belongs to another office."))
    if not client.consent_community:
        raise ValidationError(_("The client has not consented to community activities."))
    duplicate = _("This client is already registered.")
    if Registration.objects.filter(event=event, client=client).exists():
        raise ValidationError(duplicate)
    return _registration_by_staff(event, actor, duplicate, group=Group.CLIENT, client=client)


def registration_staff_create(
    *, event: Event, actor: User, group: str, name: str, phone: str = "", user: User | None = None
) -> Registration:
    if group == Group.CLIENT:
        raise ValidationError(_("Clients are registered by their officer."))
    duplicate = _("This person is already registered.")
    return _registration_by_staff(event, actor, duplicate, group=group, name=name, phone=phone, user=user)


def _registration_by_staff(event: Event, actor: User, duplicate: str, **fields: Any) -> Registration:
    """A registration naming the staff member who made it; the same person twice answers `duplicate`."""
    try:
        return _create_with_code(event, registered_by=actor, **fields)
    except IntegrityError:
        raise ValidationError(duplicate) from None


def event_check_in(
    *,
    event: Event,
    code: str,
    actor: User,
    client_uuid: uuid.UUID | None = None,
    source: str = CheckIn.Source.TYPED,
    at=None,
) -> CheckInResult:
    """Check a registration in, at most once, whatever the retries, races or offline queues.

    A second scan answers "already checked in" (created=False). A queued offline check-in carries a
    UUID made on the phone; sending it again finds the same row. Two scanners racing on the same
    code: the unique constraint lets one insert win, the other reads the winner's row.
    """
    # The common paths cost one query (a repeat) or one query and one insert (a new check-in); a
    # re-sent UUID is recognised by the registration's own check-in or by the UUID's unique index.
    # Only the columns the answer needs; a client's record is read only for a client's check-in.
    registration = (
        Registration.objects.select_related("checkin")
        .only("id", "event_id", "office_id", "group", "code", "name", "client_id", "checkin")
        .filter(event=event, code=code)
        .first()
    )
    if registration is None:
        raise CheckInError(_("No registration with code %(code)s for this event.") % {"code": code})
    existing = getattr(registration, "checkin", None)
    if existing is not None:
        return CheckInResult(existing, registration, False)
    return check_in_insert(
        event=event, registration=registration, actor=actor, client_uuid=client_uuid, source=source, at=at
    )


def check_in_insert(
    *,
    event: Event,
    registration: Registration,
    actor: User,
    client_uuid: uuid.UUID | None = None,
    source: str = CheckIn.Source.TYPED,
    at=None,
) -> CheckInResult:
    """Insert the check-in; if another scanner won the race, answer with the winner's row."""
    now = timezone.now()
    when = at if (at is not None and at <= now) else now
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                event=event,
                registration=registration,
                by=actor,
                source=source or CheckIn.Source.TYPED,
                client_uuid=client_uuid,
                at=when,
            )
        return CheckInResult(checkin, registration, True)
    except IntegrityError:
        winner = CheckIn.objects.filter(registration=registration).first()
        if winner is None and client_uuid is not None:
            used = CheckIn.objects.filter(client_uuid=client_uuid).first()
            if used is not None:
                if used.event_id != event.pk:
                    raise CheckInError(_("This queued check-in belongs to another event.")) from None
                raise CheckInError(_("This queued check-in was already used for another code.")) from None
        if winner is None:  # pragma: no cover - the constraint that fired names one of the two
            raise
        return CheckInResult(winner, registration, False)


# --- teams ---------------------------------------------------------------------------------------


def _person(reg: Registration) -> team_algo.Person:
    if reg.group == Group.CLIENT:
        return team_algo.Person(
            id=reg.pk, kind=team_algo.CLIENT, child=bool(reg.client and reg.client.is_child)
        )
    if reg.group in STAFF_GROUPS:
        return team_algo.Person(id=reg.pk, kind=team_algo.STAFF)
    return team_algo.Person(id=reg.pk, kind=team_algo.COMMUNITY)


def event_people(event: Event) -> tuple[list[Registration], list[team_algo.Person], list[tuple[int, int]]]:
    """Checked-in participants as algorithm people, with the no-contact pairs among them (2 queries)."""

    regs = list(
        Registration.objects.filter(event=event, checkin__isnull=False)
        .select_related("client", "team_member__team")
        .order_by("pk")
    )
    by_client = {r.client_id: r.pk for r in regs if r.client_id}
    pairs: list[tuple[int, int]] = []
    if by_client:
        rows = NoContact.objects.filter(
            client_id__in=list(by_client), other_client_id__in=list(by_client)
        ).values_list("client_id", "other_client_id")
        pairs = [(by_client[a], by_client[b]) for a, b in rows]
    return regs, [_person(r) for r in regs], pairs


@transaction.atomic
def teams_form(*, event: Event, actor: User, team_count: int) -> list[Team]:
    """Replace the event's teams with a new mixed split of everyone checked in."""
    Event.objects.select_for_update().filter(pk=event.pk).first()
    regs, people, pairs = event_people(event)
    if not people:
        raise ValidationError(_("Nobody has checked in yet: teams are formed from checked-in participants."))
    split = team_algo.assign_teams(people, team_count, pairs)
    event.teams.all().delete()
    teams = Team.objects.bulk_create(
        [Team(event=event, number=i + 1, name=_("Team %(n)s") % {"n": i + 1}) for i in range(len(split))]
    )
    TeamMember.objects.bulk_create(
        [
            TeamMember(team=team, registration_id=rid)
            for team, ids in zip(teams, split, strict=True)
            for rid in ids
        ]
    )
    return teams


def _problem_text(problem: str, names: dict[int, str]) -> str:
    if problem.startswith("no-contact:"):
        _kind, a, b = problem.split(":")
        return _("%(a)s and %(b)s are a no-contact pair and may not be in the same team.") % {
            "a": names.get(int(a), a),
            "b": names.get(int(b), b),
        }
    return _("A team with both a child client and an adult client needs at least one staff member.")


@transaction.atomic
def team_member_move(
    *, event: Event, registration_id: int, team_id: int, actor: User, names: dict[int, str] | None = None
) -> TeamMember:
    """Move one person by hand; the hard constraints are checked again for both teams."""
    Event.objects.select_for_update().filter(pk=event.pk).first()
    regs, people, pairs = event_people(event)
    by_id = {p.id: p for p in people}
    member = TeamMember.objects.filter(team__event=event, registration_id=registration_id).first()
    target = event.teams.filter(pk=team_id).first()
    if member is None or target is None or registration_id not in by_id:
        raise ValidationError(_("That person or team is not part of this event's teams."))
    if member.team_id == target.pk:
        return member
    current: dict[int, list[int]] = {}
    for reg in regs:
        tm = getattr(reg, "team_member", None)
        if tm is not None:
            current.setdefault(tm.team_id, []).append(reg.pk)
    target_people = [by_id[i] for i in current.get(target.pk, [])]
    source_people = [by_id[i] for i in current.get(member.team_id, []) if i != registration_id]
    problems = team_algo.person_fits(by_id[registration_id], target_people, pairs)
    source_report = team_algo.evaluate([[p.id for p in source_people]], source_people, pairs)
    problems += [p for t in source_report.teams for p in t.problems]
    if problems:
        label = names or {}
        raise ValidationError([_problem_text(p, label) for p in dict.fromkeys(problems)])
    member.team = target
    member.save(update_fields=["team"])
    return member


def teams_report(event: Event) -> tuple[list[Team], team_algo.Report | None, list[Registration]]:
    """The current teams with their explanation; also the checked-in people not in any team."""
    regs, people, pairs = event_people(event)
    teams = list(event.teams.all())
    members: dict[int, list[int]] = {t.pk: [] for t in teams}
    unplaced = []
    for reg in regs:
        tm = getattr(reg, "team_member", None)
        if tm is not None and tm.team_id in members:
            members[tm.team_id].append(reg.pk)
        else:
            unplaced.append(reg)
    if not teams:
        return teams, None, unplaced
    report = team_algo.evaluate([members[t.pk] for t in teams], people, pairs)
    return teams, report, unplaced


# --- interactions --------------------------------------------------------------------------------


@transaction.atomic
def interactions_record(*, event: Event, client_id: int, other_ids: list[int], actor: User) -> int:
    """Record that a client worked or talked with others: one row per pair, whatever the repeats.

    Returns the number of new pairs. Both sides must be checked in to this event.
    """
    ids = {client_id, *other_ids}
    present = set(
        Registration.objects.filter(event=event, pk__in=ids, checkin__isnull=False).values_list(
            "pk", flat=True
        )
    )
    client_reg = Registration.objects.filter(event=event, pk=client_id, group=Group.CLIENT).first()
    if client_reg is None or client_id not in present:
        raise ValidationError(_("Choose a checked-in client."))
    others = [o for o in dict.fromkeys(other_ids) if o != client_id]
    if not others:
        raise ValidationError(_("Choose at least one person the client worked or talked with."))
    missing = [o for o in others if o not in present]
    if missing:
        raise ValidationError(_("Everyone in an interaction must be checked in to this event."))
    rows = [
        Interaction(event=event, first_id=min(client_id, o), second_id=max(client_id, o), recorded_by=actor)
        for o in others
    ]
    before = Interaction.objects.filter(event=event).count()
    Interaction.objects.bulk_create(rows, ignore_conflicts=True)
    return Interaction.objects.filter(event=event).count() - before


# --- invitations: the program team asks, the PK decides ----------------------------------------


@transaction.atomic
def invitation_request(
    *,
    event: Event,
    actor: User,
    client: Client | None = None,
    officer: User | None = None,
    section: str = "",
    note: str = "",
) -> Invitation:
    """The team asks the officers to invite a client it may see, or asks one officer (PK) or a whole
    section to pick clients. Exactly one of client, officer and section is given."""
    if not event_can_edit(actor, event):
        raise PermissionDenied(_("You may read this event but not change it."))
    if sum(bool(x) for x in (client, officer, section)) != 1:
        raise ValidationError(_("Choose a client, an officer (PK) or a section."))
    if client is not None:
        if not invitable_clients(actor).filter(pk=client.pk, office_id=event.office_id).exists():
            raise ValidationError({"client": [_("This client cannot be invited to this event.")]})
        if client.anonymised_at or not client.officer_id:
            raise ValidationError({"client": [_("This client has no officer (PK) to ask.")]})
        if Registration.objects.filter(event=event, client=client).exists():
            raise ValidationError({"client": [_("This client is already registered.")]})
        if Invitation.objects.pending().filter(event=event, client=client).exists():
            raise ValidationError({"client": [_("The client's PK has already been asked.")]})
    if officer is not None and not (
        officer.role_officer and officer.is_active and officer.office_id == event.office_id
    ):
        raise ValidationError({"officer": [_("Choose an officer (PK) of this office.")]})
    if section and section not in Invitation.Section.values:
        raise ValidationError({"section": [_("Choose a section.")]})
    invitation = Invitation(
        office_id=event.office_id,
        event=event,
        client=client,
        officer=officer,
        section=section,
        note=note.strip(),
        requested_by=actor,
    )
    try:
        with transaction.atomic():
            save_versioned(invitation, actor=actor)
    except IntegrityError:
        raise ValidationError({"client": [_("The client's PK has already been asked.")]}) from None
    return invitation


def _decider_check(invitation: Invitation, actor: User) -> None:
    if invitation.state != Invitation.State.PENDING:
        raise ValidationError(_("This request has already been answered."))
    if not Invitation.objects.for_officer(actor).filter(pk=invitation.pk).exists():
        raise PermissionDenied(_("Only the client's officer (PK) decides on this request."))


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    actor: User,
    consent_given_by: str,
    consent_at: Any,
    expected_version: int,
    client: Client | None = None,
) -> Registration:
    """The PK accepts: the client (named by the team, or picked now by the PK from their own
    clients) is registered for the event, with the consent recorded: who gave it and when."""
    _decider_check(invitation, actor)
    client = invitation.client or client
    errors: dict[str, list[str]] = {}
    if client is None:
        errors["client"] = [_("Choose which of your clients to invite.")]
    elif client.officer_id != actor.pk:
        errors["client"] = [_("Choose one of your own clients.")]
    if not consent_given_by.strip():
        errors["consent_given_by"] = [_("Say who gave consent (the client, or a child's guardian).")]
    if consent_at is None:
        errors["consent_at"] = [_("Say when consent was given.")]
    elif consent_at > timezone.now():
        errors["consent_at"] = [_("This time is in the future.")]
    if errors:
        raise ValidationError(errors)
    assert client is not None
    registration = registration_client_create(event=invitation.event, client=client, actor=actor)
    invitation.client = client
    invitation.state = Invitation.State.ACCEPTED
    invitation.decided_by = actor
    invitation.decided_at = timezone.now()
    invitation.consent_given_by = consent_given_by.strip()
    invitation.consent_at = consent_at
    invitation.registration = registration
    save_versioned(
        invitation,
        actor=actor,
        expected_version=expected_version,
        update_fields=[
            "client",
            "state",
            "decided_by",
            "decided_at",
            "consent_given_by",
            "consent_at",
            "registration",
        ],
    )
    return registration


@dataclass(frozen=True)
class ClientConsent:
    """One client the PK invites, with who consented (the client, or a child's guardian) and when."""

    client: Client
    consent_given_by: str
    consent_at: Any


@transaction.atomic
def invitation_accept_many(
    *, invitation: Invitation, actor: User, choices: list[ClientConsent], expected_version: int
) -> list[Registration]:
    """The PK answers a request addressed to them or their section with several of their own clients
    at once: each client is registered with their own consent, and each gets an accepted request of
    its own (the first answers this request, the others copy its asker, note and addressee), so
    the team reads every client on its event page. All or nothing."""
    _decider_check(invitation, actor)
    if invitation.client_id:
        raise ValidationError({"clients": [_("This request names one client: accept it for that client.")]})
    if not choices:
        raise ValidationError({"clients": [_("Choose which of your clients to invite.")]})
    if len({choice.client.pk for choice in choices}) != len(choices):
        raise ValidationError({"clients": [_("Each client is invited once.")]})
    named = set(
        Invitation.objects.pending()
        .filter(event=invitation.event, client_id__in=[c.client.pk for c in choices])
        .values_list("client_id", flat=True)
    )
    for choice in choices:
        if choice.client.officer_id != actor.pk:
            raise ValidationError({"clients": [_("Choose one of your own clients.")]})
        if choice.client.pk in named:
            raise ValidationError(
                {"clients": [_("A client you chose has a request of their own: answer it there.")]}
            )
    first, *others = choices
    registrations = [
        invitation_accept(
            invitation=invitation,
            actor=actor,
            client=first.client,
            consent_given_by=first.consent_given_by,
            consent_at=first.consent_at,
            expected_version=expected_version,
        )
    ]
    for choice in others:
        sibling = Invitation(
            office_id=invitation.office_id,
            event=invitation.event,
            client=choice.client,
            officer=invitation.officer,
            section=invitation.section,
            note=invitation.note,
            requested_by=invitation.requested_by,
            requested_at=invitation.requested_at,
        )
        save_versioned(sibling, actor=actor)
        registrations.append(
            invitation_accept(
                invitation=sibling,
                actor=actor,
                client=choice.client,
                consent_given_by=choice.consent_given_by,
                consent_at=choice.consent_at,
                expected_version=sibling.version,
            )
        )
    return registrations


@transaction.atomic
def invitation_decline(*, invitation: Invitation, actor: User, reason: str, expected_version: int) -> None:
    """The PK declines, saying why (the team reads the reason on the event page)."""
    _decider_check(invitation, actor)
    if not reason.strip():
        raise ValidationError({"decline_reason": [_("Say why the client is not invited.")]})
    invitation.state = Invitation.State.DECLINED
    invitation.decided_by = actor
    invitation.decided_at = timezone.now()
    invitation.decline_reason = reason.strip()
    save_versioned(
        invitation,
        actor=actor,
        expected_version=expected_version,
        update_fields=["state", "decided_by", "decided_at", "decline_reason"],
    )
