"""Region fields by name (issue 17, item 8): the one RegionField/RegionPicker serves the event,
client, office and public registration forms; it stores the Kemendagri code, accepts a name without
JavaScript, says which places a name matches when several do, and the API still sends codes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aksalarasa.clients.forms import ClientForm
from aksalarasa.events.forms import EventForm, PublicRegistrationForm
from aksalarasa.offices.forms import OfficeSettingsForm
from aksalarasa.offices.regions import RegionField, RegionPicker, region_search

SANUR_KAUH = "51.71.01.2010"
SANUR_KAUH_LABEL = "Sanur Kauh, Denpasar Selatan, Kota Denpasar, Bali"


def test_every_region_field_uses_the_one_picker():
    fields = [
        EventForm(office_zone="Asia/Makassar").fields["village_code"],
        PublicRegistrationForm(event_id=1).fields["village_code"],
        ClientForm().fields["village_code"],
        ClientForm().fields["regency"],
        OfficeSettingsForm().fields["village_code"],
    ]
    for field in fields:
        assert isinstance(field, RegionField) and isinstance(field.widget, RegionPicker), field


@pytest.mark.parametrize(
    "typed",
    [SANUR_KAUH, "5171012010", "Sanur Kauh", "sanur kauh", SANUR_KAUH_LABEL, SANUR_KAUH_LABEL.upper()],
)
def test_a_code_a_label_or_a_unique_name_is_stored_as_the_code(typed):
    assert RegionField(near=["51.71"]).clean(typed) == SANUR_KAUH


def test_a_name_several_villages_have_is_refused_with_the_candidates():
    field = RegionField(near=["51.71"])
    with pytest.raises(ValidationError) as caught:
        field.clean("Sanur")
    message = " ".join(caught.value.messages)
    assert "Sanur, Denpasar Selatan, Kota Denpasar, Bali" in message
    assert "Kabupaten Nunukan" in message  # the other Sanur
    with pytest.raises(ValidationError):
        field.clean("Desa yang tidak ada")
    with pytest.raises(ValidationError):
        field.clean("51.71")  # a regency is not a village


def test_a_regency_by_name():
    assert RegionField(level="regency").clean("Badung") == "51.03"
    assert RegionField(level="regency").clean("Kota Denpasar") == "51.71"


def test_the_chosen_code_wins_until_the_text_is_edited():
    widget = RegionPicker()
    data = {"village_code": SANUR_KAUH_LABEL, "village_code_code": SANUR_KAUH}
    assert widget.value_from_datadict(data, {}, "village_code") == SANUR_KAUH
    edited = {"village_code": "Sanur Kaja", "village_code_code": SANUR_KAUH}
    assert widget.value_from_datadict(edited, {}, "village_code") == "Sanur Kaja"


def test_the_picker_shows_the_name_and_keeps_the_code():
    html = str(EventForm(office_zone="Asia/Makassar", initial={"village_code": SANUR_KAUH})["village_code"])
    assert f'value="{SANUR_KAUH_LABEL}"' in html
    assert f'name="village_code_code" value="{SANUR_KAUH}"' in html
    assert 'role="combobox"' in html and 'aria-controls="id_village_code_listbox"' in html
    assert 'role="listbox"' in html and "<script" not in html and " on" not in html.replace(" only", "")


def test_near_places_come_first():
    first = region_search("Sanur", near=["51.71"])[0]
    assert first.label.startswith("Sanur, Denpasar Selatan")
    assert [p.code for p in region_search("Kuta", near=["51.03"])][:1] == ["51.03.01.1002"]


@pytest.mark.django_db
def test_the_search_answers_json_to_anyone_and_refuses_a_bad_level(client):
    answer = client.get(reverse("offices:region_search"), {"q": "sanur kauh", "level": "village"})
    assert answer.status_code == 200
    assert answer.json()["results"] == [{"code": SANUR_KAUH, "name": "Sanur Kauh", "label": SANUR_KAUH_LABEL}]
    assert client.get(reverse("offices:region_search"), {"q": "s"}).json()["results"] == []
    assert client.get(reverse("offices:region_search"), {"q": "sanur", "level": "x"}).status_code == 422
    long = client.get(reverse("offices:region_search"), {"q": "a" * 5000, "near": "x,51.71," * 100})
    assert long.status_code == 200
