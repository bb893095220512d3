"""Guidance pages: the caseload, recording a session on a phone, the section and office roll-ups."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.audit.models import AccessLog
from aksalarasa.audit.services import access_record, access_record_many
from aksalarasa.clients.masking import client_label
from aksalarasa.clients.models import Client
from aksalarasa.core.concurrency import StaleVersion
from aksalarasa.core.forms import apply_errors
from aksalarasa.core.history import history_for
from aksalarasa.core.lookups import rate_limited
from aksalarasa.guidance import exporting, group_selectors, reminders, selectors, services
from aksalarasa.guidance.forms import (
    CaseloadFilterForm,
    ConcernResolveForm,
    GroupCreateForm,
    GroupRowForm,
    ReportInScheduleForm,
    SessionRecordForm,
    SessionRescheduleForm,
    SessionScheduleForm,
)
from aksalarasa.guidance.models import GuidanceSession, Kind, Place


def _row_labels() -> dict[str, str]:
    """The caseload row's fixed words, translated once per page instead of once per row."""
    return {
        "flags": _("Flags"),
        "attendance": _("Attendance"),
        "engagement": _("Engagement"),
        "last_contact": _("Last contact"),
        "next_appointment": _("Next appointment"),
        "no_flags": _("No flags"),
        "record": _("Record"),
    }


def _require_write(request: AuthedRequest, client: Client) -> None:
    # Outsiders never reach this (the access helper answers 404); insiders without a guidance
    # role get 404 too, so the page does not confirm what they cannot use.
    if not services.session_can_write(user=request.user, client=client):
        raise Http404


# --- caseload -------------------------------------------------------------------------------------


def _caseload_url(request: HttpRequest) -> str:
    """The caseload a record page was opened from (a head reads an officer's by `officer`)."""
    officer_id = _int(request.GET.get("officer"))
    url = reverse("guidance:caseload")
    return f"{url}?officer={officer_id}" if officer_id else url


@login_required
def caseload(request: AuthedRequest) -> HttpResponse:
    officer = selectors.officer_for_caseload(viewer=request.user, officer_id=_int(request.GET.get("officer")))
    if officer == request.user and not (request.user.role_officer or request.user.is_superuser):
        raise Http404
    filters = CaseloadFilterForm(request.GET or None)
    sort, flag = filters.values()
    rows = selectors.caseload_for_officer(viewer=request.user, officer=officer, sort=sort, flag=flag)
    context = {
        "officer": officer,
        "own": officer == request.user,
        "rows": rows,
        "filters": filters,
        "flagged": sum(1 for r in rows if r.flags),
        "query": request.GET.urlencode(),
        "labels": _row_labels(),
    }
    return render(request, "guidance/caseload.html", context)


@login_required
def caseload_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    if fmt not in exporting.EXPORTERS:
        raise Http404
    officer = selectors.officer_for_caseload(viewer=request.user, officer_id=_int(request.GET.get("officer")))
    sort, flag = CaseloadFilterForm(request.GET or None).values()
    rows = selectors.caseload_for_officer(viewer=request.user, officer=officer, sort=sort, flag=flag)
    data, content_type = exporting.caseload_export(rows=rows, fmt=fmt)
    access_record_many(
        user=request.user,
        objs=[Client(pk=r.client_id, office_id=r.office_id) for r in rows],
        office_of=lambda c: c.office_id,
        action=AccessLog.Action.EXPORT,
        request=request,
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="caseload.{fmt}"'
    return response


# --- recording ------------------------------------------------------------------------------------


def _record_form(
    session: GuidanceSession | None,
    client: Client,
    data=None,
    appointments: list[GuidanceSession] | None = None,
) -> SessionRecordForm:
    initial = {
        "kind": session.kind if session else Kind.REPORT_IN,
        "place": session.place if session else Place.OFFICE,
        "version": session.version if session else 0,
    }
    if session is not None and session.is_recorded:
        for name in ("outcome", "not_held_reason", "engagement", "client_said", "response", "concern"):
            initial[name] = getattr(session, name)
        initial.update(concern_text=session.concern_text, notes=session.notes)
    return SessionRecordForm(
        data,
        initial=initial,
        session_at=session.scheduled_at if session else None,
        appointments=appointments or [],
        auto_id=f"id_c{client.pk}_%s",
    )


def _record(request: AuthedRequest, client: Client, session: GuidanceSession | None) -> HttpResponse:
    _require_write(request, client)
    # No appointment due today, but some set for later: the form offers to record against one.
    appointments = (
        []
        if session is not None
        else list(selectors.sessions_upcoming(viewer=request.user, client=client)[:3])
    )
    form = _record_form(session, client, request.POST if request.method == "POST" else None, appointments)
    saved = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        target, expected = session, data.get("version") if session is not None else None
        chosen = data.pop("appointment", None)
        if target is None and chosen:
            target = next(a for a in appointments if a.pk == chosen)
            data["scheduled_at"] = data.get("scheduled_at") or timezone.now()
            expected = target.version
        try:
            saved, next_session = services.session_record(
                client=client,
                actor=request.user,
                data=data,
                session=target,
                expected_version=expected,
            )
        except StaleVersion as exc:
            form.add_error(None, exc.message)
        else:
            note = _("Saved.")
            if next_session is not None:
                note = _("Saved. Next appointment set.")
            if not request.htmx:
                messages.success(request, note)
                if request.GET.get("next") == "caseload":
                    return redirect(_caseload_url(request))
                return redirect("guidance:client_sessions", client_pk=client.pk)
            row = selectors.caseload_row(viewer=request.user, client=client)
            return render(
                request, "guidance/_caseload_client.html", {"row": row, "note": note, "labels": _row_labels()}
            )
    context: dict[str, Any] = {
        "client": client,
        "session": session,
        "form": form,
        "name": client_label(client, request.user),
        "caseload_url": _caseload_url(request),
    }
    if request.htmx:
        if request.method == "POST":
            # Errors: the whole client block again, with the form (and its errors) open.
            row = selectors.caseload_row(viewer=request.user, client=client)
            return render(
                request, "guidance/_caseload_client.html", {"row": row, "labels": _row_labels(), **context}
            )
        return render(request, "guidance/_record_form.html", context)
    return render(request, "guidance/record.html", context, status=422 if request.method == "POST" else 200)


@login_required
def client_record(request: AuthedRequest, client_pk: int) -> HttpResponse:
    """Record the client's due appointment (or a new session now) in one screen."""
    client = selectors.client_get_for_viewer(viewer=request.user, pk=client_pk)
    pending = selectors.session_pending_for_client(viewer=request.user, client=client)
    return _record(request, client, pending)


@login_required
def session_record(request: AuthedRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_viewer(viewer=request.user, pk=pk)
    return _record(request, session.client, session)


# --- client timeline ------------------------------------------------------------------------------


@login_required
def client_sessions(request: AuthedRequest, client_pk: int) -> HttpResponse:
    client = selectors.client_get_for_viewer(viewer=request.user, pk=client_pk)
    can_write = services.session_can_write(user=request.user, client=client)
    form = SessionScheduleForm(request.POST or None, auto_id="id_new_%s")
    if request.method == "POST":
        _require_write(request, client)
        if form.is_valid():
            services.session_schedule(client=client, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Appointment scheduled."))
            return redirect("guidance:client_sessions", client_pk=client.pk)
    access_record(
        user=request.user,
        obj=client,
        office_id=client.office_id,
        label=client.register_number,
        request=request,
    )
    upcoming = list(selectors.sessions_upcoming(viewer=request.user, client=client))
    for session in upcoming:
        cast(Any, session).whatsapp = reminders.whatsapp_link(session)  # read by the template
    context = {
        "client": client,
        "name": client_label(client, request.user),
        "sessions": selectors.session_list(viewer=request.user, client=client)[:100],
        "upcoming": upcoming,
        "row": selectors.caseload_row(viewer=request.user, client=client),
        "schedule": selectors.schedule_for_client(client=client),
        "form": form,
        "can_write": can_write,
    }
    return render(request, "guidance/client_sessions.html", context, status=422 if form.errors else 200)


@login_required
def schedule_edit(request: AuthedRequest, client_pk: int) -> HttpResponse:
    """The recurring report-in (wajib lapor): save it and create the next appointments."""
    client = selectors.client_get_for_viewer(viewer=request.user, pk=client_pk)
    _require_write(request, client)
    schedule = selectors.schedule_for_client(client=client)
    form = ReportInScheduleForm(request.POST or None, instance=schedule)
    if request.method == "POST" and form.is_valid():
        schedule = services.schedule_save(
            client=client, actor=request.user, data=form.cleaned_data, schedule=schedule
        )
        created = services.schedule_generate(schedule=schedule, actor=request.user)
        messages.success(request, _("Schedule saved; %(n)d new appointments created.") % {"n": len(created)})
        return redirect("guidance:client_sessions", client_pk=client.pk)
    context = {"client": client, "name": client_label(client, request.user), "form": form}
    return render(request, "guidance/schedule_form.html", context, status=422 if form.errors else 200)


# --- one session ----------------------------------------------------------------------------------


@login_required
def session_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_viewer(viewer=request.user, pk=pk)
    client = session.client
    access_record(
        user=request.user,
        obj=client,
        office_id=client.office_id,
        label=client.register_number,
        request=request,
    )
    context = {
        "session": session,
        "client": client,
        "name": client_label(client, request.user),
        "history": history_for(session),
        "can_write": services.session_can_write(user=request.user, client=client),
        "can_resolve": services.concern_can_resolve(user=request.user, session=session),
        "reschedule_form": SessionRescheduleForm(initial={"version": session.version}),
        "resolve_form": ConcernResolveForm(initial={"version": session.version}),
        "whatsapp": reminders.whatsapp_link(session) if not session.is_recorded else "",
    }
    return render(request, "guidance/session_detail.html", context)


@login_required
@require_POST
def session_reschedule(request: AuthedRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_viewer(viewer=request.user, pk=pk)
    _require_write(request, session.client)
    form = SessionRescheduleForm(request.POST)
    if session.is_recorded:
        form.add_error(None, _("This session is already recorded; schedule a new appointment instead."))
    if form.is_valid():
        try:
            new = services.session_reschedule(
                session=session,
                actor=request.user,
                new_at=form.cleaned_data["new_at"],
                expected_version=form.cleaned_data.get("version") or 0,
                notes=form.cleaned_data.get("notes", ""),
            )
        except StaleVersion as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Appointment moved; the old one is kept as rescheduled."))
            return redirect("guidance:session_detail", pk=new.pk)
    return _detail_with_errors(request, session, reschedule_form=form)


@login_required
@require_POST
def concern_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_viewer(viewer=request.user, pk=pk)
    if not services.concern_can_resolve(user=request.user, session=session) or not session.has_open_concern:
        raise Http404
    form = ConcernResolveForm(request.POST)
    if form.is_valid():
        try:
            services.concern_resolve(
                session=session,
                actor=request.user,
                resolution=form.cleaned_data["resolution"],
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except StaleVersion as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Concern resolved."))
            if request.POST.get("back") == "section":
                return redirect("guidance:section")
            return redirect("guidance:session_detail", pk=session.pk)
    return _detail_with_errors(request, session, resolve_form=form)


def _detail_with_errors(request: AuthedRequest, session: GuidanceSession, **forms) -> HttpResponse:
    context = {
        "session": session,
        "client": session.client,
        "name": client_label(session.client, request.user),
        "history": history_for(session),
        "can_write": services.session_can_write(user=request.user, client=session.client),
        "can_resolve": services.concern_can_resolve(user=request.user, session=session),
        "reschedule_form": SessionRescheduleForm(initial={"version": session.version}),
        "resolve_form": ConcernResolveForm(initial={"version": session.version}),
        **forms,
    }
    return render(request, "guidance/session_detail.html", context, status=422)


@login_required
@rate_limited("guidance:session_ics")
def session_ics(request: AuthedRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_viewer(viewer=request.user, pk=pk)
    body = reminders.session_ics(session, host=request.get_host().split(":")[0] or "aksalarasa")
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="jadwal-{session.pk}.ics"'
    return response


# --- group sessions -------------------------------------------------------------------------------


def _require_group_staff(request: AuthedRequest) -> None:
    user = request.user
    if not (user.is_superuser or services.group_can_create(user=user)):
        raise Http404


@login_required
def group_list(request: AuthedRequest) -> HttpResponse:
    _require_group_staff(request)
    page = Paginator(group_selectors.group_list(viewer=request.user), 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "can_create": services.group_can_create(user=request.user),
        "nav_current": "guidance_groups",
    }
    return render(request, "guidance/group_list.html", context)


@login_required
def group_create(request: AuthedRequest) -> HttpResponse:
    if not services.group_can_create(user=request.user):
        raise Http404
    clients = group_selectors.group_client_choices(viewer=request.user)
    form = GroupCreateForm(request.POST or None, clients=clients, auto_id="id_group_%s")
    if request.method != "POST" and request.GET.get("client", "").isdigit():
        form.initial["participants"] = [int(request.GET["client"])]
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Group session created with %(n)d participants.")
                % {"n": len(form.cleaned_data["participants"])},
            )
            return redirect("guidance:group_detail", pk=group.pk)
    context = {"form": form, "nav_current": "guidance_groups"}
    return render(request, "guidance/group_form.html", context, status=422 if form.errors else 200)


def _group_rows(request: AuthedRequest, participants, data=None) -> list[tuple]:
    """(participant, form) for each participant the viewer may record; others have no form."""
    rows = []
    for participant in participants:
        form = None
        if participant.visible and services.session_can_write(user=request.user, client=participant.client):
            session = participant.session
            initial = {"version": session.version}
            if session.is_recorded:
                for name in (
                    "outcome",
                    "not_held_reason",
                    "engagement",
                    "client_said",
                    "response",
                    "concern",
                ):
                    initial[name] = getattr(session, name)
                initial.update(concern_text=session.concern_text, notes=session.notes)
            form = GroupRowForm(
                data,
                initial=initial,
                session_at=session.scheduled_at,
                prefix=f"s{session.pk}",
                auto_id="id_%s",
            )
        rows.append((participant, form))
    return rows


@login_required
def group_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The group: its participants and, on one phone-sized screen, every participant's outcome."""
    group = group_selectors.group_get_for_viewer(viewer=request.user, pk=pk)
    participants = group_selectors.group_participants(viewer=request.user, group=group)
    can_record = services.group_can_record(user=request.user, group=group)
    posted = request.method == "POST"
    if posted and not can_record:
        raise Http404
    rows = (
        _group_rows(request, participants, request.POST if posted else None)
        if can_record
        else [(p, None) for p in participants]
    )
    forms = [form for _p, form in rows if form is not None]
    error = ""
    if posted:
        if not forms:
            error = _("There is no participant you may record.")
        elif all(form.is_valid() for form in forms):
            data_rows = [(p.session, dict(form.cleaned_data)) for p, form in rows if form is not None]
            try:
                services.group_record(group=group, actor=request.user, rows=data_rows)
            except StaleVersion as exc:
                error = str(exc.message)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, _("Saved for %(n)d participants.") % {"n": len(data_rows)})
                return redirect("guidance:group_detail", pk=group.pk)
        else:
            error = _("Nothing was saved: correct the marked rows.")
    access_record_many(
        user=request.user,
        objs=[p.client for p in participants if p.visible],
        office_of=lambda c: c.office_id,
        action=AccessLog.Action.VIEW,
        request=request,
    )
    context = {
        "group": group,
        "rows": rows,
        "can_record": can_record and bool(forms),
        "hidden_count": sum(1 for p in participants if not p.visible),
        "error": error,
        "nav_current": "guidance_groups",
    }
    return render(request, "guidance/group_detail.html", context, status=422 if posted else 200)


# --- section and office ---------------------------------------------------------------------------


@login_required
def section(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not (user.role_section_head and user.section and user.office_id):
        raise Http404
    filters = CaseloadFilterForm(request.GET or None)
    _sort, flag = filters.values()
    data = selectors.rollup(
        viewer=user, section=user.section, flag=flag, page=_int(request.GET.get("page")) or 1
    )
    context = {
        "rollup": data,
        "filters": filters,
        **_concerns_context(request, selectors.concerns_open(viewer=user, section=user.section)),
        "section_label": user.get_section_display(),
        "flagged_rows": data.flagged_rows,
        "page_query": _page_query(request),
        "resolve_form": ConcernResolveForm(),
        "reassign_url": _reassign_url_name(),
    }
    return render(request, "guidance/section.html", context)


@login_required
def office(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not (user.role_office_head and user.office_id):
        raise Http404
    filters = CaseloadFilterForm(request.GET or None)
    _sort, flag = filters.values()
    data = selectors.rollup(viewer=user, flag=flag, page=_int(request.GET.get("page")) or 1)
    sections = {"adult": _("Adult clients (BKD)"), "child": _("Child clients (BKA)")}
    context = {
        "rollup": data,
        "filters": filters,
        "sections": [(sections.get(k, k), v) for k, v in sorted(data.by_section.items())],
        **_concerns_context(request, selectors.concerns_open(viewer=user)),
        "reassign_url": _reassign_url_name(),
        "flagged_rows": data.flagged_rows,
        "page_query": _page_query(request),
    }
    return render(request, "guidance/office.html", context)


def _reassign_url_name() -> str:
    try:
        reverse("clients:reassign", args=[1])
    except Exception:
        return ""
    return "clients:reassign"


def _page_query(request: AuthedRequest, param: str = "page") -> str:
    """The current filters as a query string without `param`, for a pager's links."""
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()


# Open concerns shown at a time on the section and office views, newest first: each comes with its
# resolve form, and 50 of them were half the page's weight and rendering time.
CONCERNS_PAGE_SIZE = 10


def _concerns_context(request: AuthedRequest, concerns) -> dict:
    page = Paginator(concerns, CONCERNS_PAGE_SIZE).get_page(_int(request.GET.get("concerns")) or 1)
    return {
        "concerns": page.object_list,
        "concerns_page": page,
        "concerns_query": _page_query(request, "concerns"),
    }


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None
