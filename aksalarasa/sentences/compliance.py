"""The rules of non-compliance, breach, completion and supervision advice, each next to its article
of UU 1/2023 (KUHP). Pure functions, no database (like rules.py); the services refuse a write that
has a problem and the forms and the API show the message.

Checked against the text of UU 1/2023 (cekhukum.com and the Attorney General's "Buku Pintar
Adhyaksa" transcriptions, which agree):
- Art. 85(7): the decision orders that if the person, without a valid reason ("tanpa alasan yang
  sah"), does not carry out all or part of the community service, the person must (a) repeat all or
  part of it, (b) serve all or part of the prison term it replaced, or (c) pay all or part of the
  fine it replaced (or serve the prison term that replaces an unpaid fine).
- Art. 76(2)-(3): a supervision order states the general condition (no new offence) and may state
  special conditions. Art. 76(5): after a special condition is violated without a valid reason, the
  prosecutor, on the PK's consideration, proposes prison or an extension of the supervision "yang
  lamanya tidak lebih dari pidana pengawasan yang dijatuhkan" (an extension at most as long as the
  supervision imposed). Art. 76(6): the prosecutor, on the PK's consideration, may propose to
  shorten it after good behaviour. Art. 76(1): supervision lasts at most 3 years. Art. 76(7): the
  procedure and limits of shortening and extending are left to a Government Regulation, not yet
  read here.

Decisions where the law is silent (README, "Community sentences"):
- The breach threshold: a breach report may be drafted once the person has `breach_threshold()`
  non-compliance events without a valid reason (setting AKSALARASA_BREACH_THRESHOLD, default 3), or
  once the period has ended with hours still missing. Below it, the PK sends warning letters.
- The part left: missing share = missing minutes / minutes ordered, exact (Decimal); the share of
  the replaced prison days and of the replaced fine is computed from that exact fraction. Shown:
  percentages and days to two decimals, rounded half up; rupiah to the whole rupiah, rounded half up.
  The court decides what is finally served or paid.
- The 3 years of Art. 76(1) also bound an advised extension: the supervision imposed plus the
  extension is at most 36 months (the brief's reading; Art. 76(5) alone would allow up to twice
  the term).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from aksalarasa.sentences import rules

DEFAULT_BREACH_THRESHOLD = 3
TWO_PLACES = Decimal("0.01")


def breach_threshold() -> int:
    """Non-compliance events without a valid reason after which a breach report may be drafted."""
    value = getattr(settings, "AKSALARASA_BREACH_THRESHOLD", DEFAULT_BREACH_THRESHOLD)
    return max(1, int(value))


@dataclass(frozen=True)
class PartLeft:
    """The arithmetic of the part of a community-service order not done (Art. 85(7))."""

    minutes_ordered: int
    minutes_credited: int
    replaced_prison_days: int | None
    replaced_fine: int | None

    @property
    def minutes_missing(self) -> int:
        return max(0, self.minutes_ordered - max(0, self.minutes_credited))

    @property
    def fraction(self) -> Decimal:
        """Missing / ordered, exact (no rounding)."""
        if self.minutes_ordered <= 0:
            return Decimal(0)
        return Decimal(self.minutes_missing) / Decimal(self.minutes_ordered)

    @property
    def hours_ordered(self) -> Decimal:
        return Decimal(self.minutes_ordered) / 60

    @property
    def hours_done(self) -> Decimal:
        return Decimal(max(0, self.minutes_credited)) / 60

    @property
    def hours_missing(self) -> Decimal:
        return Decimal(self.minutes_missing) / 60

    @property
    def percent(self) -> Decimal:
        """The missing share in per cent, two decimals, half up."""
        return (self.fraction * 100).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)

    @property
    def prison_days(self) -> Decimal | None:
        """The missing share of the replaced prison days, two decimals, half up."""
        if not self.replaced_prison_days:
            return None
        return (self.fraction * self.replaced_prison_days).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)

    @property
    def fine(self) -> Decimal | None:
        """The missing share of the replaced fine, whole rupiah, half up."""
        if not self.replaced_fine:
            return None
        return (self.fraction * self.replaced_fine).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """A Decimal without trailing zeros: 37.50 -> "37.5", 90.00 -> "90" (the reader's separator is
    applied by the caller)."""
    text = format(value.normalize(), "f")
    return text


def breach_problems(
    *,
    is_community_service: bool,
    status: str,
    unexcused: int,
    minutes_missing: int,
    period_ended: bool,
    option: str,
    has_prison: bool,
    has_fine: bool,
    recommendation: str,
) -> list[tuple[str, str]]:
    """May a breach report be drafted, and does the recommendation name a lawful option?"""
    problems: list[tuple[str, str]] = []
    if not is_community_service:
        problems.append(("__all__", _("A breach report is written for a community-service order.")))
        return problems
    if status not in ("active", "breach"):
        problems.append(("__all__", _("A breach report is written for an active order.")))
    if minutes_missing <= 0:
        problems.append(("__all__", _("All hours ordered are done: there is nothing to report as missing.")))
    threshold = breach_threshold()
    if unexcused < threshold and not period_ended:
        problems.append(
            (
                "__all__",
                _(
                    "A breach report is drafted after %(threshold)s events without a valid reason (UU 1/2023 "
                    "Art. 85(7)) or once the period has ended with hours missing; this order has %(n)s. "
                    "Send a warning letter instead."
                )
                % {"threshold": threshold, "n": unexcused},
            )
        )
    if option == "prison" and not has_prison:
        problems.append(
            ("option", _("The decision replaced no prison term: option b of Art. 85(7) does not apply."))
        )
    if option == "fine" and not has_fine:
        problems.append(
            ("option", _("The decision replaced no fine: option c of Art. 85(7) does not apply."))
        )
    if option not in ("repeat", "prison", "fine"):
        problems.append(("option", _("Choose one of the three options of UU 1/2023 Art. 85(7).")))
    if not recommendation.strip():
        problems.append(("recommendation", _("Write the PK's recommendation and its reasons.")))
    return problems


def warning_problems(
    *, is_community_service: bool, status: str, event_valid: bool | None
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if not is_community_service:
        problems.append(("__all__", _("Warning letters are sent about a community-service order.")))
    if status != "active":
        problems.append(("__all__", _("Warning letters are sent about an active order.")))
    if event_valid is None:
        problems.append(("event", _("Choose the event the warning is about.")))
    elif event_valid:
        problems.append(
            (
                "event",
                _("This event has a valid reason (UU 1/2023 Art. 85(7)): it does not call for a warning."),
            )
        )
    return problems


def completion_problems(
    *,
    is_community_service: bool,
    status: str,
    minutes_ordered: int,
    minutes_credited: int,
    end: date,
    today: date,
) -> list[tuple[str, str]]:
    """A community-service order is complete when the ledger holds every hour ordered; a supervision
    order when its period is over."""
    problems: list[tuple[str, str]] = []
    if status != "active":
        problems.append(("__all__", _("Only an active order can be closed as completed.")))
    if is_community_service:
        if minutes_credited < minutes_ordered:
            problems.append(
                (
                    "__all__",
                    _(
                        "The order is complete only when the ledger holds all %(ordered)s hours ordered; "
                        "%(missing)s hours are still missing."
                    )
                    % {
                        "ordered": plain(Decimal(minutes_ordered) / 60),
                        "missing": plain(Decimal(minutes_ordered - minutes_credited) / 60),
                    },
                )
            )
    elif today < end:
        problems.append(
            (
                "__all__",
                _("The supervision runs until %(end)s: it is completed after that day.")
                % {"end": end.isoformat()},
            )
        )
    return problems


def advice_problems(
    *,
    is_supervision: bool,
    status: str,
    advice: str,
    months: int | None,
    period_months: int,
    unexcused_special: int,
    unexcused_any: int,
    months_served: int,
) -> list[tuple[str, str]]:
    """The PK's advice to extend (Art. 76(5)) or shorten (Art. 76(6)) a supervision."""
    problems: list[tuple[str, str]] = []
    if not is_supervision:
        problems.append(("__all__", _("Advice to extend or shorten is given for a supervision order.")))
        return problems
    if status != "active":
        problems.append(("__all__", _("Advice is given while the supervision runs.")))
    if not months or months < 1:
        problems.append(("advice_months", _("Say by how many months.")))
        return problems
    if advice == "extend":
        if unexcused_special < 1:
            problems.append(
                (
                    "advice",
                    _(
                        "An extension is proposed after a special condition was violated without a valid "
                        "reason (UU 1/2023 Art. 76(5)); no such violation is recorded."
                    ),
                )
            )
        if months > period_months:
            problems.append(
                (
                    "advice_months",
                    _(
                        "An extension is at most as long as the supervision imposed (UU 1/2023 Art. 76(5)): "
                        "at most %(n)s months."
                    )
                    % {"n": period_months},
                )
            )
        if period_months + months > rules.MAX_SUPERVISION_MONTHS:
            problems.append(
                (
                    "advice_months",
                    _(
                        "A supervision lasts at most 3 years, 36 months (UU 1/2023 Art. 76(1)): %(period)s "
                        "months and %(n)s more would make %(total)s."
                    )
                    % {"period": period_months, "n": months, "total": period_months + months},
                )
            )
    elif advice == "shorten":
        if unexcused_any:
            problems.append(
                (
                    "advice",
                    _(
                        "Shortening is proposed after good behaviour (UU 1/2023 Art. 76(6)); %(n)s violations "
                        "without a valid reason are recorded."
                    )
                    % {"n": unexcused_any},
                )
            )
        if months >= period_months - months_served:
            problems.append(
                (
                    "advice_months",
                    _("The supervision can be shortened by less than the %(left)s months still to run.")
                    % {"left": max(0, period_months - months_served)},
                )
            )
    else:
        problems.append(("advice", _("Choose to extend or to shorten.")))
    return problems
