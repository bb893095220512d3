"""Template helpers for guidance: the engagement sparkline (inline SVG drawn on the server) and the
caseload rows.

The caseload page lists up to a few hundred clients. Rendering each row through the template
engine (an include per row, about sixty variable look-ups, a reverse() per link, a date format per
cell) cost most of the page, so the row markup is built here in plain Python, once per row, with
the per-page parts (translated words, URL patterns, the viewer's date formats) computed once per
page. The single-row HTMX answer (`_caseload_client.html`) uses the same function.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aksalarasa.core.templatetags.aks import local_date, local_dt

register = template.Library()

WIDTH, HEIGHT, PAD = 84, 22, 3
BAD_FLAGS = ("open_concern", "unexcused_twice")
_URL_SENTINEL = 987654321987


def _y(value: float) -> float:
    return round(HEIGHT - PAD - (value - 1) * (HEIGHT - 2 * PAD) / 3, 1)


@lru_cache(maxsize=8192)
def _sparkline_cached(values: tuple[int, ...], language: str | None) -> str:
    if not values:
        return '<span class="muted">' + escape(_("no data")) + "</span>"
    label = escape(_("Engagement, oldest to latest: %(values)s") % {"values": ", ".join(map(str, values))})
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    points = " ".join(f"{round(PAD + i * step, 1)},{_y(v)}" for i, v in enumerate(values))
    last_x, last_y = round(PAD + (len(values) - 1) * step, 1), _y(values[-1])
    return (
        f'<svg class="sparkline" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{label}"><title>{label}</title>'
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{_y(2.5)}" y2="{_y(2.5)}" class="spark-mid"/>'
        f'<polyline fill="none" points="{points}"/>'
        f'<circle cx="{last_x}" cy="{last_y}" r="2.5"/></svg>'
    )


def sparkline_svg(values: list[int]) -> SafeString:
    """A small line of engagement levels (1-4), oldest left. Screen readers get the numbers.

    The same levels always give the same SVG, so it is built once per sequence and language."""
    return mark_safe(_sparkline_cached(tuple(int(v) for v in values), get_language()))


@register.simple_tag
def sparkline(values: list[int]) -> SafeString:
    return sparkline_svg(list(values or []))


@register.filter
def flag_class(code: str) -> str:
    return mark_safe("badge-bad" if code in BAD_FLAGS else "badge-warn")


# --- caseload rows --------------------------------------------------------------------------------


class _RowRenderer:
    """What every row of one page shares, computed once: words, URL patterns, formatted dates."""

    def __init__(self) -> None:
        from aksalarasa.guidance.selectors import FLAGS

        self.words = {
            key: escape(str(value))
            for key, value in {
                "flags": _("Flags"),
                "attendance": _("Attendance"),
                "engagement": _("Engagement"),
                "last_contact": _("Last contact"),
                "next_appointment": _("Next appointment"),
                "no_flags": _("No flags"),
                "record": _("Record"),
            }.items()
        }
        self.badges = {
            code: f'<span class="badge {"badge-bad" if code in BAD_FLAGS else "badge-warn"}" '
            f'data-flag="{code}">{escape(str(label))}</span> '
            for code, label in FLAGS.items()
        }
        self.sessions_url = self._pattern("guidance:client_sessions")
        self.record_url = self._pattern("guidance:client_record")
        self.language = get_language()
        self._dates: dict = {}
        self._datetimes: dict = {}

    @staticmethod
    def _pattern(name: str) -> tuple[str, str]:
        before, _sep, after = reverse(name, args=[_URL_SENTINEL]).partition(str(_URL_SENTINEL))
        return escape(before), escape(after)

    def date(self, value) -> str:
        # Many rows share a day; one format per distinct value (the zone is the same for the page).
        text = self._dates.get(value)
        if text is None:
            text = self._dates[value] = escape(local_date(value))
        return text

    def datetime(self, value) -> str:
        text = self._datetimes.get(value)
        if text is None:
            text = self._datetimes[value] = escape(local_dt(value))
        return text

    def row(self, row) -> str:
        """`<tbody …>` and the client's row; the caller adds the slot row and `</tbody>`."""
        pk = row.client_id
        name = escape(row.name)
        w = self.words
        flags = "".join(self.badges[code] for code in row.flags) or (
            f'<span class="badge badge-ok">{w["no_flags"]}</span>'
        )
        percent = row.attendance_percent
        attendance = (
            '<span class="muted">—</span>'
            if percent is None
            else f'<strong>{percent}%</strong><br><span class="muted">{row.attended}/{row.expected}</span>'
        )
        sessions_url = f"{self.sessions_url[0]}{pk}{self.sessions_url[1]}"
        record_url = f"{self.record_url[0]}{pk}{self.record_url[1]}"
        # Back to the caseload it came from: a head reading an officer's caseload returns there.
        back = f"?next=caseload&amp;officer={row.officer_id}" if row.officer_id else "?next=caseload"
        return (
            f'<tbody id="client-{pk}" class="client-block{" flagged" if row.flags else ""}">\n'
            f'<tr class="caseload-row" data-client="{pk}">\n'
            f'  <th scope="row"><a href="{sessions_url}">{name}</a><br>'
            f'<span class="muted">{escape(row.register_number)}</span></th>\n'
            f'  <td class="flags" data-label="{w["flags"]}">{flags}</td>\n'
            f'  <td class="attendance" data-label="{w["attendance"]}">{attendance}</td>\n'
            f'  <td class="trend" data-label="{w["engagement"]}">'
            f"{_sparkline_cached(tuple(row.engagement_trend), self.language)}</td>\n"
            f'  <td data-label="{w["last_contact"]}">{self.date(row.last_contact)}</td>\n'
            f'  <td data-label="{w["next_appointment"]}">{self.datetime(row.next_contact)}</td>\n'
            f'  <td class="row-action"><a class="btn" href="{record_url}{back}" '
            f'hx-get="{record_url}" hx-target="#slot-{pk}" hx-swap="innerHTML">{w["record"]}'
            f'<span class="visually-hidden"> {name}</span></a></td>\n'
            f"</tr>\n"
        )


@register.simple_tag
def caseload_row(row) -> SafeString:
    """One client's block opening and row (the HTMX answer adds its own slot content)."""
    return mark_safe(_RowRenderer().row(row))


@register.simple_tag
def caseload_rows(rows) -> SafeString:
    """Every client's block of the caseload table, each with an empty slot for the record form."""
    renderer = _RowRenderer()
    parts = []
    for row in rows:
        parts.append(renderer.row(row))
        parts.append(f'<tr class="slot-row"><td colspan="7" id="slot-{row.client_id}"></td></tr>\n</tbody>')
    return mark_safe("".join(parts))
