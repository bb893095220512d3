"""The legal limits of community sentences, in one place, each next to its article of UU 1/2023 (KUHP).

Pure functions, no database: `order_problems` answers the problems of a court decision as
(field, message) pairs, `day_problems` those of one day's work. The services refuse a write that
has any; the forms and the API show the messages.

Checked against the text of UU 1/2023 as published (Wikisource transcription of the State Gazette
PDF for Art. 77 and 79; Art. 75, 76 and 85 from two independent transcriptions of the law,
cekhukum.com and the Attorney General's "Buku Pintar Adhyaksa", which agree word for word).
Not verified here: how the new KUHP counts a month in days. The old KUHP (Art. 97) says a month is
30 days; `PRISON_MONTH_DAYS` follows it, so "at most 6 months of prison" is at most 180 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

# Art. 85(4): "paling singkat 8 (delapan) jam dan paling lama 240 (dua ratus empat puluh) jam".
MIN_HOURS = 8
MAX_HOURS = 240
# Art. 85(5): "paling lama 8 (delapan) jam dalam 1 (satu) hari".
MAX_HOURS_PER_DAY = 8
# Art. 85(5): "dapat diangsur dalam waktu paling lama 6 (enam) bulan".
MAX_PERIOD_MONTHS = 6
# Art. 85(1): the offence is threatened with prison of "kurang dari 5 (lima) tahun" (strictly less).
COMMUNITY_SERVICE_THREAT_BELOW_MONTHS = 5 * 12
# Art. 85(1): the judge would give prison of "paling lama 6 (enam) bulan" ...
MAX_REPLACED_PRISON_MONTHS = 6
PRISON_MONTH_DAYS = 30  # old KUHP Art. 97 (see the module's note)
MAX_REPLACED_PRISON_DAYS = MAX_REPLACED_PRISON_MONTHS * PRISON_MONTH_DAYS
# ... "atau pidana denda paling banyak kategori II"; Art. 79(1)(b): kategori II = Rp10.000.000.
FINE_CATEGORY_II = 10_000_000
# Art. 75: pidana pengawasan for an offence threatened with prison "paling lama 5 (lima) tahun".
SUPERVISION_THREAT_MAX_MONTHS = 5 * 12
# Art. 76(1): pengawasan "paling lama sama dengan pidana penjara yang diancamkan yang tidak lebih
# dari 3 (tiga) tahun".
MAX_SUPERVISION_MONTHS = 3 * 12

COMMUNITY_SERVICE = "community_service"
SUPERVISION = "supervision"


@dataclass(frozen=True)
class Decision:
    """The parts of a court decision the limits speak about."""

    sentence_type: str
    threatened_months: int | None  # the offence's maximum prison threat
    hours_ordered: int | None
    hours_per_day: int | None
    period_months: int | None
    replaced_prison_days: int | None
    replaced_fine: int | None
    general_conditions: str = ""


def order_problems(d: Decision) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if d.sentence_type == COMMUNITY_SERVICE:
        problems += _community_service(d)
    elif d.sentence_type == SUPERVISION:
        problems += _supervision(d)
    return problems


def _community_service(d: Decision) -> list[tuple[str, str]]:
    problems = []
    if d.threatened_months is not None and d.threatened_months >= COMMUNITY_SERVICE_THREAT_BELOW_MONTHS:
        problems.append(
            (
                "threatened_months",
                _(
                    "Community service is only for an offence threatened with less than 5 years of "
                    "prison (UU 1/2023 Art. 85(1)); this offence is threatened with %(n)s months."
                )
                % {"n": d.threatened_months},
            )
        )
    if d.hours_ordered is None:
        problems.append(("hours_ordered", _("A community-service order states the hours ordered.")))
    elif not MIN_HOURS <= d.hours_ordered <= MAX_HOURS:
        problems.append(
            (
                "hours_ordered",
                _(
                    "Community service is 8 to 240 hours (UU 1/2023 Art. 85(4)); %(n)s hours is "
                    "outside that range."
                )
                % {"n": d.hours_ordered},
            )
        )
    if d.hours_per_day is not None and not 1 <= d.hours_per_day <= MAX_HOURS_PER_DAY:
        problems.append(
            (
                "hours_per_day",
                _(
                    "Community service is at most 8 hours a day (UU 1/2023 Art. 85(5)); %(n)s hours a "
                    "day is not allowed."
                )
                % {"n": d.hours_per_day},
            )
        )
    if d.period_months is None:
        problems.append(("period_months", _("A community-service order states its period in months.")))
    elif not 1 <= d.period_months <= MAX_PERIOD_MONTHS:
        problems.append(
            (
                "period_months",
                _(
                    "Community service may be spread over at most 6 months (UU 1/2023 Art. 85(5)); "
                    "a period of %(n)s months is not allowed."
                )
                % {"n": d.period_months},
            )
        )
    if (
        d.hours_ordered is not None
        and d.hours_per_day is not None
        and d.period_months is not None
        and 1 <= d.hours_per_day <= MAX_HOURS_PER_DAY
        and 1 <= d.period_months <= MAX_PERIOD_MONTHS
        and d.hours_ordered > d.hours_per_day * d.period_months * 31
    ):
        problems.append(
            (
                "hours_ordered",
                _("%(n)s hours cannot be worked at %(per_day)s hours a day within %(months)s months.")
                % {"n": d.hours_ordered, "per_day": d.hours_per_day, "months": d.period_months},
            )
        )
    prison, fine = d.replaced_prison_days, d.replaced_fine
    if not prison and not fine:
        problems.append(
            (
                "replaced_prison_days",
                _(
                    "The decision states the prison term or the fine that community service replaces "
                    "(UU 1/2023 Art. 85(7))."
                ),
            )
        )
    if prison is not None and prison > MAX_REPLACED_PRISON_DAYS:
        problems.append(
            (
                "replaced_prison_days",
                _(
                    "Community service replaces a prison term of at most 6 months (180 days; UU 1/2023 "
                    "Art. 85(1)); %(n)s days is longer."
                )
                % {"n": prison},
            )
        )
    if fine is not None and fine > FINE_CATEGORY_II:
        problems.append(
            (
                "replaced_fine",
                _(
                    "Community service replaces a fine of at most category II, Rp10,000,000 (UU 1/2023 "
                    "Art. 85(1) and 79(1)); Rp%(n)s is more."
                )
                % {"n": f"{fine:,}"},
            )
        )
    return problems


def _supervision(d: Decision) -> list[tuple[str, str]]:
    problems = []
    if d.threatened_months is not None and d.threatened_months > SUPERVISION_THREAT_MAX_MONTHS:
        problems.append(
            (
                "threatened_months",
                _(
                    "A supervision sentence is only for an offence threatened with at most 5 years of "
                    "prison (UU 1/2023 Art. 75); this offence is threatened with %(n)s months."
                )
                % {"n": d.threatened_months},
            )
        )
    if d.period_months is None:
        problems.append(("period_months", _("A supervision order states its period in months.")))
    elif not 1 <= d.period_months <= MAX_SUPERVISION_MONTHS:
        problems.append(
            (
                "period_months",
                _(
                    "A supervision sentence lasts at most 3 years (UU 1/2023 Art. 76(1)); a period of "
                    "%(n)s months is not allowed."
                )
                % {"n": d.period_months},
            )
        )
    elif d.threatened_months is not None and d.period_months > d.threatened_months:
        problems.append(
            (
                "period_months",
                _(
                    "A supervision sentence is at most as long as the prison term the offence is "
                    "threatened with (UU 1/2023 Art. 76(1)): %(n)s months is longer than %(threat)s."
                )
                % {"n": d.period_months, "threat": d.threatened_months},
            )
        )
    if d.hours_ordered:
        problems.append(("hours_ordered", _("A supervision sentence orders no hours of work.")))
    if not d.general_conditions.strip():
        problems.append(
            (
                "general_conditions",
                _(
                    "A supervision sentence states the general condition: not to commit another "
                    "offence (UU 1/2023 Art. 76(2))."
                ),
            )
        )
    return problems


def period_end(start: date, months: int) -> date:
    """The last day of a period of `months` calendar months starting on `start` (inclusive): the day
    before the same date `months` later, or the month's last day when that date does not exist."""
    import calendar
    from datetime import timedelta

    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if start.day > last_day:  # 31 August + 6 months: the period ends on 28 February
        return date(year, month, last_day)
    return date(year, month, start.day) - timedelta(days=1)


def day_problems(*, credited_minutes: int, minutes_already_that_day: int) -> list[tuple[str, str]]:
    """Art. 85(5): at most 8 hours of community service in one day."""
    problems = []
    if credited_minutes <= 0:
        problems.append(("end", _("The end must come after the start and the breaks.")))
    elif credited_minutes + minutes_already_that_day > MAX_HOURS_PER_DAY * 60:
        problems.append(
            (
                "end",
                _(
                    "Community service is at most 8 hours a day (UU 1/2023 Art. 85(5)): this day would "
                    "count %(hours)s hours."
                )
                % {"hours": f"{(credited_minutes + minutes_already_that_day) / 60:g}"},
            )
        )
    return problems
