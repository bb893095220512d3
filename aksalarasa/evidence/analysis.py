"""The evaluation of one program: reads the database, hands numbers to stats.py, returns dataclasses
that the page, the API and (later) the reports all render. A fixed, small number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aksalarasa.clients.models import Client, Supervision
from aksalarasa.events.models import CheckIn, Event, Interaction, Registration
from aksalarasa.evidence import stats
from aksalarasa.evidence.models import Administration, Answer, Audience, Item, Point, Response
from aksalarasa.evidence.selectors import aggregates_only
from aksalarasa.guidance.models import ATTENDED_OUTCOMES, EXPECTED_OUTCOMES, GuidanceSession
from aksalarasa.programs.selectors import indicator_figures

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User
    from aksalarasa.events.models import Event
    from aksalarasa.programs.models import Program

WINDOW_DAYS = 60  # guidance attendance window before the event start and after its end
BIN_DAYS = 14  # bins of the attendance timeline chart
SUPPRESS_BELOW = 5
ALPHA_TEMPER = 0.6  # below this Cronbach's alpha a subscale's change is read with caution


@dataclass
class SubscaleAnalysis:
    key: str
    name_id: str
    name_en: str
    alpha_before: stats.Figure | None
    alpha_after: stats.Figure | None
    paired: stats.PairedResult | None
    unpaired: stats.UnpairedResult | None
    mean_before: float | None
    mean_after: float | None
    n_before: int
    n_after: int
    p_holm: float | None = None  # the Wilcoxon p adjusted for every subscale of the survey (Holm)
    low_reliability: bool = False  # alpha below ALPHA_TEMPER at either point: readings tempered

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_id


@dataclass
class SurveyAnalysis:
    instrument_key: str
    name_id: str
    name_en: str
    group: str
    scale_min: int
    scale_max: int
    n_before: int
    n_after: int
    n_paired: int
    n_unpaired_before: int
    n_unpaired_after: int
    subscales: list[SubscaleAnalysis]
    holm_tested: int = 0  # subscales whose Wilcoxon p-values were adjusted together

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_id

    @property
    def group_label(self) -> str:
        return str(Audience(self.group).label)


@dataclass
class ProgramAnalysis:
    program: Program
    event: Event | None
    surveys: list[SurveyAnalysis] = field(default_factory=list)
    attendance: stats.Figure | None = None
    engagement: stats.Figure | None = None
    attendance_pre_trend: stats.Figure | None = None
    engagement_pre_trend: stats.Figure | None = None
    no_shows_left_out: int = 0  # registered clients who did not come: neither participant nor comparison
    timeline: list[dict[str, Any]] = field(default_factory=list)
    network: stats.NetworkResult | None = None
    indicators: stats.IndicatorResult | None = None
    window_days: int = WINDOW_DAYS
    suppressed: bool = False

    @property
    def has_any_figure(self) -> bool:
        return bool(self.surveys or self.attendance or self.network or self.indicators)


def _suppress(fig: stats.Figure | None) -> stats.Figure | None:
    if fig is None or fig.n >= SUPPRESS_BELOW:
        return fig
    return replace(
        fig,
        estimate=None,
        ci=None,
        p_value=None,
        statistic=None,
        reading_id=f"Disembunyikan: kurang dari {SUPPRESS_BELOW} orang.",
        reading_en=f"Hidden: fewer than {SUPPRESS_BELOW} people.",
        details={},
    )


def _main_event(program: Program, event_id: int | None) -> Event | None:

    qs = Event.objects.filter(program=program)
    if event_id:
        return qs.filter(pk=event_id).first()
    return qs.order_by("start", "pk").first()


# --- surveys -----------------------------------------------------------------------------------


def _survey_analyses(program: Program, *, seed: int) -> list[SurveyAnalysis]:
    admins = list(
        Administration.objects.filter(program=program, point__in=[Point.BEFORE, Point.AFTER]).select_related(
            "instrument_version__instrument"
        )
    )
    if not admins:
        return []
    admin_by_id = {a.pk: a for a in admins}
    responses = list(
        Response.objects.filter(administration__in=admins).values_list(
            "pk", "administration_id", "client_id", "code_hash", "scores"
        )
    )
    versions = {a.instrument_version_id for a in admins}
    items_by_version: dict[int, list[Item]] = defaultdict(list)
    item_keys: dict[int, str] = {}
    for item in Item.objects.filter(instrument_version_id__in=versions).select_related(
        "subscale", "instrument_version"
    ):
        items_by_version[item.instrument_version_id].append(item)
        item_keys[item.pk] = item.key
    # item ids rather than a join to the item's key: one narrow query over every answer
    answers: dict[int, dict[str, int]] = defaultdict(dict)
    for response_id, item_id, value in Answer.objects.filter(
        response__administration__in=[a.pk for a in admins]
    ).values_list("response_id", "item_id", "value"):
        key = item_keys.get(item_id)
        if key is not None:
            answers[response_id][key] = value

    # one survey per (instrument, group)
    surveys: dict[tuple[str, str], dict[str, Any]] = {}
    for admin in admins:
        instrument = admin.instrument_version.instrument
        entry = surveys.setdefault(
            (instrument.key, admin.group),
            {"instrument": instrument, "version": admin.instrument_version, "before": [], "after": []},
        )
        if admin.instrument_version.number > entry["version"].number:
            entry["version"] = admin.instrument_version
    for response_id, admin_id, client_id, code, scores in responses:
        admin = admin_by_id[admin_id]
        identity = f"client:{client_id}" if client_id else f"code:{code}" if code else f"anon:{response_id}"
        surveys[(admin.instrument_version.instrument.key, admin.group)][admin.point].append(
            {
                "id": response_id,
                "identity": identity,
                "scores": scores,
                "version": admin.instrument_version_id,
            }
        )

    results = []
    for (key, group), entry in sorted(surveys.items()):
        version = entry["version"]
        before = {r["identity"]: r for r in entry["before"]}
        after = {r["identity"]: r for r in entry["after"]}
        paired_ids = sorted(set(before) & set(after))
        only_before = [before[i] for i in before if i not in after]
        only_after = [after[i] for i in after if i not in before]
        subscale_results = []
        for sub in version.subscales.all():
            sub_items = [i for i in items_by_version[version.pk] if i.subscale.key == sub.key]
            b_scores = [r["scores"].get(sub.key) for r in entry["before"]]
            a_scores = [r["scores"].get(sub.key) for r in entry["after"]]
            b_scores = [v for v in b_scores if v is not None]
            a_scores = [v for v in a_scores if v is not None]
            pb = [before[i]["scores"].get(sub.key) for i in paired_ids]
            pa = [after[i]["scores"].get(sub.key) for i in paired_ids]
            keep = [(x, y) for x, y in zip(pb, pa, strict=True) if x is not None and y is not None]
            paired = (
                stats.paired_analysis([x for x, _ in keep], [y for _, y in keep], seed=seed)
                if len(keep) >= 2
                else None
            )
            ub = [r["scores"].get(sub.key) for r in only_before if r["scores"].get(sub.key) is not None]
            ua = [r["scores"].get(sub.key) for r in only_after if r["scores"].get(sub.key) is not None]
            unpaired = stats.unpaired_analysis(ub, ua) if ub and ua else None
            subscale_results.append(
                SubscaleAnalysis(
                    key=sub.key,
                    name_id=sub.name_id,
                    name_en=sub.name_en,
                    alpha_before=_alpha(entry["before"], sub_items, answers, version),
                    alpha_after=_alpha(entry["after"], sub_items, answers, version),
                    paired=paired,
                    unpaired=unpaired,
                    mean_before=sum(b_scores) / len(b_scores) if b_scores else None,
                    mean_after=sum(a_scores) / len(a_scores) if a_scores else None,
                    n_before=len(b_scores),
                    n_after=len(a_scores),
                )
            )
        holm_tested = _adjust_holm(subscale_results)
        for sub in subscale_results:
            _temper_low_reliability(sub)
        instrument = entry["instrument"]
        results.append(
            SurveyAnalysis(
                instrument_key=key,
                name_id=instrument.name_id,
                name_en=instrument.name_en,
                group=group,
                scale_min=version.scale_min,
                scale_max=version.scale_max,
                n_before=len(entry["before"]),
                n_after=len(entry["after"]),
                n_paired=len(paired_ids),
                n_unpaired_before=len(only_before),
                n_unpaired_after=len(only_after),
                subscales=subscale_results,
                holm_tested=holm_tested,
            )
        )
    return results


def _adjust_holm(subscales: list[SubscaleAnalysis]) -> int:
    """Several subscales tested at once: each gets its Holm-adjusted p beside the raw one, so that the
    chance of any false alarm across the survey stays at 5 %. Returns how many were adjusted."""
    tested = [s for s in subscales if s.paired and s.paired.wilcoxon.p_value is not None]
    if len(tested) < 2:
        return 0
    adjusted = stats.holm_adjusted([s.paired.wilcoxon.p_value for s in tested])  # type: ignore[union-attr,misc]
    for sub, p_holm in zip(tested, adjusted, strict=True):
        sub.p_holm = float(p_holm)
        paired = sub.paired
        assert paired is not None
        note_id = (
            f" Disesuaikan Holm untuk {len(tested)} subskala: {stats.p_expression(sub.p_holm, 'id', 'p')}."
        )
        note_en = f" Holm-adjusted for {len(tested)} subscales: {stats.p_expression(sub.p_holm, 'en', 'p')}."
        wilcoxon = replace(
            paired.wilcoxon,
            reading_id=paired.wilcoxon.reading_id + note_id,
            reading_en=paired.wilcoxon.reading_en + note_en,
            details={**paired.wilcoxon.details, "p_holm": sub.p_holm},
        )
        sub.paired = replace(paired, wilcoxon=wilcoxon)
    return len(tested)


def _temper_low_reliability(sub: SubscaleAnalysis) -> None:
    """A subscale whose items do not hang together (alpha < 0.6) measures little: say so first."""
    alphas = [a.estimate for a in (sub.alpha_before, sub.alpha_after) if a and a.estimate is not None]
    low = [a for a in alphas if a < ALPHA_TEMPER]
    if not low or sub.paired is None:
        return
    sub.low_reliability = True
    worst = min(low)
    lead_id = (
        f"Hati-hati: butir subskala ini belum mengukur satu hal yang sama (alfa {stats._fmt(worst, 'id')} "
        f"< 0,6), jadi perubahan di bawah ini belum bisa dipercaya. "
    )
    lead_en = (
        f"Caution: this subscale's items do not yet measure one thing (alpha {stats._fmt(worst, 'en')} "
        f"< 0.6), so the change below cannot be relied on yet. "
    )
    paired = sub.paired
    tempered = {
        name: replace(fig, reading_id=lead_id + fig.reading_id, reading_en=lead_en + fig.reading_en)
        for name, fig in (
            ("wilcoxon", paired.wilcoxon),
            ("hodges_lehmann", paired.hodges_lehmann),
            ("rank_biserial", paired.rank_biserial),
        )
    }
    sub.paired = replace(
        paired,
        wilcoxon=tempered["wilcoxon"],
        hodges_lehmann=tempered["hodges_lehmann"],
        rank_biserial=tempered["rank_biserial"],
    )


def _alpha(
    rows: list[dict], items: list[Item], answers: dict[int, dict[str, int]], version
) -> stats.Figure | None:
    """Cronbach's alpha of a subscale at one point, reverse-scored items mirrored first."""
    if len(items) < 2 or not rows:
        return None
    top = version.scale_min + version.scale_max
    matrix = []
    for r in rows:
        values = answers.get(r["id"], {})
        if all(i.key in values for i in items):
            matrix.append([top - values[i.key] if i.reverse else values[i.key] for i in items])
    return stats.cronbach_alpha(matrix) if matrix else None


# --- guidance attendance and engagement (difference in differences) -----------------------------


@dataclass
class _DidResult:
    attendance: stats.Figure | None = None
    engagement: stats.Figure | None = None
    attendance_pre_trend: stats.Figure | None = None
    engagement_pre_trend: stats.Figure | None = None
    timeline: list[dict[str, Any]] = field(default_factory=list)
    no_shows_left_out: int = 0


def _did(program: Program, event: Event) -> _DidResult:

    registered = set(
        Registration.objects.filter(event=event, client__isnull=False).values_list("client_id", flat=True)
    )
    checked = set(
        CheckIn.objects.filter(event=event, registration__client__isnull=False).values_list(
            "registration__client_id", flat=True
        )
    )
    participants = checked or registered
    if not participants:
        return _DidResult()
    # Registered clients who did not come are neither participants nor a control group (whatever
    # kept them away may also move their attendance): they are left out and counted apart.
    no_shows = registered - participants
    day = event.start.date()
    # Stratum of each client of the office: (category, program type of the supervision active on
    # the event day, else of the supervision nearest to it; "" without any supervision).
    periods: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for client_id, program_type, p_start, p_end in Supervision.objects.filter(
        office_id=program.office_id
    ).values_list("client_id", "program_type", "start", "end"):
        distance = 0 if p_start <= day <= p_end else min(abs((p_start - day).days), abs((p_end - day).days))
        periods[client_id].append((distance, program_type))
    strata: dict[int, tuple[str, str]] = {}
    for client_id, category in Client.objects.filter(office_id=program.office_id).values_list(
        "pk", "category"
    ):
        nearest = min(periods[client_id]) if periods.get(client_id) else (0, "")
        strata[client_id] = (category, nearest[1])
    wanted = {strata[c] for c in participants if c in strata}
    comparison = {c for c, s in strata.items() if s in wanted and c not in participants and c not in no_shows}
    start = event.start - timedelta(days=WINDOW_DAYS)
    end = event.end + timedelta(days=WINDOW_DAYS)
    sessions = GuidanceSession.objects.filter(
        client_id__in=participants | comparison,
        office_id=program.office_id,
        scheduled_at__gte=start,
        scheduled_at__lt=end,
        outcome__in=EXPECTED_OUTCOMES,
    ).values_list("client_id", "scheduled_at", "outcome", "engagement")
    per: dict[tuple[int, bool], dict[str, list]] = defaultdict(lambda: {"att": [], "eng": []})
    pre: dict[tuple[int, int], dict[str, list]] = defaultdict(lambda: {"att": [], "eng": []})
    bins: dict[tuple[int, bool], dict[str, list]] = defaultdict(lambda: {"att": [], "eng": []})
    attended_set = {str(o) for o in ATTENDED_OUTCOMES}
    for client_id, at, outcome, engagement in sessions:
        if event.start <= at < event.end:
            continue  # the event day itself is neither before nor after
        post = at >= event.end
        attended = 1.0 if outcome in attended_set else 0.0
        per[(client_id, post)]["att"].append(attended)
        if engagement is not None:
            per[(client_id, post)]["eng"].append(float(engagement))
        offset = (at - event.start).days if not post else (at - event.end).days
        b = (offset // BIN_DAYS) * BIN_DAYS
        if not post:
            pre[(client_id, b)]["att"].append(attended)
            if engagement is not None:
                pre[(client_id, b)]["eng"].append(float(engagement))
        bins[(b, client_id in participants)]["att"].append(attended)
        if engagement is not None:
            bins[(b, client_id in participants)]["eng"].append(float(engagement))
    att_rows, eng_rows = [], []
    for (client_id, post), values in per.items():
        treated = client_id in participants
        att_rows.append(stats.DidRow(client_id, treated, post, sum(values["att"]) / len(values["att"])))
        if values["eng"]:
            eng_rows.append(stats.DidRow(client_id, treated, post, sum(values["eng"]) / len(values["eng"])))
    who = (
        " Pembanding: klien kantor ini yang tidak terdaftar di acara, dengan kategori dan jenis program "
        "yang sama dengan peserta"
        + (f"; {len(no_shows)} klien yang terdaftar tetapi tidak hadir tidak dihitung." if no_shows else "."),
        " Comparison group: this office's clients not registered for the event, of the same category and "
        "programme type as the participants"
        + (f"; {len(no_shows)} registered clients who did not come are left out." if no_shows else "."),
    )
    attendance = stats.difference_in_differences(
        att_rows, what=("tingkat kehadiran (0-1)", "attendance rate (0-1)"), comparison=who
    )
    engagement_did = stats.difference_in_differences(
        eng_rows, what=("keterlibatan rata-rata (skala 1-4)", "mean engagement (1-4 scale)"), comparison=who
    )
    period_of = {b: i for i, b in enumerate(sorted({b for _, b in pre}))}
    trend = {
        kind: [
            stats.TrendRow(c, c in participants, period_of[b], sum(v[kind]) / len(v[kind]))
            for (c, b), v in pre.items()
            if v[kind]
        ]
        for kind in ("att", "eng")
    }
    timeline = []
    for b in sorted({b for b, _ in bins}):
        row: dict[str, Any] = {"day": b}
        for treated, name in ((True, "participants"), (False, "comparison")):
            cell = bins.get((b, treated))
            row[f"{name}_attendance"] = sum(cell["att"]) / len(cell["att"]) if cell and cell["att"] else None
            row[f"{name}_engagement"] = sum(cell["eng"]) / len(cell["eng"]) if cell and cell["eng"] else None
        timeline.append(row)
    return _DidResult(
        attendance=attendance,
        engagement=engagement_did,
        attendance_pre_trend=stats.pre_trend_check(trend["att"]),
        engagement_pre_trend=stats.pre_trend_check(trend["eng"]),
        timeline=timeline,
        no_shows_left_out=len(no_shows),
    )


# --- interaction network ------------------------------------------------------------------------


def _network(event: Event) -> stats.NetworkResult | None:

    pairs = list(Interaction.objects.filter(event=event).values_list("first_id", "second_id"))
    if not pairs:
        return None
    nodes = {
        f"r{pk}": group for pk, group in Registration.objects.filter(event=event).values_list("pk", "group")
    }
    return stats.interaction_network(nodes, [(f"r{a}", f"r{b}") for a, b in pairs])


# --- indicators ---------------------------------------------------------------------------------


def _indicators(program: Program) -> stats.IndicatorResult | None:

    indicators = list(program.indicators.all())
    if not indicators:
        return None
    figures = indicator_figures(program, indicators)
    return stats.indicator_achievement(
        [
            stats.IndicatorInput(
                name=row["indicator"].criterion,
                weight=float(row["indicator"].weight),
                target=100.0,
                actual=float(row["achievement"]) if row["achievement"] is not None else None,
            )
            for row in figures["rows"]
        ]
    )


# --- the whole evaluation -------------------------------------------------------------------------


def program_analysis(*, viewer: User, program: Program, event_id: int | None = None) -> ProgramAnalysis:
    """Every figure of the program's evaluation. The caller has already checked that the viewer
    may see the program's aggregates; national and regional viewers get cells under 5 hidden."""
    seed = stats.DEFAULT_SEED + program.pk
    event = _main_event(program, event_id)
    result = ProgramAnalysis(program=program, event=event)
    result.surveys = _survey_analyses(program, seed=seed)
    if event is not None:
        did = _did(program, event)
        result.attendance, result.engagement, result.timeline = did.attendance, did.engagement, did.timeline
        result.attendance_pre_trend = did.attendance_pre_trend
        result.engagement_pre_trend = did.engagement_pre_trend
        result.no_shows_left_out = did.no_shows_left_out
        result.network = _network(event)
    result.indicators = _indicators(program)
    if aggregates_only(viewer):
        result.suppressed = True
        _suppress_all(result)
    return result


def _suppress_all(result: ProgramAnalysis) -> None:
    result.attendance = _suppress(result.attendance)
    result.engagement = _suppress(result.engagement)
    result.attendance_pre_trend = _suppress(result.attendance_pre_trend)
    result.engagement_pre_trend = _suppress(result.engagement_pre_trend)
    result.timeline = []  # per-bin rates of a handful of clients would reveal individuals
    for survey in result.surveys:
        for sub in survey.subscales:
            sub.alpha_before = _suppress(sub.alpha_before)
            sub.alpha_after = _suppress(sub.alpha_after)
            if sub.paired and sub.paired.n < SUPPRESS_BELOW:
                sub.paired = None
            if sub.unpaired and min(sub.unpaired.n_before, sub.unpaired.n_after) < SUPPRESS_BELOW:
                sub.unpaired = None
            if sub.n_before < SUPPRESS_BELOW:
                sub.mean_before = None
            if sub.n_after < SUPPRESS_BELOW:
                sub.mean_after = None
