"""Thin views: access check, form, one service call, response."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.audit.services import access_record
from aksalarasa.clients.models import Client
from aksalarasa.core.concurrency import StaleVersion, save_versioned_form
from aksalarasa.core.files import private_file_response
from aksalarasa.core.forms import apply_errors
from aksalarasa.core.history import history_for
from aksalarasa.core.lookups import rate_limited
from aksalarasa.core.scoping import unscoped
from aksalarasa.partners import scoping, selectors, services
from aksalarasa.partners.forms import (
    MembershipForm,
    PartnerForm,
    PartnerSessionForm,
    ReferralForm,
    ServiceForm,
    ServiceReportForm,
    TransitionForm,
)
from aksalarasa.partners.models import PartnerMembership, PartnerService, SharedField, Side, Status

# --- partners ---------------------------------------------------------------------------------


@login_required
def partner_list(request: AuthedRequest) -> HttpResponse:
    if not scoping.can_browse_partners(request.user):
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    partners = list(selectors.partner_list(viewer=request.user, query=query))
    rows = [{"partner": p, "warning": selectors.agreement_warning(p)} for p in partners]
    context = {
        "rows": rows,
        "query": query,
        "can_create": request.user.office_id is not None
        and scoping.can_manage_partners(request.user, request.user.office_id),
        "expiring": [r for r in rows if r["warning"]],
    }
    return render(request, "partners/partner_list.html", context)


@login_required
def partner_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    office = user.office
    if office is None or not scoping.can_manage_partners(user, office.pk):
        raise Http404
    form = PartnerForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        partner = services.partner_create(office=office, actor=user, data=form.cleaned_data)
        messages.success(request, _("Partner saved."))
        return redirect("partners:partner_detail", pk=partner.pk)
    return render(request, "partners/partner_form.html", {"form": form, "partner": None})


@login_required
def partner_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get_for_viewer(viewer=request.user, pk=pk)
    can_manage = scoping.can_manage_partners(request.user, partner.office_id)
    context = {
        "partner": partner,
        "warning": selectors.agreement_warning(partner),
        "services": selectors.service_list(viewer=request.user, partner=partner),
        "can_manage": can_manage,
        "can_manage_staff": scoping.can_manage_memberships(request.user, partner.office_id),
        "memberships": selectors.membership_list(partner=partner),
        "history": history_for(partner) if can_manage else None,
    }
    return render(request, "partners/partner_detail.html", context)


@login_required
def partner_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get_for_viewer(viewer=request.user, pk=pk)
    if not scoping.can_manage_partners(request.user, partner.office_id):
        raise Http404
    form = PartnerForm(
        request.POST or None, instance=partner, office=partner.office, initial={"version": partner.version}
    )
    save = partial(services.partner_update, partner=partner, actor=request.user)
    if request.method == "POST" and save_versioned_form(request, form, save, success=_("Partner saved.")):
        return redirect("partners:partner_detail", pk=partner.pk)
    return render(request, "partners/partner_form.html", {"form": form, "partner": partner})


@login_required
def service_create(request: AuthedRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get_for_viewer(viewer=request.user, pk=pk)
    if not scoping.can_manage_partners(request.user, partner.office_id):
        raise Http404
    form = ServiceForm(request.POST or None, partner=partner)
    if request.method == "POST" and form.is_valid():
        services.service_create(partner=partner, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Service saved."))
        return redirect("partners:partner_detail", pk=partner.pk)
    return render(request, "partners/service_form.html", {"form": form, "partner": partner, "service": None})


@login_required
def service_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    service = selectors.service_get_for_viewer(viewer=request.user, pk=pk)
    partner = service.partner
    if not scoping.can_manage_partners(request.user, partner.office_id):
        raise Http404
    form = ServiceForm(
        request.POST or None, instance=service, partner=partner, initial={"version": service.version}
    )
    save = partial(services.service_update, service=service, actor=request.user)
    if request.method == "POST" and save_versioned_form(request, form, save, success=_("Service saved.")):
        return redirect("partners:partner_detail", pk=partner.pk)
    return render(
        request, "partners/service_form.html", {"form": form, "partner": partner, "service": service}
    )


@login_required
def partner_staff(request: AuthedRequest, pk: int) -> HttpResponse:
    """Link partner-staff accounts of the office to this partner (office head, administrator)."""
    partner = selectors.partner_get_for_viewer(viewer=request.user, pk=pk)
    if not scoping.can_manage_memberships(request.user, partner.office_id):
        raise Http404
    form = MembershipForm(request.POST or None, candidates=selectors.membership_candidates(partner=partner))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_link(partner=partner, user=form.cleaned_data["user"], actor=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Account linked to the partner."))
            return redirect("partners:partner_staff", pk=partner.pk)
    context = {"partner": partner, "form": form, "memberships": selectors.membership_list(partner=partner)}
    return render(request, "partners/partner_staff.html", context)


@login_required
@require_POST
def partner_staff_unlink(request: AuthedRequest, pk: int, membership_pk: int) -> HttpResponse:
    partner = selectors.partner_get_for_viewer(viewer=request.user, pk=pk)
    if not scoping.can_manage_memberships(request.user, partner.office_id):
        raise Http404
    membership = PartnerMembership.objects.filter(partner=partner, pk=membership_pk).first()
    if membership is None:
        raise Http404
    services.membership_unlink(membership=membership, actor=request.user)
    messages.success(request, _("Account unlinked from the partner."))
    return redirect("partners:partner_staff", pk=partner.pk)


@unscoped(reason="public page: the partner directory the offices publish")
def public_directory(request: HttpRequest) -> HttpResponse:
    """No login: the partners that opted in, and their open services. Never any client data."""
    return render(request, "partners/directory.html", {"partners": selectors.public_directory()})


# --- referrals --------------------------------------------------------------------------------


@login_required
def referral_list(request: AuthedRequest) -> HttpResponse:
    if not scoping.can_see_referrals(request.user):
        raise Http404
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    referrals = list(selectors.referral_list(viewer=request.user, status=status))
    rows = [
        {"referral": r, "label": selectors.referral_label(viewer=request.user, referral=r)} for r in referrals
    ]
    context = {
        "rows": rows,
        "status": status,
        "statuses": Status.choices,
        "unread": selectors.notification_unread_count(viewer=request.user),
        "partner": selectors.partner_of(request.user) if request.user.role_partner_staff else None,
        "referable": selectors.referable_clients(viewer=request.user),
    }
    return render(request, "partners/referral_list.html", context)


def _client_for_referral(request: AuthedRequest) -> Client:
    """The client named in ?client= or the form, among the clients the viewer may see (else 404)."""
    raw = request.GET.get("client") or request.POST.get("client") or ""
    if not raw.isdigit():
        raise Http404
    client = Client.objects.visible_to(request.user).select_related("regency").filter(pk=int(raw)).first()
    if client is None or not services.referral_can_create(user=request.user, client=client):
        raise Http404
    return client


@login_required
def referral_create(request: AuthedRequest) -> HttpResponse:
    client = _client_for_referral(request)
    access_record(
        user=request.user,
        obj=client,
        office_id=client.office_id,
        label=client.register_number,
        request=request,
    )
    form = ReferralForm(request.POST or None, client=client, initial={"service": request.GET.get("service")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_create(
                client=client,
                service=data["service"],
                actor=request.user,
                reason=data["reason"],
                need_kind=data["need_kind"],
                goals=data["goals"],
                shared_fields=data["shared_fields"],
                send=data["send"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Referral sent.") if data["send"] else _("Referral saved as a draft.")
            )
            return redirect("partners:referral_detail", pk=referral.pk)
    need_kind = (
        request.GET.get("need_kind", "") if request.method == "GET" else request.POST.get("need_kind", "")
    )
    need_text = request.GET.get("need", "")
    suggestions = selectors.service_suggestions(
        viewer=request.user,
        client=client,
        need_kind=need_kind if need_kind in PartnerService.Kind.values else "",
        need_text=need_text[:500],
    )
    context = {
        "client": client,
        "form": form,
        "suggestions": suggestions,
        "need_text": need_text,
        "need_kind": need_kind,
        "kinds": PartnerService.Kind.choices,
        "sharing_allowed": selectors.sharing_allowed(client),
    }
    return render(request, "partners/referral_form.html", context)


@login_required
def service_suggest(request: AuthedRequest) -> HttpResponse:
    """Ranked services for a client with the reasons (HTMX partial, or a page of its own)."""
    client = _client_for_referral(request)
    need_kind = request.GET.get("need_kind", "")
    suggestions = selectors.service_suggestions(
        viewer=request.user,
        client=client,
        need_kind=need_kind if need_kind in PartnerService.Kind.values else "",
        need_text=request.GET.get("need", "")[:500],
    )
    template = "partners/_suggestions.html" if request.htmx else "partners/suggestions.html"
    return render(
        request,
        template,
        {
            "client": client,
            "suggestions": suggestions,
            "kinds": PartnerService.Kind.choices,
            "need_kind": need_kind,
            "need_text": request.GET.get("need", "")[:500],
        },
    )


@login_required
def referral_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get_for_viewer(viewer=request.user, pk=pk)
    access_record(
        user=request.user,
        obj=referral.client,
        office_id=referral.office_id,
        label=f"referral #{referral.pk}",
        request=request,
    )
    side = selectors.referral_side(viewer=request.user, referral=referral)
    report = getattr(referral, "report", None) if referral.status == Status.COMPLETED else None
    context = {
        "referral": referral,
        "client_view": selectors.referral_client_view(viewer=request.user, referral=referral),
        "events": selectors.referral_events(referral=referral),
        "sessions": selectors.referral_sessions(referral=referral),
        "moves": selectors.referral_moves(viewer=request.user, referral=referral),
        "is_partner": side == Side.PARTNER,
        "can_record": side == Side.PARTNER and referral.status in (Status.ACCEPTED, Status.IN_PROGRESS),
        "can_report": side == Side.PARTNER and referral.status == Status.IN_PROGRESS,
        "report": report,
        "outcomes": list(report.outcomes.all()) if report else [],
        "shared_labels": [label for value, label in SharedField.choices if value in referral.shared_fields],
    }
    return render(request, "partners/referral_detail.html", context)


@login_required
@require_POST
def referral_transition(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get_for_viewer(viewer=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The change could not be made: the form was incomplete."))
        return redirect("partners:referral_detail", pk=referral.pk)
    try:
        services.referral_transition(
            referral=referral,
            actor=request.user,
            target=form.cleaned_data["target"],
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except StaleVersion as exc:
        messages.error(request, str(exc.message))
    except services.TransitionRefused as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Referral is now “%(status)s”.") % {"status": Status(form.cleaned_data["target"]).label},
        )
    return redirect("partners:referral_detail", pk=referral.pk)


@login_required
def partner_session_create(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get_for_viewer(viewer=request.user, pk=pk)
    if selectors.referral_side(viewer=request.user, referral=referral) != Side.PARTNER:
        raise Http404
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = PartnerSessionForm(
        request.POST or None, initial={"version": referral.version, "scheduled_at": now}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.partner_session_record(
                referral=referral,
                actor=request.user,
                scheduled_at=data["scheduled_at"],
                outcome=data["outcome"],
                engagement=data["engagement"],
                response=data["response"],
                concern=data["concern"],
                concern_text=data["concern_text"],
                notes=data["notes"],
                expected_version=data["version"],
            )
        except StaleVersion as exc:
            form.add_error(None, exc.message)
        except services.TransitionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Session recorded."))
            return redirect("partners:referral_detail", pk=referral.pk)
    context = {
        "referral": referral,
        "form": form,
        "client_view": selectors.referral_client_view(viewer=request.user, referral=referral),
    }
    return render(request, "partners/session_form.html", context)


@login_required
def service_report_create(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get_for_viewer(viewer=request.user, pk=pk)
    if selectors.referral_side(viewer=request.user, referral=referral) != Side.PARTNER:
        raise Http404
    form = ServiceReportForm(
        request.POST or None, request.FILES or None, referral=referral, initial={"version": referral.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.service_report_submit(
                referral=referral,
                actor=request.user,
                recommendation=form.cleaned_data["recommendation"],
                ratings=form.ratings(),
                certificate=form.cleaned_data.get("certificate"),
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion as exc:
            form.add_error(None, exc.message)
        except services.TransitionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("End-of-service report submitted; the referral is completed."))
            return redirect("partners:referral_detail", pk=referral.pk)
    context = {
        "referral": referral,
        "form": form,
        "client_view": selectors.referral_client_view(viewer=request.user, referral=referral),
    }
    return render(request, "partners/report_form.html", context)


@login_required
@rate_limited("partners:report_certificate")
def report_certificate(request: AuthedRequest, pk: int) -> FileResponse:
    referral = selectors.referral_get_for_viewer(viewer=request.user, pk=pk)
    report = getattr(referral, "report", None)
    if report is None or not report.certificate:
        raise Http404
    return private_file_response(report.certificate, filename=report.certificate.name.rsplit("/", 1)[-1])


# --- notifications ----------------------------------------------------------------------------


@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        services.notification_mark_read(viewer=request.user)
        messages.success(request, _("All notifications marked as read."))
        return redirect("partners:notification_list")
    notifications = selectors.notification_list(viewer=request.user)[:100]
    return render(request, "partners/notification_list.html", {"notifications": notifications})
