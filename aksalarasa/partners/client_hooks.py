"""How partners plug into the clients app: the referrals section of the data-subject export and
clearing referral free text when the retention run anonymises a client."""

from __future__ import annotations

from typing import Any

from aksalarasa.accounts.permissions import can
from aksalarasa.clients.models import Client
from aksalarasa.partners.models import Referral, ReferralEvent, ServiceReport, ServiceReportOutcome


def subject_export_rows(client: Client) -> list[dict[str, Any]]:
    rows = Referral.objects.filter(client=client).select_related("service", "partner").order_by("created_at")
    return [
        {
            "created_at": r.created_at.isoformat(),
            "partner": r.partner.name,
            "service": r.service.name,
            "status": r.get_status_display(),
            "reason": r.reason,
            "goals": r.goals,
            "fields_shared": ", ".join(r.shared_fields),
        }
        for r in rows
    ]


def anonymise(client_id: int) -> None:
    """Keep the states and dates (statistics); clear what was written about the client."""
    referrals = Referral.objects.filter(client_id=client_id)
    text = {"reason": "", "status_reason": "", "goals": ""}
    referrals.update(**text)
    Referral.history.filter(client_id=client_id).update(**text)
    ReferralEvent.objects.filter(referral__client_id=client_id).update(reason="")
    ServiceReport.objects.filter(referral__client_id=client_id).update(recommendation="")
    ServiceReportOutcome.objects.filter(report__referral__client_id=client_id).update(evidence="")
    for report in ServiceReport.objects.filter(referral__client_id=client_id).exclude(certificate=""):
        report.certificate.delete(save=False)
    ServiceReport.objects.filter(referral__client_id=client_id).update(certificate="")


def referrals_panel(request, client: Client) -> dict[str, Any] | None:
    """The client's referrals with their state and the partner's end-of-service ratings, for the
    client's page (the partner sessions themselves are on the guidance timeline)."""
    from aksalarasa.partners.selectors import referral_list

    referrals = list(
        referral_list(viewer=request.user, client_id=client.pk).prefetch_related("report__outcomes")[:20]
    )
    can_refer = bool(request.user.office_id == client.office_id and can(request.user, "referral", "create"))
    if not referrals and not can_refer:
        return None
    return {"referrals": referrals, "can_refer": can_refer, "client_pk": client.pk}
