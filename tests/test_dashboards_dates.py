"""Dashboards speak the viewer's language and zone: months in words ("Juli 2026", "July 2026"),
every time with its zone, in the office's zone (the Kanwil's for regional viewers)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from aksalarasa.dashboards.models import SummaryState
from aksalarasa.dashboards.services import summaries_refresh
from tests.factories import GuidanceSessionFactory, OfficeFactory, SupervisionFactory, make_client, make_user

pytestmark = pytest.mark.django_db

MONTHS_ID = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split()
MONTHS_EN = "January February March April May June July August September October November December".split()


@pytest.fixture
def bali(db):
    office = OfficeFactory(name="Bapas Denpasar", time_zone="Asia/Makassar")
    OfficeFactory(name="Bapas Singaraja", time_zone="Asia/Makassar", regional_office=office.regional_office)
    officer = make_user("officer", office)
    for _ in range(6):
        client = make_client(office, officer)
        SupervisionFactory(client=client, program_type="pb")
        GuidanceSessionFactory(client=client, outcome="attended", engagement=3, scheduled_at=timezone.now())
    return office


def _as_of(html: str) -> str:
    found = re.search(r'id="figures-as-of">(.*?)</p>', html, re.S)
    assert found, "no 'as of' line"
    return re.sub(r"\s+", " ", found.group(1))


def test_office_and_kanwil_pages_agree_on_the_as_of_time_with_its_zone(client, bali):
    summaries_refresh()
    SummaryState.objects.filter(pk=1).update(as_of=datetime(2026, 7, 3, 1, 7, tzinfo=UTC))
    client.force_login(make_user("office_head", bali))
    office_line = _as_of(client.get(reverse("dashboards:office")).content.decode())
    client.force_login(make_user("regional", bali))
    kanwil_line = _as_of(client.get(reverse("dashboards:aggregate")).content.decode())
    assert "3 Juli 2026 09.07 WITA" in office_line  # 01:07 UTC is 09:07 in Bali
    assert "3 Juli 2026 09.07 WITA" in kanwil_line
    client.force_login(make_user("national"))  # no office: WIB, said so
    assert "3 Juli 2026 08.07 WIB" in _as_of(client.get(reverse("dashboards:aggregate")).content.decode())


@pytest.mark.parametrize("language,names", [("id", MONTHS_ID), ("en", MONTHS_EN)])
@pytest.mark.parametrize(
    "role,url", [("office_head", "dashboards:office"), ("regional", "dashboards:aggregate")]
)
def test_months_are_words_in_the_chosen_language(client, bali, language, names, role, url):
    client.force_login(make_user(role, bali, language=language))
    html = client.get(reverse(url)).content.decode()
    months = re.search(r'id="months-h".*?</table>', html, re.S).group(0)
    now = timezone.localtime(timezone.now(), timezone.get_fixed_timezone(8 * 60))
    assert f"{names[now.month - 1]} {now.year}" in months
    assert not re.search(r"\d{4}-\d{2}", months)
    book = load_workbook(BytesIO(client.get(reverse(url) + "?format=xlsx").content))
    labels = [row[0].value for row in book.worksheets[-1].iter_rows(min_row=2)]
    assert f"{names[now.month - 1]} {now.year}" in labels
