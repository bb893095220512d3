"""Several regions by name (issue 17, item 8): an office's work area and a partner's regencies are
picked by name like the single region fields, stored as Kemendagri codes; a bad code, an unknown
or ambiguous name and a regency outside the allowed list are refused with a translated message and
change nothing; unticking a chosen place removes it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from aksalarasa.offices.forms import OfficeSettingsForm
from aksalarasa.offices.models import Region
from aksalarasa.offices.regions import RegionMultiPicker, RegionMultipleField, region_search
from aksalarasa.partners.forms import PartnerForm
from aksalarasa.partners.models import Partner
from tests.factories import make_partner_world, make_user
from tests.test_audit import _office_form
from tests.test_partners import _partner_post

pytestmark = pytest.mark.django_db


def _field(**kwargs) -> RegionMultipleField:
    return RegionMultipleField(queryset=Region.objects.filter(level=Region.Level.REGENCY), **kwargs)


def test_every_multi_region_field_uses_the_multi_picker(office_a):
    fields = [
        OfficeSettingsForm(instance=office_a).fields["work_area"],
        PartnerForm(office=office_a).fields["regions"],
    ]
    for field in fields:
        assert isinstance(field, RegionMultipleField) and isinstance(field.widget, RegionMultiPicker), field


def test_codes_and_names_are_stored_as_codes_once_each():
    chosen = _field().clean(["51.71", "Badung", "kota denpasar", "5103", "Kabupaten Badung, Bali"])
    assert sorted(r.code for r in chosen) == ["51.03", "51.71"]
    assert list(_field(required=False).clean([])) == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (["51"], "51 is not a regency/city you can choose here."),  # a province
        (["51.71.01.2010"], "51.71.01.2010 is not a regency/city you can choose here."),  # a village
        (["99.99"], "99.99 is not a regency/city you can choose here."),  # no such code
        (["51.71", "Kabupaten Tidak Ada"], "No place of this name was found."),
        (["Kota"], "Several places match Kota"),  # many regencies answer
    ],
)
def test_bad_codes_and_names_are_refused_with_a_message(typed, message):
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            _field().clean(typed)
        assert message in " ".join(caught.value.messages)


def test_the_refusal_is_translated():
    with translation.override("id"):
        with pytest.raises(ValidationError) as caught:
            _field().clean(["51.71.01.2010"])
        text = " ".join(caught.value.messages)
    assert "51.71.01.2010" in text and "regency/city" not in text and "choose here" not in text


def test_the_widget_reads_ticked_codes_and_the_typed_name():
    widget = RegionMultiPicker()
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.setlist("work_area", ["51.71", "51.03"])
    data["work_area_add"] = "  Gianyar "
    assert widget.value_from_datadict(data, {}, "work_area") == ["51.71", "51.03", "Gianyar"]
    assert widget.value_from_datadict({"work_area": "51.71"}, {}, "work_area") == ["51.71"]
    assert widget.value_from_datadict({}, {}, "work_area") == []
    assert widget.value_omitted_from_data({}, {}, "work_area") is False


def test_the_picker_lists_the_chosen_places_by_name_with_no_script(office_a):
    html = str(OfficeSettingsForm(instance=office_a)["work_area"])
    assert 'name="work_area" value="51.71" id="id_work_area_51_71" checked' in html
    assert '<label for="id_work_area_51_71" class="inline">Kota Denpasar, Bali</label>' in html
    assert 'name="work_area_add"' in html and 'id="id_work_area"' in html and 'role="combobox"' in html
    assert 'aria-controls="id_work_area_listbox"' in html and "data-multiple" in html
    assert "<script" not in html and " required" not in html
    # The form's label points at the text box.
    assert OfficeSettingsForm(instance=office_a)["work_area"].id_for_label == "id_work_area"


def test_a_refused_name_is_shown_again_with_the_places_still_ticked(office_a):
    form = OfficeSettingsForm(_office_form(office_a, work_area_add="Kabupaten Tidak Ada"), instance=office_a)
    assert not form.is_valid()
    html = str(form["work_area"])
    assert 'value="Kabupaten Tidak Ada"' in html and 'value="51.03"' in html


def test_office_work_area_by_name_untick_to_remove_and_bad_codes_change_nothing(client, office_a):
    head = make_user("office_head", office_a, language="en")
    client.force_login(head)
    url = f"/offices/{office_a.pk}/edit/"
    # Untick Badung (51.03), add Gianyar by name.
    response = client.post(url, _office_form(office_a, work_area=["51.71"], work_area_add="Gianyar"))
    assert response.status_code == 302, response.context["form"].errors
    assert {r.pk for r in office_a.work_area.all()} == {"51.71", "51.04"}
    office_a.refresh_from_db()
    response = client.post(url, _office_form(office_a, work_area=["51.71", "51.71.01.2010"]))
    assert response.status_code == 200
    assert response.context["form"].errors["work_area"] == [
        "51.71.01.2010 is not a regency/city you can choose here."
    ]
    assert {r.pk for r in office_a.work_area.all()} == {"51.71", "51.04"}


def test_partner_regions_only_inside_the_office_province(client, office_a, office_b):
    w = make_partner_world(office_a, office_b)
    client.force_login(w["program_team"])
    form = PartnerForm(office=office_a)
    assert form.fields["regions"].widget.within == "51"
    response = client.post(
        reverse("partners:partner_create"), _partner_post(regions=[], regions_add="Gianyar")
    )
    assert response.status_code == 302
    assert [r.code for r in Partner.objects.get(name="Perkumpulan Tirta Gianyar").regions.all()] == ["51.04"]
    # Surabaya by name is not searched outside Bali, by code it is refused.
    assert region_search("Surabaya", level="regency", within="51") == []
    assert [p.code for p in region_search("Surabaya", level="regency")] == ["35.78"]
    before = Partner.objects.count()
    response = client.post(reverse("partners:partner_create"), _partner_post(name="Lain", regions=["35.78"]))
    assert response.status_code == 200 and "regions" in response.context["form"].errors
    assert Partner.objects.count() == before


def test_the_search_answers_within_a_province(client):
    url = reverse("offices:region_search")
    inside = client.get(url, {"q": "ba", "level": "regency", "within": "51"}).json()["results"]
    assert {p["code"] for p in inside} == {"51.02", "51.03", "51.06"}  # Tabanan, Badung, Bangli
    everywhere = client.get(url, {"q": "ba", "level": "regency"}).json()["results"]
    assert any(not p["code"].startswith("51.") for p in everywhere)
    junk = client.get(url, {"q": "ba", "level": "regency", "within": "x'; drop"}).json()["results"]
    assert junk == everywhere
