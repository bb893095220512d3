"""Issue 17 item 3: no demographic or role field has a silent default. Whoever skips the field is
told (the form refuses, nothing is saved), "Prefer not to say" is a real answer on the MPA join
form, and the assessment page shows it on its own line."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from aksalarasa.clients.forms import ClientForm
from aksalarasa.events.forms import StaffRegistrationForm
from aksalarasa.evidence.forms import AdministrationForm
from aksalarasa.programs import services
from aksalarasa.programs.forms import ParticipantForm
from aksalarasa.programs.models import AssessmentParticipant, Sex
from tests.factories import make_program, make_user

pytestmark = pytest.mark.django_db


def _selected(html: str) -> list[str]:
    return re.findall(r"<option[^>]*\bselected\b[^>]*>", html) + re.findall(
        r"<input[^>]*\bchecked\b[^>]*>", html
    )


FIELDS = [
    (ParticipantForm, {}, ("group", "sex")),
    (StaffRegistrationForm, {}, ("group",)),
]


@pytest.mark.parametrize(("form_class", "kwargs", "names"), FIELDS)
def test_demographic_fields_start_empty_and_are_required(form_class, kwargs, names):
    form = form_class(**kwargs)
    for name in names:
        field = form[name]
        html = str(field)
        assert field.field.choices[0][0] == "", f"{form_class.__name__}.{name} has no empty first option"
        # The empty option is the only one selected: nothing is picked for the person.
        assert all('value=""' in tag for tag in _selected(html)), (form_class.__name__, name, _selected(html))
    bound = form_class(data={}, **kwargs)
    assert not bound.is_valid()
    for name in names:
        assert name in bound.errors


def test_client_and_questionnaire_forms_have_no_preselected_sex_or_audience():
    sex = ClientForm.base_fields["sex"]
    assert sex.choices[0][0] == "" and sex.required
    audience = AdministrationForm.base_fields["group"]
    assert audience.choices[0][0] == "" and audience.required


@pytest.fixture
def assessment(office_a):
    team = make_user("program_team", office_a)
    program = make_program(office_a, team=[(team, True)])
    a = services.assessment_create(
        program=program,
        data={
            "title": "Rembug",
            "date": datetime.date(2026, 6, 8),
            "facilitator": "F",
            "votes_per_person": 3,
        },
    )
    services.assessment_item_add(assessment=a, data={"kind": "problem", "title": "Motivasi rendah"})
    services.assessment_voting_set(assessment=a, open=True)
    return a, team


def test_skipping_sex_on_the_join_form_is_refused_and_saves_nothing(assessment, client):
    a, _team = assessment
    url = reverse("programs:vote_open", args=[a.code])
    page = client.get(url).content.decode()
    assert "Lebih suka tidak menjawab" in page
    assert not [t for t in _selected(page) if 'value=""' not in t]
    response = client.post(url, {"name": "Ketut", "group": "resident"})
    assert response.status_code in (400, 422)
    assert not AssessmentParticipant.objects.exists()


def test_prefer_not_to_say_is_stored_and_shown_apart(assessment, client):
    a, team = assessment
    url = reverse("programs:vote_open", args=[a.code])
    for name, sex in (("Ketut", "F"), ("Made", "X"), ("Wayan", "X")):
        assert client.post(url, {"name": name, "group": "resident", "sex": sex}).status_code == 302
    assert AssessmentParticipant.objects.filter(sex=Sex.NOT_SAID).count() == 2
    client.force_login(team)
    page = client.get(reverse("programs:assessment", args=[a.program_id, a.pk])).content.decode()
    line = re.search(r'<p id="participants-by-sex">(.*?)</p>', page, re.S).group(1)
    assert "Perempuan: 1" in line and "Laki-laki: 0" in line and "Lebih suka tidak menjawab: 2" in line


def test_questionnaire_versions_read_by_name_never_by_slug():
    """Issue 17 item 16: a questionnaire page showed "resident-attitude v1" as its title."""
    from django.utils import translation

    from aksalarasa.evidence.models import Instrument, InstrumentVersion

    instrument = Instrument.objects.create(
        key="resident-attitude-uji",
        name_id="Sikap warga (uji)",
        name_en="Resident attitude (test)",
        audience="resident",
    )
    version = InstrumentVersion(instrument=instrument, number=1)
    with translation.override("id"):
        text = str(version)
    assert version.instrument.key not in text and version.instrument.name_id in text


def test_closed_voting_shows_no_voting_link(assessment, client):
    a, team = assessment
    services.assessment_voting_set(assessment=a, open=False)
    client.force_login(team)
    page = client.get(reverse("programs:assessment", args=[a.program_id, a.pk])).content.decode()
    assert reverse("programs:vote_open", args=[a.code]) not in page
    projector = client.get(
        reverse("programs:assessment_projector", args=[a.program_id, a.pk])
    ).content.decode()
    assert reverse("programs:vote_open", args=[a.code]) not in projector
