"""Demo offices: Bapas Kelas I Denpasar with its real work area, and a second office for scoping."""

from __future__ import annotations

from aksalarasa.offices.models import Office, Region, RegionalOffice
from aksalarasa.seeding.demo import DemoContext

DENPASAR_WORK_AREA = [
    "51.71",
    "51.03",
    "51.04",
    "51.02",
    "51.01",
    "51.08",
]  # Denpasar, Badung, Gianyar, Tabanan, Jembrana, Buleleng


def load(ctx: DemoContext) -> None:
    bali, created = RegionalOffice.objects.get_or_create(
        code="kanwil-bali", defaults={"name": "Kanwil Ditjenpas Bali", "province_id": "51"}
    )
    ctx.count("regional offices", created)
    jatim, created = RegionalOffice.objects.get_or_create(
        code="kanwil-jatim", defaults={"name": "Kanwil Ditjenpas Jawa Timur", "province_id": "35"}
    )
    ctx.count("regional offices", created)
    denpasar, created = Office.objects.get_or_create(
        code="bapas-denpasar",
        defaults={
            "name": "Bapas Kelas I Denpasar",
            "office_class": Office.OfficeClass.CLASS_I,
            "address": "Kota Denpasar, Bali",
            "village_code": "51.71.01.1003",
            "time_zone": Office.Zone.WITA,
            "regional_office": bali,
            "retention_years": 5,
        },
    )
    ctx.count("offices", created)
    if created:
        denpasar.work_area.set(Region.objects.filter(code__in=DENPASAR_WORK_AREA))
    surabaya, created = Office.objects.get_or_create(
        code="bapas-surabaya",
        defaults={
            "name": "Bapas Kelas I Surabaya",
            "office_class": Office.OfficeClass.CLASS_I,
            "address": "Kota Surabaya, Jawa Timur",
            "time_zone": Office.Zone.WIB,
            "regional_office": jatim,
            "require_2fa_for_heads": True,
        },
    )
    ctx.count("offices", created)
    if created:
        surabaya.work_area.set(Region.objects.filter(code__in=["35.78", "35.15"]))
    ctx.objects.update(denpasar=denpasar, surabaya=surabaya, kanwil_bali=bali, kanwil_jatim=jatim)
