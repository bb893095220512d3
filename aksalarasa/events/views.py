"""Thin views: access check, form, one service call, response."""

from __future__ import annotations

import json
import zoneinfo
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.audit.services import access_record_many
from aksalarasa.clients.masking import client_label
from aksalarasa.core.concurrency import StaleVersion
from aksalarasa.core.forms import apply_errors, form_errors
from aksalarasa.core.history import history_for
from aksalarasa.core.lookups import rate_limited
from aksalarasa.core.scoping import unscoped
from aksalarasa.events import selectors, services
from aksalarasa.events.forms import (
    ORDERED_PARTS,
    PART_FORMS,
    CheckInForm,
    ClientRegistrationForm,
    EventForm,
    InteractionForm,
    InvitationAcceptForm,
    InvitationAcceptManyForm,
    InvitationDeclineForm,
    InvitationRequestForm,
    PublicRegistrationForm,
    StaffRegistrationForm,
    TeamFormForm,
    form_token_new,
    part_form,
)
from aksalarasa.events.models import CheckIn, Event, Group, Registration
from aksalarasa.events.qr import qr_svg
from aksalarasa.offices.selectors import region_children, work_area_codes
from aksalarasa.programs.models import Program


def _label(reg: Registration, viewer) -> str:
    if reg.client_id and reg.client is not None:
        return client_label(reg.client, viewer)
    return reg.name or reg.code


def _log_client_reads(request: AuthedRequest, regs: list[Registration]) -> None:
    """Showing a participant list that names clients is a read of their records: log it."""
    clients = [r.client for r in regs if r.client is not None]
    if clients:
        access_record_many(
            user=request.user, objs=clients, office_of=lambda c: c.office_id, action="view", request=request
        )


def _group_rows(counts: dict[str, dict[str, int]]) -> list[dict]:
    rows = []
    for group in Group:
        c = counts.get(group.value, {})
        rows.append(
            {"label": group.label, "registered": c.get("registered", 0), "checked_in": c.get("checked_in", 0)}
        )
    return rows


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


# --- staff pages -----------------------------------------------------------------------------------


@login_required
def event_list(request: AuthedRequest) -> HttpResponse:
    program = request.GET.get("program", "")
    program_id = int(program) if program.isdigit() else None
    events = list(selectors.event_list(viewer=request.user, program_id=program_id))
    programs = selectors.programs_for_new_event(viewer=request.user)
    if program_id is not None:
        programs = [p for p in programs if p.pk == program_id]
    context = {"events": events, "nav_current": "events", "program_id": program_id, "programs": programs}
    return render(request, "events/event_list.html", context)


@login_required
def event_create(request: AuthedRequest, program_id: int) -> HttpResponse:

    program = Program.objects.visible_to(request.user).filter(pk=program_id).first()
    if program is None:
        raise Http404
    if not selectors.program_can_add_event(request.user, program):
        raise PermissionDenied(_("You may read this program but not add events to it."))
    form = EventForm(
        request.POST or None,
        office_zone=program.office.time_zone,
        near=work_area_codes(office_id=program.office_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(program=program, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Event saved. Add its checklist, roles and agenda."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "program": program, "event": None})


@login_required
def event_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for_editor(viewer=request.user, pk=pk)
    form = EventForm(
        request.POST or None,
        instance=event,
        office_zone=event.office.time_zone,
        near=work_area_codes(office_id=event.office_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = int(request.POST.get("version", "0"))
            services.event_update(
                event=event, actor=request.user, data=form.cleaned_data, expected_version=version
            )
        except (StaleVersion, ValueError):
            form.add_error(None, StaleVersion.message)
        else:
            messages.success(request, _("Event saved."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "program": event.program, "event": event})


@login_required
def event_detail(
    request: AuthedRequest,
    pk: int,
    part_forms_override: dict | None = None,
    invitation_form: InvitationRequestForm | None = None,
) -> HttpResponse:
    """The event page. `?edit=agenda:12` opens that row as an edit form (the no-JavaScript path of
    the in-place editing); a refused add or edit without htmx comes back here with its form."""
    event = selectors.event_get_for_viewer(viewer=request.user, pk=pk)
    can_edit = selectors.event_can_edit(request.user, event)
    parts = {}
    override = part_forms_override or {}
    part_edit, _sep, row_edit = request.GET.get("edit", "").partition(":")
    for part in PART_FORMS:
        forms = dict(override.get(part, {}))
        if can_edit and part == part_edit and row_edit.isdigit() and "edit_form" not in forms:
            row = selectors.event_part_row(event, part, int(row_edit))
            if row is not None:
                forms["edit_form"] = part_form(part, instance=row, editing=True)
        parts[part] = _part_context(event, part, can_edit=can_edit, **forms)
    context = {
        "event": event,
        "can_edit": can_edit,
        "group_rows": _group_rows(selectors.registration_counts(event)),
        "nav_current": "events",
        "parts": [parts[p] for p in PART_FORMS],
        "history": history_for(event, limit=10) if can_edit else [],
        "public_url": request.build_absolute_uri(reverse("events:public", args=[event.pk])),
        "invitations": selectors.invitation_rows(event=event, viewer=request.user),
        "invitation_form": invitation_form or (_invitation_form(request, event) if can_edit else None),
    }
    status = 422 if invitation_form is not None and invitation_form.errors else 200
    return render(request, "events/event_detail.html", context, status=status)


# --- invitations: the team asks, the PK decides ---------------------------------------------------


def _invitation_form(request: AuthedRequest, event: Event, data=None) -> InvitationRequestForm:
    return InvitationRequestForm(
        data,
        client_choices=selectors.invitation_client_choices(event=event, viewer=request.user),
        officer_choices=selectors.invitation_officer_choices(event=event),
    )


@login_required
@require_POST
def invitation_request(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for_editor(viewer=request.user, pk=pk)
    form = _invitation_form(request, event, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        client = (
            selectors.invitable_clients(request.user).filter(pk=data["client"]).first()
            if data["client"]
            else None
        )
        officer = selectors.invitation_officer(event=event, pk=data["officer"]) if data["officer"] else None
        try:
            services.invitation_request(
                event=event,
                actor=request.user,
                client=client,
                officer=officer,
                section=data["section"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Asked. The PK decides and the answer shows here."))
            return redirect(f"{reverse('events:detail', args=[event.pk])}#invitations-h")
    return event_detail(request, event.pk, invitation_form=form)


@login_required
def invitation_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    """The PK's page for one request: accept (which client, who consented and when) or decline."""
    invitation = selectors.invitation_get_for_officer(viewer=request.user, pk=pk)
    event = invitation.event
    zone = event.office.time_zone
    if invitation.client_id:  # the team named the client: accept for that one
        accept_form: InvitationAcceptForm | InvitationAcceptManyForm = InvitationAcceptForm(
            initial={"version": invitation.version}, zone=zone
        )
        own, choices = None, []
    else:  # the team asked this PK or their section: the PK picks one or several own clients
        own = selectors.invitation_own_clients(request.user, event)
        choices = [(c.pk, f"{c.full_name} ({c.register_number})") for c in own]
        accept_form = InvitationAcceptManyForm(
            initial={"version": invitation.version}, client_choices=choices, zone=zone
        )
    decline_form = InvitationDeclineForm(initial={"version": invitation.version})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept" and own is None:
                accept_form = InvitationAcceptForm(request.POST, zone=zone)
                if accept_form.is_valid():
                    data = accept_form.cleaned_data
                    registration = services.invitation_accept(
                        invitation=invitation,
                        actor=request.user,
                        consent_given_by=data["consent_given_by"],
                        consent_at=data["consent_at"],
                        expected_version=data["version"],
                    )
                    messages.success(
                        request, _("Accepted: registered with code %(code)s.") % {"code": registration.code}
                    )
                    return redirect("core:home")
            elif action == "accept" and own is not None:
                accept_form = InvitationAcceptManyForm(request.POST, client_choices=choices, zone=zone)
                if accept_form.is_valid():
                    data = accept_form.cleaned_data
                    clients = own.in_bulk([pk for pk, _by, _at in data["chosen"]])
                    if len(clients) != len(data["chosen"]):  # changed since the page was shown
                        raise ValidationError({"clients": [_("Choose one of your own clients.")]})
                    registrations = services.invitation_accept_many(
                        invitation=invitation,
                        actor=request.user,
                        choices=[
                            services.ClientConsent(clients[pk], by, at) for pk, by, at in data["chosen"]
                        ],
                        expected_version=data["version"],
                    )
                    messages.success(
                        request,
                        ngettext(
                            "Accepted: %(n)s client registered (%(codes)s).",
                            "Accepted: %(n)s clients registered (%(codes)s).",
                            len(registrations),
                        )
                        % {"n": len(registrations), "codes": ", ".join(r.code for r in registrations)},
                    )
                    return redirect("core:home")
            elif action == "decline":
                decline_form = InvitationDeclineForm(request.POST)
                if decline_form.is_valid():
                    services.invitation_decline(
                        invitation=invitation,
                        actor=request.user,
                        reason=decline_form.cleaned_data["decline_reason"],
                        expected_version=decline_form.cleaned_data["version"],
                    )
                    messages.success(request, _("Declined. The program team sees your reason."))
                    return redirect("core:home")
        except StaleVersion as exc:
            (accept_form if action == "accept" else decline_form).add_error(None, exc.message)
        except ValidationError as exc:
            apply_errors(accept_form if action == "accept" else decline_form, exc)
        status = 422
    context = {
        "invitation": invitation,
        "event": event,
        "label": selectors.invitation_label(invitation, request.user),
        "accept_form": accept_form,
        "decline_form": decline_form,
    }
    return render(request, "events/invitation_decide.html", context, status=status)


@login_required
@require_POST
def event_flags(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for_editor(viewer=request.user, pk=pk)
    flag = request.POST.get("flag", "")
    value = request.POST.get("value") == "1"
    if flag not in {"published", "done", "registration_open"}:
        raise Http404
    try:
        services.event_set_flags(
            event=event,
            actor=request.user,
            expected_version=int(request.POST.get("version", "0")),
            **{flag: value},
        )
    except (StaleVersion, ValueError):
        messages.error(request, StaleVersion.message)
    else:
        messages.success(request, _("Event updated."))
    return redirect("events:detail", pk=event.pk)


# --- the parts of an event page (checklist, roles, agenda, handed items), edited in place ----------

PART_TITLES = {
    "checklist": gettext_lazy("Preparation checklist"),
    "roles": gettext_lazy("Roles"),
    "agenda": gettext_lazy("Agenda"),
    "handed": gettext_lazy("Items handed over"),
}


def _part_context(event: Event, part: str, *, can_edit: bool = True, edit_form=None, add_form=None) -> dict:
    """What one part's section shows: its rows and, for editors, at most one of them as an edit
    form and the add form."""
    rows = selectors.event_part_rows(event, part)
    return {
        "event": event,
        "part": part,
        "part_title": PART_TITLES[part],
        "rows": rows,
        "can_edit": can_edit,
        "ordered": part in ORDERED_PARTS,
        "edit_form": edit_form,
        "editing": edit_form.instance.pk if edit_form is not None else None,
        "add_form": (add_form or part_form(part)) if can_edit else None,
        "out_of_order": selectors.agenda_out_of_order(rows) if part == "agenda" else set(),
    }


def _part_answer(request: AuthedRequest, event: Event, part: str, **forms) -> HttpResponse:
    """After a change (or a refused one): the part's section for htmx, else the whole event page.

    A refused change re-renders with its form and errors (htmx swaps 2xx answers only); a saved one
    without htmx redirects to the part on the event page.
    """
    has_errors = any(f is not None and f.errors for f in forms.values())
    if request.htmx:
        return render(request, "events/_part.html", _part_context(event, part, **forms))
    if has_errors:
        return event_detail(request, event.pk, part_forms_override={part: forms})
    return redirect(f"{reverse('events:detail', args=[event.pk])}#{part}")


@login_required
def event_part(request: AuthedRequest, pk: int, part: str) -> HttpResponse:
    """One part's section (htmx), with `?edit=<row>` showing that row as an edit form."""
    event = selectors.event_get_for_editor(viewer=request.user, pk=pk)
    selectors.event_part_model(part)
    edit_form = None
    edit = request.GET.get("edit", "")
    if edit.isdigit():
        row = selectors.event_part_row(event, part, int(edit))
        if row is not None:
            edit_form = part_form(part, instance=row, editing=True)
    if not request.htmx:
        query = f"?edit={part}:{edit}" if edit_form is not None else ""
        return redirect(f"{reverse('events:detail', args=[event.pk])}{query}#{part}")
    return render(request, "events/_part.html", _part_context(event, part, edit_form=edit_form))


@login_required
@require_POST
def event_part_add(request: AuthedRequest, pk: int, part: str) -> HttpResponse:
    event = selectors.event_get_for_editor(viewer=request.user, pk=pk)
    selectors.event_part_model(part)
    form = part_form(part, data=request.POST)
    if not form.is_valid():
        return _part_answer(request, event, part, add_form=form)
    services.event_part_add(event=event, form=form, actor=request.user)
    messages.success(request, _("Added."))
    return _part_answer(request, event, part)


@login_required
@require_POST
def event_part_update(request: AuthedRequest, pk: int, part: str, item: int) -> HttpResponse:
    """Save one row edited in place; a stale version or a removed row is refused with a message."""
    event = selectors.event_get_for_editor(viewer=request.user, pk=pk)
    model = selectors.event_part_model(part)
    row = selectors.event_part_row(event, part, item)
    if row is None:
        messages.error(request, str(services.PartGone().messages[0]))
        return _part_answer(request, event, part)
    form = part_form(part, data=request.POST, instance=row, editing=True)
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields if name != "version"}
        try:
            services.event_part_update(
                event=event,
                model=model,
                pk=item,
                actor=request.user,
                data=data,
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return _part_answer(request, event, part)
    return _part_answer(request, event, part, edit_form=form)


@login_required
@require_POST
def event_part_delete(request: AuthedRequest, pk: int, part: str, item: int) -> HttpResponse:
    event = selectors.event_get_for_editor(viewer=request.user, pk=pk)
    version = request.POST.get("version", "")
    try:
        services.event_part_delete(
            event=event,
            model=selectors.event_part_model(part),
            pk=item,
            actor=request.user,
            expected_version=int(version) if version.isdigit() else None,
        )
    except StaleVersion as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Removed."))
    return _part_answer(request, event, part)


@login_required
@require_POST
def event_part_move(request: AuthedRequest, pk: int, part: str, item: int) -> HttpResponse:
    event = selectors.event_get_for_editor(viewer=request.user, pk=pk)
    if part not in ORDERED_PARTS:
        raise Http404
    try:
        services.event_part_move(
            event=event,
            model=selectors.event_part_model(part),
            pk=item,
            direction=request.POST.get("direction", ""),
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _part_answer(request, event, part)


@login_required
@require_POST
def checklist_toggle(request: AuthedRequest, pk: int, item: int) -> HttpResponse:
    """Mark a checklist item done (done=1) or open (done=0); without `done`, flip it."""
    event = selectors.event_get_for_editor(viewer=request.user, pk=pk)
    version = request.POST.get("version", "")
    done = request.POST.get("done")
    try:
        services.checklist_set_done(
            event=event,
            pk=item,
            done=(done == "1") if done in {"0", "1"} else None,
            actor=request.user,
            expected_version=int(version) if version.isdigit() else None,
        )
    except StaleVersion as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _part_answer(request, event, "checklist")


# --- registrations -----------------------------------------------------------------------------


_officer_clients = selectors.officer_clients


@login_required
def registration_list(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for_editor(viewer=request.user, pk=pk)
    staff_form = StaffRegistrationForm(prefix="staff")
    client_form = ClientRegistrationForm(prefix="client", clients=_officer_clients(request.user, event))
    if request.method == "POST":
        kind = request.POST.get("kind")
        try:
            if kind == "client":
                client_form = ClientRegistrationForm(
                    request.POST, prefix="client", clients=_officer_clients(request.user, event)
                )
                if client_form.is_valid():
                    reg = services.registration_client_create(
                        event=event, client=client_form.cleaned_data["client"], actor=request.user
                    )
                    messages.success(request, _("Client registered with code %(code)s.") % {"code": reg.code})
                    return redirect("events:registrations", pk=event.pk)
            elif kind == "staff":
                staff_form = StaffRegistrationForm(request.POST, prefix="staff")
                if staff_form.is_valid():
                    reg = services.registration_staff_create(
                        event=event, actor=request.user, **staff_form.cleaned_data
                    )
                    messages.success(request, _("Registered with code %(code)s.") % {"code": reg.code})
                    return redirect("events:registrations", pk=event.pk)
        except ValidationError as exc:
            apply_errors(client_form if kind == "client" else staff_form, exc)
    regs = selectors.registration_list(event=event)
    _log_client_reads(request, regs)
    rows = [{"reg": r, "label": _label(r, request.user), "checked_in": hasattr(r, "checkin")} for r in regs]
    context = {
        "event": event,
        "rows": rows,
        "staff_form": staff_form,
        "client_form": client_form,
        "is_officer": request.user.role_officer,
        "group_rows": _group_rows(selectors.registration_counts(event)),
        "nav_current": "events",
    }
    return render(request, "events/registration_list.html", context)


@login_required
@rate_limited("events:registration_qr")
def registration_qr(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    event = selectors.event_get_for_editor(viewer=request.user, pk=pk)
    if not Registration.objects.filter(event=event, code=code).exists():
        raise Http404
    return HttpResponse(qr_svg(code), content_type="image/svg+xml")


# --- check-in -------------------------------------------------------------------------------------


def _checkin_payload(request: AuthedRequest) -> dict:
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            body = {}
        return body if isinstance(body, dict) else {}
    return request.POST


@login_required
@rate_limited("events:checkin")
def checkin(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for_editor(viewer=request.user, pk=pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    result = None
    form = CheckInForm()
    if request.method == "POST":
        form = CheckInForm(_checkin_payload(request))
        if form.is_valid():
            try:
                outcome = services.event_check_in(
                    event=event,
                    code=form.cleaned_data["code"],
                    actor=request.user,
                    client_uuid=form.cleaned_data.get("client_uuid"),
                    source=form.cleaned_data.get("source") or CheckIn.Source.TYPED,
                )
            except services.CheckInError as exc:
                if wants_json:
                    return JsonResponse({"ok": False, "detail": str(exc)}, status=404)
                form.add_error("code", str(exc))
            else:
                label = _label(outcome.registration, request.user)
                result = {
                    "ok": True,
                    "created": outcome.created,
                    "code": outcome.registration.code,
                    "name": label,
                    "group": str(Group(outcome.registration.group).label),
                    "message": (
                        _("%(name)s checked in.")
                        if outcome.created
                        else _("%(name)s was already checked in.")
                    )
                    % {"name": label},
                }
                if wants_json:
                    n = selectors.checkin_count(event)
                    result["checked_in"] = n
                    result["checked_in_text"] = _("%(n)s of %(total)s checked in") % {
                        "n": n,
                        "total": event.registrations.count(),
                    }
                    return JsonResponse(result)
                form = CheckInForm()
        elif wants_json:
            errors = form_errors(form).message_dict
            return JsonResponse({"ok": False, "detail": _("Invalid input."), "errors": errors}, status=422)
    context = {
        "event": event,
        "form": form,
        "result": result,
        "checked_in": selectors.checkin_count(event),
        "registered": event.registrations.count(),
        "nav_current": "events",
    }
    return render(request, "events/checkin.html", context)


# --- teams and interactions -----------------------------------------------------------------------


_PROBLEMS = {
    "child-adult-without-staff": _("child and adult clients without staff"),
}


@login_required
def teams(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for_editor(viewer=request.user, pk=pk)
    form = TeamFormForm(request.POST or None, prefix="form")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "form" and form.is_valid():
            try:
                services.teams_form(
                    event=event, actor=request.user, team_count=form.cleaned_data["team_count"]
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Teams formed."))
                return redirect("events:teams", pk=event.pk)
        elif action == "move":
            regs = selectors.checked_in_registrations(event)
            names = {r.pk: _label(r, request.user) for r in regs}
            try:
                services.team_member_move(
                    event=event,
                    registration_id=int(request.POST.get("registration", "0")),
                    team_id=int(request.POST.get("team", "0")),
                    actor=request.user,
                    names=names,
                )
            except (ValidationError, ValueError) as exc:
                text = " ".join(exc.messages) if isinstance(exc, ValidationError) else _("Invalid input.")
                messages.error(request, _("Not moved: %(reason)s") % {"reason": text})
            else:
                messages.success(request, _("Moved."))
            return redirect("events:teams", pk=event.pk)
    team_rows, report, unplaced = services.teams_report(event)
    members = selectors.team_list(event)
    regs = [m.registration for t in members for m in t.members.all()]
    _log_client_reads(request, regs + unplaced)
    rows = []
    for index, team in enumerate(members):
        team_report = report.teams[index] if report else None
        rows.append(
            {
                "team": team,
                "report": team_report,
                "members": [
                    {"reg": m.registration, "label": _label(m.registration, request.user)}
                    for m in team.members.all()
                ],
            }
        )
    context = {
        "event": event,
        "form": form,
        "rows": rows,
        "report": report,
        "unplaced": [{"reg": r, "label": _label(r, request.user)} for r in unplaced],
        "teams_all": team_rows,
        "nav_current": "events",
    }
    return render(request, "events/teams.html", context)


@login_required
def interactions(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for_editor(viewer=request.user, pk=pk)
    regs = selectors.checked_in_registrations(event)
    labels = {r.pk: _label(r, request.user) for r in regs}
    client_choices = [(r.pk, labels[r.pk]) for r in regs if r.group == Group.CLIENT]
    other_choices = [
        (r.pk, f"{labels[r.pk]} · {Group(r.group).label}") for r in regs if r.group != Group.CLIENT
    ]
    form = InteractionForm(request.POST or None, client_choices=client_choices, other_choices=other_choices)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.interactions_record(
                event=event,
                client_id=form.cleaned_data["client"],
                other_ids=form.cleaned_data["others"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(n)s new interaction(s) recorded.") % {"n": created})
            return redirect("events:interactions", pk=event.pk)
    _log_client_reads(request, regs)
    recorded = selectors.interaction_list(event)
    context = {
        "event": event,
        "form": form,
        "recorded": [
            {"a": _label(i.first, request.user), "b": _label(i.second, request.user), "at": i.at}
            for i in recorded
        ],
        "nav_current": "events",
    }
    return render(request, "events/interactions.html", context)


# --- public pages (no account) --------------------------------------------------------------------

_SESSION_KEY = "aks_event_registrations"


def _village_choices(event: Event) -> list[tuple[str, str]]:

    if not event.village_code or len(event.village_code) < 8:
        return []
    return [(v["code"], v["name"]) for v in region_children(event.village_code[:8])]


def _office_zone(event: Event) -> None:
    """Visitors have no office: show times in the event's office zone."""
    timezone.activate(zoneinfo.ZoneInfo(event.office.time_zone))


@unscoped(reason="public page: one published event, read by its id")
def public_event(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_public(pk=pk)
    _office_zone(event)
    form = PublicRegistrationForm(
        request.POST or None,
        event_id=event.pk,
        village_choices=_village_choices(event),
        near=work_area_codes(office_id=event.office_id),
        initial={"form_token": form_token_new(event.pk)},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                reg = services.registration_public_create(
                    event=event, data=form.cleaned_data, ip=_client_ip(request)
                )
            except (services.RegistrationClosed, services.RateLimited) as exc:
                form.add_error(None, str(exc))
                status = 429 if isinstance(exc, services.RateLimited) else 409
            else:
                request.session[_SESSION_KEY] = [*request.session.get(_SESSION_KEY, [])[-9:], reg.pk]
                return redirect("events:public_registered", pk=event.pk, code=reg.code)
        else:
            status = 400
        # A fresh token, so a correction does not have to wait out an expired one.
        data = cast(QueryDict, form.data).copy()  # the POST data
        data["form_token"] = form_token_new(event.pk)
        form.data = data
    context = {"event": event, "form": form, **selectors.event_detail_parts(event)}
    return render(request, "events/public_event.html", context, status=status)


@rate_limited("events:public_registered")
@unscoped(reason="public page: a registration shown to the browser that made it")
def public_registered(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The code and QR, shown only in the browser that registered (kept in its session)."""
    event = selectors.event_get_public(pk=pk)
    _office_zone(event)
    reg = Registration.objects.filter(
        event=event, code=code, pk__in=request.session.get(_SESSION_KEY, [])
    ).first()
    if reg is None:
        raise Http404
    return render(
        request, "events/public_registered.html", {"event": event, "reg": reg, "qr": qr_svg(reg.code)}
    )
