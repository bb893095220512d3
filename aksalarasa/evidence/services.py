"""Writes of the evidence app: keyword-only, typed, atomic. Views and the API call only these."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aksalarasa.clients.models import Client as ClientModel
from aksalarasa.core.history import save_versioned
from aksalarasa.evidence import defaults
from aksalarasa.evidence.models import (
    Administration,
    Answer,
    Audience,
    Instrument,
    InstrumentVersion,
    Item,
    Response,
    Subscale,
)
from aksalarasa.evidence.stats import ItemSpec, score_subscales

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User
    from aksalarasa.clients.models import Client
    from aksalarasa.events.models import Event
    from aksalarasa.programs.models import Program

CODE_RE = re.compile(r"^[A-Z0-9]{4,20}$")
MANAGE_ROLES = ("office_head", "section_head", "officer", "admin")


class PublishedVersionLocked(ValidationError):
    """A published instrument version never changes: answers must keep the wording they answered."""

    def __init__(self) -> None:
        super().__init__(
            _("This version is published and cannot change. Make a new version to edit the questionnaire."),
            code="published",
        )


# --- permissions (the one rule for who may run surveys of a program) ---------------------------


def can_manage_program_evidence(viewer: User, program: Program) -> bool:
    """Office staff with a guidance or head role, and the program's team members who may edit."""
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    if viewer.is_superuser:
        return True
    if viewer.office_id != program.office_id:
        return False
    if viewer.has_role(*MANAGE_ROLES):
        return True
    return (
        bool(viewer.role_program_team) and program.members.filter(user_id=viewer.pk, can_edit=True).exists()
    )


def can_edit_instruments(viewer: User) -> bool:
    return (
        viewer.is_authenticated
        and viewer.is_active
        and (
            viewer.is_superuser
            or (bool(viewer.office_id) and viewer.has_role("office_head", "admin", "program_team"))
        )
    )


# --- instruments -------------------------------------------------------------------------------


@transaction.atomic
def instruments_install_defaults() -> int:
    """Create the default instruments (version 1, published) if missing. Idempotent: returns how
    many instruments it created."""
    created_count = 0
    for spec in defaults.DEFAULT_INSTRUMENTS:
        instrument, created = Instrument.objects.get_or_create(
            key=spec["key"],
            defaults={"name_id": spec["name_id"], "name_en": spec["name_en"], "audience": spec["audience"]},
        )
        created_count += int(created)
        if instrument.versions.exists():
            continue
        version = InstrumentVersion.objects.create(
            instrument=instrument,
            number=1,
            intro_id=spec["intro_id"],
            intro_en=spec["intro_en"],
            **defaults.LIKERT_5,
        )
        subscales = {
            key: Subscale.objects.create(
                instrument_version=version, key=key, name_id=name_id, name_en=name_en, position=pos
            )
            for pos, (key, name_id, name_en) in enumerate(spec["subscales"])
        }
        Item.objects.bulk_create(
            [
                Item(
                    instrument_version=version,
                    subscale=subscales[sub],
                    key=key,
                    position=pos,
                    text_id=text_id,
                    text_en=text_en,
                    reverse=reverse,
                    intent=intent,
                )
                for pos, (key, sub, reverse, text_id, text_en, intent) in enumerate(spec["items"])
            ]
        )
        version.status = InstrumentVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_at"])
    return created_count


@transaction.atomic
def instrument_version_create_draft(*, instrument: Instrument, actor: User) -> InstrumentVersion:
    """Editing a questionnaire starts here: a new draft version copied from the latest one. An
    existing draft is returned instead of a second one."""
    if not can_edit_instruments(actor):
        raise PermissionDenied(_("You may not edit questionnaires."))
    versions = list(
        InstrumentVersion.objects.select_for_update().filter(instrument=instrument).order_by("-number")
    )
    draft = next((v for v in versions if v.status == InstrumentVersion.Status.DRAFT), None)
    if draft:
        return draft
    source = versions[0] if versions else None
    fields = {}
    if source:
        fields = {
            name: getattr(source, name)
            for name in (
                "scale_min",
                "scale_max",
                "label_min_id",
                "label_min_en",
                "label_max_id",
                "label_max_en",
                "intro_id",
                "intro_en",
            )
        }
    else:
        fields = dict(defaults.LIKERT_5)
    new = InstrumentVersion.objects.create(
        instrument=instrument, number=(source.number + 1 if source else 1), created_by=actor, **fields
    )
    if source:
        mapping = {}
        for sub in source.subscales.all():
            mapping[sub.pk] = Subscale.objects.create(
                instrument_version=new,
                key=sub.key,
                name_id=sub.name_id,
                name_en=sub.name_en,
                position=sub.position,
            )
        Item.objects.bulk_create(
            [
                Item(
                    instrument_version=new,
                    subscale=mapping[item.subscale_id],
                    key=item.key,
                    position=item.position,
                    text_id=item.text_id,
                    text_en=item.text_en,
                    reverse=item.reverse,
                    intent=item.intent,
                )
                for item in source.items.all()
            ]
        )
    return new


def _lock_draft(version_id: int) -> InstrumentVersion:
    version = InstrumentVersion.objects.select_for_update().get(pk=version_id)
    if version.is_published:
        raise PublishedVersionLocked()
    return version


@transaction.atomic
def item_update(
    *, item: Item, actor: User, text_id: str, text_en: str, reverse: bool, intent: str = ""
) -> Item:
    if not can_edit_instruments(actor):
        raise PermissionDenied(_("You may not edit questionnaires."))
    _lock_draft(item.instrument_version_id)
    item.text_id, item.text_en, item.reverse, item.intent = (
        text_id.strip(),
        text_en.strip(),
        reverse,
        intent.strip(),
    )
    if not item.text_id or not item.text_en:
        raise ValidationError(_("Write the statement in Indonesian and in English."))
    item.save(update_fields=["text_id", "text_en", "reverse", "intent"])
    return item


@transaction.atomic
def item_add(
    *,
    version: InstrumentVersion,
    actor: User,
    subscale: Subscale,
    key: str,
    text_id: str,
    text_en: str,
    reverse: bool,
) -> Item:
    if not can_edit_instruments(actor):
        raise PermissionDenied(_("You may not edit questionnaires."))
    _lock_draft(version.pk)
    if subscale.instrument_version_id != version.pk:
        raise ValidationError(_("The subscale belongs to another version."))
    if version.items.filter(key=key).exists():
        raise ValidationError({"key": [_("This version already has an item with this key.")]})
    position = (version.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    return Item.objects.create(
        instrument_version=version,
        subscale=subscale,
        key=key,
        position=position,
        text_id=text_id.strip(),
        text_en=text_en.strip(),
        reverse=reverse,
    )


@transaction.atomic
def item_delete(*, item: Item, actor: User) -> None:
    if not can_edit_instruments(actor):
        raise PermissionDenied(_("You may not edit questionnaires."))
    _lock_draft(item.instrument_version_id)
    item.delete()


@transaction.atomic
def instrument_version_publish(
    *, version: InstrumentVersion, actor: User, expected_version: int
) -> InstrumentVersion:
    if not can_edit_instruments(actor):
        raise PermissionDenied(_("You may not edit questionnaires."))
    locked = _lock_draft(version.pk)
    empty = [s.name_en for s in locked.subscales.all() if not s.items.exists()]
    if not locked.items.exists():
        raise ValidationError(_("A questionnaire needs at least one statement."))
    if empty:
        raise ValidationError(
            _("Every subscale needs at least one statement: %(names)s.") % {"names": ", ".join(empty)}
        )
    locked.status = InstrumentVersion.Status.PUBLISHED
    locked.published_at = timezone.now()
    save_versioned(
        locked, actor=actor, expected_version=expected_version, update_fields=["status", "published_at"]
    )
    return locked


# --- administrations --------------------------------------------------------------------------


@transaction.atomic
def administration_create(
    *,
    actor: User,
    program: Program,
    instrument_version: InstrumentVersion,
    group: str,
    point: str,
    event: Event | None = None,
    title: str = "",
) -> Administration:
    if not can_manage_program_evidence(actor, program):
        raise PermissionDenied(_("You may not run questionnaires for this program."))
    errors: dict[str, list[str]] = {}
    if not instrument_version.is_published:
        errors["instrument_version"] = [_("Only a published version can be given to respondents.")]
    if group != instrument_version.instrument.audience:
        errors["group"] = [
            _("This questionnaire is written for %(audience)s.")
            % {"audience": Audience(instrument_version.instrument.audience).label}
        ]
    if event is not None and event.program_id != program.pk:
        errors["event"] = [_("The event belongs to another program.")]
    if errors:
        raise ValidationError(errors)
    return Administration.objects.create(
        office_id=program.office_id,
        program=program,
        event=event,
        instrument_version=instrument_version,
        group=group,
        point=point,
        title=title.strip(),
        created_by=actor,
    )


@transaction.atomic
def administration_set_open(
    *, administration: Administration, actor: User, open: bool, expected_version: int
) -> Administration:
    if not can_manage_program_evidence(actor, administration.program):
        raise PermissionDenied(_("You may not run questionnaires for this program."))
    administration.open = open
    save_versioned(administration, actor=actor, expected_version=expected_version, update_fields=["open"])
    return administration


# --- responses ---------------------------------------------------------------------------------


def normalise_code(raw: str) -> str:
    """A self-chosen code, as people type it on a phone: case, spaces and dashes do not matter."""
    return re.sub(r"[\s\-_.]", "", raw or "").upper()


def code_hash(*, program_id: int, code: str) -> str:
    """What is stored instead of the code: SHA-256 of the program and the normalised code, so a code
    pairs before and after within one program and links nothing across programs. Self-chosen codes
    are short, so this protects against casual reading, not against a determined guesser."""
    return hashlib.sha256(f"aksalarasa-evidence:{program_id}:{normalise_code(code)}".encode()).hexdigest()


def validate_answers(
    version: InstrumentVersion, items: list[Item], answers: Mapping[str, object]
) -> dict[str, int]:
    """Every item answered, every answer a whole number in the scale; returns item key -> value."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, int] = {}
    keys = {item.key for item in items}
    for key in answers:
        if key not in keys:
            errors.setdefault("__all__", []).append(_("Unknown statement: %(key)s.") % {"key": key})
    for item in items:
        raw = answers.get(item.key)
        if raw is None or raw == "":
            errors[f"item_{item.key}"] = [_("Please answer this statement.")]
            continue
        try:
            value = int(raw)  # type: ignore[call-overload]
            if str(raw).strip() not in {str(value), f"{value}.0"}:
                raise ValueError
        except (TypeError, ValueError):
            errors[f"item_{item.key}"] = [_("Answer with a whole number.")]
            continue
        if not version.scale_min <= value <= version.scale_max:
            errors[f"item_{item.key}"] = [
                _("Choose an answer from %(low)s to %(high)s.")
                % {"low": version.scale_min, "high": version.scale_max}
            ]
            continue
        clean[item.key] = value
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def response_submit(
    *,
    administration: Administration,
    answers: Mapping[str, object],
    channel: str,
    actor: User | None = None,
    client: Client | None = None,
    code: str = "",
) -> Response:
    """Store one respondent's answers, all or nothing (one transaction).

    Clients are linked by identity (staff entry only: the client must be visible to the staff
    member); residents and officers by a self-chosen code. A second answer from the same client
    or code in the same administration is refused.
    """

    if not administration.open:
        raise ValidationError(_("This questionnaire is closed."))
    if actor is not None and not can_manage_program_evidence(actor, administration.program):
        raise PermissionDenied(_("You may not enter answers for this program."))
    version = administration.instrument_version
    items = list(version.items.select_related("subscale"))
    errors: dict[str, list[str]] = {}
    try:
        clean = validate_answers(version, items, answers)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        clean = {}
    hashed = ""
    if administration.group == Audience.CLIENT:
        if client is None:
            errors["client"] = [_("Choose the client who answered.")]
        elif (
            actor is None
            or not ClientModel.objects.visible_to(actor)
            .filter(pk=client.pk, office_id=administration.office_id)
            .exists()
        ):
            errors["client"] = [_("Choose one of the clients you work with.")]
        elif Response.objects.filter(administration=administration, client=client).exists():
            errors["client"] = [_("This client has already answered this questionnaire.")]
    else:
        normalised = normalise_code(code)
        if not CODE_RE.match(normalised):
            errors["code"] = [_("Choose a code of 4 to 20 letters or digits that you will remember.")]
        else:
            hashed = code_hash(program_id=administration.program_id, code=normalised)
            if Response.objects.filter(administration=administration, code_hash=hashed).exists():
                errors["code"] = [
                    _("Someone has already answered with this code. If it was not you, choose another code.")
                ]
    if errors:
        raise ValidationError(errors)
    specs = [ItemSpec(i.key, i.subscale.key, i.reverse) for i in items]
    scores = score_subscales(clean, specs, scale_min=version.scale_min, scale_max=version.scale_max)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                office_id=administration.office_id,
                administration=administration,
                client=client if administration.group == Audience.CLIENT else None,
                code_hash=hashed,
                channel=channel,
                entered_by=actor,
                scores=scores,
            )
    except IntegrityError as exc:  # a concurrent duplicate of the same client or code
        raise ValidationError(_("This respondent has already answered this questionnaire.")) from exc
    by_key = {i.key: i for i in items}
    Answer.objects.bulk_create([Answer(response=response, item=by_key[k], value=v) for k, v in clean.items()])
    return response
