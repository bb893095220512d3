"""Demo data for the evidence app (idempotent; see aksalarasa/seeding/demo/__init__.py).

Installs the default questionnaires, then, for the AKSALARASA program of the Denpasar office and
its first event (both made by earlier loaders; without them nothing else is created):

- the client questionnaire before and after, entered from paper for the event's client
  participants (moderate improvement with noise: a fiction, not a finding);
- the resident questionnaire before and after through the public link, 30 residents with
  self-chosen codes; 3 forgot their code afterwards (so the unpaired comparison shows) and 1 did
  not answer after;
- guidance sessions in the 60 days before and after the event for the participants and comparable
  clients, only if none exist in that window yet (the guidance demo covers the last year, while the
  reference event is in 2023), so the difference in differences can be shown.

Deterministic (seeded random) and idempotent: administrations are looked up by their natural key,
a respondent who already answered is skipped, sessions are added only to an empty window.
"""

from __future__ import annotations

import random
from datetime import timedelta

from aksalarasa.clients.models import Client
from aksalarasa.core.history import save_many
from aksalarasa.events.models import Event
from aksalarasa.evidence import services
from aksalarasa.evidence.analysis import WINDOW_DAYS
from aksalarasa.evidence.models import Administration, Audience, InstrumentVersion, Point, Response
from aksalarasa.guidance.models import GuidanceSession
from aksalarasa.guidance.summaries import client_summaries_refresh
from aksalarasa.programs.models import Program
from aksalarasa.seeding.demo import DemoContext

SEED = 16062023
RESIDENTS = 30
LOST_CODE = 3  # residents who answered after with a different code
NO_AFTER = 1  # residents who did not answer after


def _version(key: str) -> InstrumentVersion:
    version = (
        InstrumentVersion.objects.filter(instrument__key=key, status=InstrumentVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise LookupError(f"no published version of the instrument {key!r}")
    return version


def _administration(
    ctx: DemoContext, *, program, event, version, group: str, point: str, actor
) -> Administration:
    existing = Administration.objects.filter(
        program=program, event=event, instrument_version=version, group=group, point=point
    ).first()
    if existing:
        return existing
    ctx.count("evidence administrations", True)
    titles: dict[tuple[str, str], str] = {
        (Audience.CLIENT, Point.BEFORE): "Kuesioner klien sebelum AKSALARASA",
        (Audience.CLIENT, Point.AFTER): "Kuesioner klien sesudah AKSALARASA",
        (Audience.RESIDENT, Point.BEFORE): "Kuesioner warga sebelum AKSALARASA",
        (Audience.RESIDENT, Point.AFTER): "Kuesioner warga sesudah AKSALARASA",
    }
    return services.administration_create(
        actor=actor,
        program=program,
        event=event,
        instrument_version=version,
        group=group,
        point=point,
        title=titles[(group, point)],
    )


def _answers(version: InstrumentVersion, levels: dict[str, float], rng: random.Random) -> dict[str, int]:
    """Answers around a person's level on each subscale; reverse items answered in mirror."""
    answers = {}
    for item in version.items.select_related("subscale"):
        value = round(levels[item.subscale.key] + rng.gauss(0, 0.6))
        value = min(version.scale_max, max(version.scale_min, value))
        answers[item.key] = version.scale_min + version.scale_max - value if item.reverse else value
    return answers


def load(ctx: DemoContext) -> None:

    services.instruments_install_defaults()
    denpasar = ctx.objects.get("denpasar")
    head = ctx.objects.get("user:kabapas.dps")
    if denpasar is None or head is None:
        return
    program = (
        ctx.objects.get("aksalarasa_program")
        or Program.objects.filter(office=denpasar, acronym="AKSALARASA").first()
    )
    if program is None:
        return
    event = Event.objects.filter(program=program).order_by("start", "pk").first()
    if event is None:
        return
    rng = random.Random(SEED)
    client_v = _version("client-interaction-motivation")
    resident_v = _version("resident-attitude")

    # Clients: the event's client participants, answered on paper with their officer.
    participants = [
        r.client
        for r in event.registrations.filter(group="client", client__isnull=False).select_related("client")
        if r.client is not None
    ]
    if participants:
        before = _administration(
            ctx,
            program=program,
            event=event,
            version=client_v,
            group=Audience.CLIENT,
            point=Point.BEFORE,
            actor=head,
        )
        after = _administration(
            ctx,
            program=program,
            event=event,
            version=client_v,
            group=Audience.CLIENT,
            point=Point.AFTER,
            actor=head,
        )
        answered = set(
            Response.objects.filter(administration__in=[before, after]).values_list(
                "administration_id", "client_id"
            )
        )
        for client in sorted(participants, key=lambda c: c.register_number):
            base = {
                "community": rng.uniform(2.0, 3.2),
                "motivation": rng.uniform(2.0, 3.0),
                "confidence": rng.uniform(2.3, 3.4),
            }
            gain = {k: rng.gauss(0.6, 0.45) for k in base}
            for administration, levels in ((before, base), (after, {k: base[k] + gain[k] for k in base})):
                answers = _answers(client_v, levels, rng)
                if (administration.pk, client.pk) in answered:
                    continue
                services.response_submit(
                    administration=administration, answers=answers, channel="paper", actor=head, client=client
                )
                ctx.count("evidence responses", True)

    # Residents: answered on their phones with a self-chosen code.
    r_before = _administration(
        ctx,
        program=program,
        event=event,
        version=resident_v,
        group=Audience.RESIDENT,
        point=Point.BEFORE,
        actor=head,
    )
    r_after = _administration(
        ctx,
        program=program,
        event=event,
        version=resident_v,
        group=Audience.RESIDENT,
        point=Point.AFTER,
        actor=head,
    )
    existing = set(
        Response.objects.filter(administration__in=[r_before, r_after]).values_list(
            "administration_id", "code_hash"
        )
    )
    for n in range(RESIDENTS):
        code = f"SANUR{n + 11:02d}"
        base = {
            "trust": rng.uniform(2.2, 3.4),
            "distance": rng.uniform(2.0, 3.3),
            "change": rng.uniform(2.8, 3.8),
        }
        gain = {k: rng.gauss(0.45, 0.4) for k in base}
        plans = [(r_before, code, base)]
        if n < RESIDENTS - NO_AFTER:
            after_code = f"KAUH{n + 11:02d}" if n < LOST_CODE else code.lower()
            plans.append((r_after, after_code, {k: base[k] + gain[k] for k in base}))
        for administration, respondent_code, levels in plans:
            answers = _answers(resident_v, levels, rng)
            hashed = services.code_hash(program_id=program.pk, code=respondent_code)
            if (administration.pk, hashed) in existing:
                continue
            services.response_submit(
                administration=administration, answers=answers, channel="online", code=respondent_code
            )
            ctx.count("evidence responses", True)

    if participants:
        _guidance_window(ctx, program=program, event=event, participants=participants, rng=rng)


def _guidance_window(ctx: DemoContext, *, program, event, participants, rng: random.Random) -> None:
    """Sessions 60 days either side of the event for participants and comparable clients, added
    only when that window is empty (so a second run, or real data, is never touched)."""
    start = event.start - timedelta(days=WINDOW_DAYS)
    end = event.end + timedelta(days=WINDOW_DAYS)
    part_ids = {c.pk for c in participants}
    categories = {c.category for c in participants}
    comparison = list(
        Client.objects.filter(office_id=program.office_id, category__in=categories)
        .exclude(pk__in=part_ids)
        .order_by("register_number")[: max(len(part_ids), 6)]
    )
    clients = sorted(participants, key=lambda c: c.register_number) + comparison
    if GuidanceSession.objects.filter(
        client__in=clients, scheduled_at__gte=start, scheduled_at__lt=end
    ).exists():
        return
    rows = []
    for client in clients:
        treated = client.pk in part_ids
        for offset in range(-56, 57, 14):
            if offset == 0:
                continue
            at = (event.start if offset < 0 else event.end) + timedelta(
                days=offset, hours=rng.choice([-5, -4, -2])
            )
            post = offset > 0
            p_attend = 0.55 if not post else (0.85 if treated else 0.6)
            attended = rng.random() < p_attend
            engagement = None
            if attended:
                mean = 2.0 if not post else (2.8 if treated else 2.1)
                engagement = min(4, max(1, round(mean + rng.gauss(0, 0.6))))
            rows.append(
                GuidanceSession(
                    office_id=program.office_id,
                    client=client,
                    officer=client.officer,
                    kind="report_in",
                    place="office",
                    scheduled_at=at,
                    outcome="attended" if attended else "unexcused",
                    engagement=engagement,
                    recorded_at=at + timedelta(hours=1),
                    recorded_by=client.officer,
                    notes="Demo: sesi di sekitar kegiatan AKSALARASA.",
                )
            )
    save_many(rows, model=GuidanceSession, actor=None)
    client_summaries_refresh(clients=[row.client_id for row in rows])
    ctx.created["guidance sessions (evidence window)"] = len(rows)
