from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.clients.models import Client, Supervision
from aksalarasa.dashboards import exports, selectors, sentence_exports, sentences, services
from aksalarasa.partners.models import Status

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _labels() -> dict[str, dict[str, str]]:
    return {
        "category": {k: str(v) for k, v in Client.Category.choices},
        "program": {k: str(v) for k, v in Supervision.ProgramType.choices},
        "referral": {k: str(v) for k, v in Status.choices},
        "stage": selectors.stage_labels(),
    }


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _chart_csv(charts: list[exports.Chart], key: str, name: str) -> HttpResponse:
    """One chart's numbers as CSV (`?format=csv&chart=<key>`); 404 for a chart the page has not."""
    chart = next((c for c in charts if c.key == key), None)
    if chart is None:
        raise Http404
    response = HttpResponse(chart.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{chart.key}.csv"'
    return response


@login_required
def office(request: AuthedRequest) -> HttpResponse:
    if not selectors.can_see_office_dashboard(request.user):
        raise Http404
    services.summaries_refresh_if_stale()
    data = selectors.office_dashboard(viewer=request.user)
    labels = _labels()
    if request.GET.get("format") == "xlsx":
        return _xlsx(exports.office_xlsx(data, labels), f"dashboard-{data.office.code}.xlsx")
    charts = exports.office_charts(data)
    if request.GET.get("format") == "csv":
        return _chart_csv(charts, request.GET.get("chart", ""), f"dashboard-{data.office.code}")
    context = {
        "charts": charts,
        "d": data,
        "by_category": [(labels["category"].get(k, k), n) for k, n in sorted(data.by_category.items())],
        "by_program": [(labels["program"].get(k, k), n) for k, n in sorted(data.by_program.items())],
        "referrals": [(labels["referral"][k], data.referrals.get(k, 0)) for k in labels["referral"]],
        "programs": [(labels["stage"][k], data.programs.get(k, 0)) for k in labels["stage"]],
        "max_expected": max([m.expected or 0 for m in data.months] or [0]),
    }
    return render(request, "dashboards/office.html", context)


@login_required
def aggregate(request: AuthedRequest) -> HttpResponse:
    if not selectors.can_see_aggregates(request.user):
        raise Http404
    services.summaries_refresh_if_stale()
    data = selectors.aggregate_dashboard(viewer=request.user)
    if request.GET.get("format") == "xlsx":
        return _xlsx(exports.aggregate_xlsx(data), "dashboard-aggregates.xlsx")
    charts = exports.aggregate_charts(data)
    if request.GET.get("format") == "csv":
        return _chart_csv(charts, request.GET.get("chart", ""), "dashboard-aggregates")
    return render(
        request,
        "dashboards/aggregate.html",
        {
            "rows": data.rows,
            "months": data.months,
            "total": data.total,
            "as_of": data.as_of,
            "charts": charts,
        },
    )


@login_required
def sentence_figures(request: AuthedRequest) -> HttpResponse:
    """Community sentences: orders, hours, completion and breach by office, partner and site."""
    if not sentences.can_see_sentence_dashboard(request.user):
        raise Http404
    data = sentences.sentence_dashboard(viewer=request.user)
    if request.GET.get("format") == "xlsx":
        return _xlsx(sentence_exports.sentence_xlsx(data), "community-sentences.xlsx")
    charts = sentence_exports.sentence_charts(data)
    if request.GET.get("format") == "csv":
        return _chart_csv(charts, request.GET.get("chart", ""), "community-sentences")
    return render(request, "dashboards/sentences.html", {"d": data, "charts": charts, "as_of": data.as_of})
