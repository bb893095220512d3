from __future__ import annotations

from django.http import QueryDict
from ninja import Field, Query, Router, Schema

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.core.forms import form_errors
from aksalarasa.offices import selectors, services
from aksalarasa.offices.forms import OfficeSettingsForm
from aksalarasa.offices.models import Office, Region

router = Router(tags=["offices"])


class RegionOut(Schema):
    code: str
    name: str
    kind: str


class OfficeOut(Schema):
    id: int
    name: str
    code: str
    office_class: str
    address: str
    village_code: str
    time_zone: str
    zone: str
    regional_office_id: int
    regional_office_name: str
    work_area: list[RegionOut]
    require_2fa_for_heads: bool
    retention_years: int
    version: int

    @staticmethod
    def from_office(office: Office) -> OfficeOut:
        return OfficeOut(
            id=office.pk,
            name=office.name,
            code=office.code,
            office_class=office.office_class,
            address=office.address,
            village_code=office.village_code,
            time_zone=office.time_zone,
            zone=office.zone_abbreviation,
            regional_office_id=office.regional_office_id,
            regional_office_name=office.regional_office.name,
            work_area=[RegionOut(code=r.code, name=r.name, kind=r.kind) for r in office.work_area.all()],
            require_2fa_for_heads=office.require_2fa_for_heads,
            retention_years=office.retention_years,
            version=office.version,
        )


class OfficePatch(Schema):
    """Only the fields sent change; a field sent as null is left as it is (send "" to clear text)."""

    version: int = Field(
        ..., ge=0, le=2_000_000_000, description="The version you read; a newer one answers 409."
    )
    name: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=2000)
    village_code: str | None = Field(None, max_length=13)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    time_zone: str | None = Field(None, max_length=20)
    work_area: list[str] | None = Field(None, max_length=100)
    require_2fa_for_heads: bool | None = None
    retention_years: int | None = Field(None, ge=0, le=1000)


class ErrorOut(Schema):
    detail: str
    errors: dict | list | None = None


@router.get("/offices", response=list[OfficeOut], summary="Offices you may see")
def office_list(request: AuthedRequest) -> list[OfficeOut]:
    offices = selectors.office_list(viewer=request.user).prefetch_related("work_area")
    return [OfficeOut.from_office(o) for o in offices]


@router.get("/offices/{office_id}", response={200: OfficeOut, 404: ErrorOut}, summary="One office")
def office_detail(request: AuthedRequest, office_id: int) -> OfficeOut:
    return OfficeOut.from_office(selectors.office_get_for_viewer(viewer=request.user, pk=office_id))


@router.patch(
    "/offices/{office_id}",
    response={200: OfficeOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Change an office's settings (office head or administrator)",
)
def office_update(request: AuthedRequest, office_id: int, payload: OfficePatch) -> OfficeOut:
    office = selectors.office_get_for_viewer(viewer=request.user, pk=office_id)
    if not services.office_can_edit(office=office, user=request.user):
        from django.http import Http404

        raise Http404
    # Start from the stored values, apply the patch, and validate with the UI's form.
    data = QueryDict(mutable=True)
    current = OfficeSettingsForm(instance=office).initial
    changes = {name: value for name, value in payload.dict(exclude_unset=True).items() if value is not None}
    for name in OfficeSettingsForm.Meta.fields:
        value = changes.get(name, current.get(name))
        if name == "work_area":
            codes = (value or []) if name in changes else [r.pk for r in office.work_area.all()]
            data.setlist(name, [str(c) for c in codes])
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    form = OfficeSettingsForm(data, instance=office)
    if not form.is_valid():
        raise form_errors(form)
    services.office_update_settings(
        office=office, actor=request.user, data=form.cleaned_data, expected_version=payload.version
    )
    office.refresh_from_db()
    return OfficeOut.from_office(office)


class RegionFilter(Schema):
    parent: str | None = Field(None, max_length=13, description="Parent code; empty for provinces")


class PlaceOut(Schema):
    code: str
    name: str
    type: str


@router.get(
    "/regions", response=list[PlaceOut], summary="Kemendagri regions below a parent, down to villages"
)
def region_list(request: AuthedRequest, filters: Query[RegionFilter]) -> list[PlaceOut]:
    return [PlaceOut(**child) for child in selectors.region_children(filters.parent)]


@router.get("/regions/regencies", response=list[RegionOut], summary="All regencies and cities")
def regency_list(request: AuthedRequest) -> list[RegionOut]:
    return [RegionOut(code=r.code, name=r.name, kind=r.kind) for r in Region.objects.filter(level=2)]
