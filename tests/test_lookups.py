"""Look-ups by a key answer alike for "elsewhere" and "nowhere", and every look-up is rate-limited.

Issue #14 item 3. For every look-up by a key (register number and NIK, in a search and in the
no-contact form; the import progress token; registration codes, at the QR page, the check-in desk
and its API; the public registration, voting, card and survey links; the download links of Litmas
documents, reports, exports, certificates and calendar files), the answer to a key that exists in
another office (or that the user may not see) is byte-identical, status and body, to the answer to
a key that exists nowhere. The only differences allowed are the key itself where the page echoes
what was typed (replaced by a placeholder) and the per-request CSRF token.

Public bearer links are capabilities by design: a ballot token or an open survey's link works for
whoever holds it, and a closed survey says so (410) to the holder of its link; neither is a
look-up of another office's data, so they are not compared here (docs/security.md).

Also here: the rate limit (429, translated, JSON with a reason in the API) and the django-otp admin
pages that answered 500 on an id that does not exist.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from aksalarasa.accounts.models import User
from aksalarasa.clients.models import Client, ImportRun, Litmas
from aksalarasa.events.models import Event, Registration
from aksalarasa.evidence.models import Administration
from aksalarasa.guidance.models import GuidanceSession
from aksalarasa.offices.models import Office
from aksalarasa.partners.models import Referral
from aksalarasa.programs.models import Assessment, PlanningWorkshop, Program
from tests.scale_world import tiny_world

pytestmark = pytest.mark.django_db

MISSING_ID = 987654321
NO_SUCH_CLIENT = "Tidak ada klien kantor ini dengan nomor register tersebut."
CSRF = [
    re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+'),
    re.compile(r'("X-CSRFToken": ")[^"]+'),
    re.compile(r'(name="form_token" value=")[^"]+'),
]


@dataclass
class World:
    a: Office
    b: Office
    head: User  # office head of A
    officer: User  # an adult-section officer of A (may not see A's child clients)
    objects: dict[str, Any]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    yield from tiny_world(django_db_blocker, 23, _world)


def _world() -> World:
    a, b = Office.objects.filter(code__startswith="scale-").order_by("code")
    head = User.objects.get(username="s000.kabapas")
    officer = User.objects.filter(office=a, role_officer=True, section="adult").order_by("username").first()
    own_client = Client.objects.filter(office=a, category="adult", officer=officer).order_by("pk").first()
    child = Client.objects.filter(office=a, category="child").order_by("pk").first()
    child_officer = User.objects.create(
        username="lookup.pk.bka", full_name="PK Anak", office=a, role_officer=True, section="child",
        officer_grade="muda", password=make_password(None),
    )  # fmt: skip
    Client.objects.filter(pk=child.pk).update(officer=child_officer)
    foreign = Client.objects.filter(office=b).order_by("pk").first()
    assert officer and own_client and child and foreign
    Client.objects.filter(pk=foreign.pk).update(nik="5171012345670001")
    own_event = Event.objects.filter(office=a, registrations__isnull=False).distinct().order_by("pk").first()
    foreign_event = (
        Event.objects.filter(office=b, registrations__isnull=False).distinct().order_by("pk").first()
    )
    Event.objects.filter(pk__in=[own_event.pk, foreign_event.pk]).update(published=True)
    foreign_reg = Registration.objects.filter(event=foreign_event).order_by("pk").first()
    own_reg = Registration.objects.filter(event=own_event).order_by("pk").first()
    assessment = Assessment.objects.filter(program__office=b).order_by("pk").first()
    Assessment.objects.filter(pk=assessment.pk).update(voting_open=False)
    workshop = PlanningWorkshop.objects.filter(program__office=b).order_by("pk").first()
    PlanningWorkshop.objects.filter(pk=workshop.pk).update(cards_open=False)
    administration = Administration.objects.filter(office=b).order_by("pk").first()
    Administration.objects.filter(pk=administration.pk).update(group="client")
    litmas = Litmas.objects.filter(client__office=b).order_by("pk").first()
    Litmas.objects.filter(pk=litmas.pk).update(document="litmas/uji.docx")
    b_head = User.objects.get(username="s001.kabapas")
    other_a = User.objects.filter(office=a, role_section_head=True).order_by("pk").first()
    objects = {
        "own_client": own_client,
        "child": child,
        "foreign_client": foreign,
        "own_event": own_event,
        "own_reg": own_reg,
        "foreign_event": foreign_event,
        "foreign_reg": foreign_reg,
        "assessment": assessment,
        "workshop": workshop,
        "administration": administration,
        "litmas": litmas,
        "program": Program.objects.filter(office=b).order_by("pk").first(),
        "referral": Referral.objects.filter(office=b).order_by("pk").first(),
        "session": GuidanceSession.objects.filter(office=b).order_by("pk").first(),
        "run_b": ImportRun.objects.create(
            token="lookup-run-b", office=b, user=b_head, kind="clients", filename="b.csv"
        ).token,
        "run_a_other": ImportRun.objects.create(
            token="lookup-run-a", office=a, user=other_a, kind="clients", filename="a.csv"
        ).token,
        "run_own": ImportRun.objects.create(
            token="lookup-run-own", office=a, user=head, kind="clients", filename="own.csv"
        ).token,
    }
    return World(a, b, head, officer, objects)


def _body(response, key: str) -> str:
    if getattr(response, "streaming", False):
        text = b"".join(response.streaming_content).decode("utf-8", "replace")
    else:
        text = response.content.decode("utf-8", "replace")
    for pattern in CSRF:
        text = pattern.sub(r"\1CSRF", text)
    return text.replace(key, "{KEY}") if key else text


def assert_alike(ask, keys: list[str], nowhere: str) -> None:
    """Every key in `keys` answers exactly as `nowhere` does (status and body)."""
    expected = ask(nowhere)
    expected_body = _body(expected, nowhere)
    for key in keys:
        answer = ask(key)
        assert answer.status_code == expected.status_code, (key, answer.status_code, expected.status_code)
        assert _body(answer, key) == expected_body, key


def _as(user: User | None) -> HttpClient:
    http = HttpClient(HTTP_ACCEPT_LANGUAGE="id")
    if user is not None:
        http.force_login(user)
    return http


# --- register numbers and NIK -----------------------------------------------------------------


def test_no_contact_register_number_of_another_office_or_an_unseen_child_answers_like_none(world):
    """The no-contact form's register-number look-up: another office's client, and a child client of
    the same office that this adult-section officer may not see, are "no client" like a number that
    exists nowhere; and nothing is written."""
    http = _as(world.officer)
    own = world.objects["own_client"]
    url = reverse("clients:no_contact_add", args=[own.pk])
    before = own.no_contacts.count()

    def ask(number: str):
        data = {"other_register_number": number, "person_name": "", "reason": "uji"}
        return http.post(url, data, HTTP_HX_REQUEST="true")

    keys = [world.objects["foreign_client"].register_number, world.objects["child"].register_number]
    assert_alike(ask, keys, "NOWHERE-0001")
    assert NO_SUCH_CLIENT in ask("NOWHERE-0001").content.decode()
    assert own.no_contacts.count() == before
    # The page form (no htmx) answers alike too: the same redirect, the same message.
    assert_alike(
        lambda n: http.post(url, {"other_register_number": n, "reason": "uji"}, follow=True),
        keys,
        "NOWHERE-0002",
    )
    assert own.no_contacts.count() == before


@pytest.mark.parametrize("field", ["register_number", "nik", "child_number"])
def test_client_search_by_a_key_of_another_office_answers_like_none(world, field):
    http = _as(world.officer)
    key = {
        "register_number": world.objects["foreign_client"].register_number,
        "nik": "5171012345670001",
        "child_number": world.objects["child"].register_number,
    }[field]
    nowhere = "5171099999990009" if field == "nik" else "NOWHERE-0003"
    assert_alike(lambda q: http.get(reverse("clients:list"), {"q": q}), [key], nowhere)
    assert_alike(
        lambda q: http.get(reverse("clients:list"), {"q": q}, HTTP_HX_REQUEST="true"), [key], nowhere
    )
    assert_alike(lambda q: http.get("/api/v1/clients", {"q": q}), [key], nowhere)


# --- import progress -------------------------------------------------------------------------


def test_import_progress_of_someone_elses_run_is_the_same_404_as_a_missing_one(world):
    http = _as(world.head)
    ask = lambda token: http.get(reverse("clients:import_progress", args=[token]))  # noqa: E731
    assert_alike(ask, [world.objects["run_b"], world.objects["run_a_other"]], "lookup-run-none")
    assert ask("lookup-run-none").status_code == 404
    own = ask(world.objects["run_own"])
    assert own.status_code == 200 and "0 / 0" in own.content.decode()


# --- registration codes ----------------------------------------------------------------------


def test_registration_codes_of_another_event_answer_like_none(world):
    http = _as(world.head)
    event = world.objects["own_event"]
    foreign = world.objects["foreign_reg"].code
    nowhere = "XQXQXQ"
    assert not Registration.objects.filter(code=nowhere).exists()
    assert_alike(
        lambda code: http.get(reverse("events:registration_qr", args=[event.pk, code])), [foreign], nowhere
    )
    url = reverse("events:checkin", args=[event.pk])
    assert_alike(lambda code: http.post(url, {"code": code}), [foreign], nowhere)
    assert_alike(
        lambda code: http.post(
            url, json.dumps({"code": code}), content_type="application/json", HTTP_ACCEPT="application/json"
        ),
        [foreign],
        nowhere,
    )
    api = f"/api/v1/events/{event.pk}/checkin"
    assert_alike(
        lambda code: http.post(api, json.dumps({"code": code}), content_type="application/json"),
        [foreign],
        nowhere,
    )
    answer = http.post(api, json.dumps({"code": nowhere}), content_type="application/json")
    assert answer.status_code == 404
    assert (
        not world.objects["foreign_reg"]
        .__class__.objects.filter(pk=world.objects["foreign_reg"].pk, checkin__isnull=False)
        .exists()
    )


def test_public_registration_page_shows_no_code_this_browser_did_not_register(world):
    http = _as(None)
    event = world.objects["own_event"]
    keys = [world.objects["own_reg"].code, world.objects["foreign_reg"].code]
    assert_alike(
        lambda code: http.get(reverse("events:public_registered", args=[event.pk, code])), keys, "XQXQXQ"
    )


# --- pairing codes of the phone pages and the survey links -----------------------------------


def test_closed_voting_and_card_codes_answer_like_codes_that_exist_nowhere(world):
    http = _as(None)
    assert_alike(
        lambda c: http.get(reverse("programs:vote_open", args=[c])),
        [world.objects["assessment"].code],
        "QQQQ9999",
    )
    assert_alike(
        lambda c: http.get(reverse("programs:cards_open", args=[c])),
        [world.objects["workshop"].code],
        "QQQQ9999",
    )
    assert http.get(reverse("programs:vote_open", args=["QQQQ9999"])).status_code == 404


def test_a_survey_link_that_is_not_public_answers_like_none(world):
    http = _as(None)
    token = world.objects["administration"].public_token
    assert_alike(lambda t: http.get(reverse("evidence:public", args=[t])), [token], "n" * len(token))


# --- download links by id --------------------------------------------------------------------


DOWNLOADS = [
    ("clients:litmas_document", "litmas", ()),
    ("clients:subject_export", "foreign_client", ("json",)),
    ("evidence:report_pdf", "program", ()),
    ("evidence:report_docx", "program", ()),
    ("evidence:export_xlsx", "program", ()),
    ("evidence:qr", "administration", ()),
    ("partners:report_certificate", "referral", ()),
    ("guidance:session_ics", "session", ()),
]


@pytest.mark.parametrize(("name", "kind", "extra"), DOWNLOADS, ids=[d[0] for d in DOWNLOADS])
def test_download_links_of_another_office_answer_like_missing_ones(world, name, kind, extra):
    http = _as(world.head)
    foreign = world.objects[kind].pk
    assert_alike(lambda pk: http.get(reverse(name, args=[int(pk), *extra])), [str(foreign)], str(MISSING_ID))
    assert http.get(reverse(name, args=[MISSING_ID, *extra])).status_code == 404


def test_api_litmas_document_of_another_office_answers_like_a_missing_one(world):
    http = _as(world.head)
    foreign = world.objects["litmas"].pk
    assert_alike(lambda pk: http.get(f"/api/v1/litmas/{pk}/document"), [str(foreign)], str(MISSING_ID))


# --- django-otp admin pages with an id that does not exist -----------------------------------


def _admin_patterns(patterns=None, prefix: str = "") -> Iterator[str]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _admin_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and re.search(
            r"<(?:\w+:)?(object_id|pk)>", str(pattern.pattern)
        ):
            yield prefix + str(pattern.pattern)


def test_every_admin_page_with_a_missing_id_answers_404_or_a_redirect_never_500(world):
    """Every admin change, delete and history page, and django-otp's TOTP config and QR code pages
    (which answered 500), with an id that does not exist: 404 or Django's redirect, never 500."""
    root = User.objects.create(
        username="lookup.root",
        is_superuser=True,
        is_staff=True,
        full_name="Root",
        password=make_password(None),
    )
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=root, name="lookup", confirmed=True)
    http = HttpClient(raise_request_exception=False)
    http.force_login(root)
    paths = [p for p in _admin_patterns() if p.startswith("django-admin/")]
    otp = [p for p in paths if "otp_totp" in p or "totpdevice" in p]
    assert any("config" in p for p in otp) and any("qrcode" in p for p in otp), otp
    statuses = {}
    for pattern in paths:
        url = "/" + re.sub(r"<(?:\w+:)?\w+>", str(MISSING_ID), pattern)
        url = re.sub(r"^/django-admin/\(\?P<app_label>[^)]*\)/", "/django-admin/clients/", url)
        statuses[url] = http.get(url).status_code
    assert len(statuses) > 30
    bad = {u: s for u, s in statuses.items() if s not in (302, 403, 404)}  # 403: a read-only admin
    assert not bad, bad
    for url in statuses:
        if url.endswith(("/config/", "/qrcode/")):
            assert statuses[url] == 404, url


# --- rate limits ------------------------------------------------------------------------------


@override_settings(AKSALARASA_LOOKUP_RATE="3/d")  # a day: no window boundary falls inside the test
def test_a_signed_in_look_up_past_its_rate_answers_429_in_indonesian(world):
    http = _as(world.officer)
    url = reverse("clients:list")
    assert [http.get(url, {"q": "x"}).status_code for _ in range(3)] == [200, 200, 200]
    refused = http.get(url, {"q": "x"})
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "Terlalu banyak pencarian" in refused.content.decode()
    # Another look-up keeps its own budget; the API answers 429 JSON with a reason.
    assert http.get(reverse("clients:import_progress", args=["lookup-run-none"])).status_code == 404
    api = [http.get("/api/v1/clients", {"q": "x"}) for _ in range(4)]
    assert [r.status_code for r in api] == [200, 200, 200, 429]
    assert api[-1].json()["detail"].startswith("Terlalu banyak pencarian")
    # Another person is not held back by this one.
    assert _as(world.head).get(url, {"q": "x"}).status_code == 200


@override_settings(AKSALARASA_LOOKUP_RATE_PUBLIC="3/d")
def test_public_pairing_codes_are_limited_per_address(world):
    http = _as(None)
    urls = [reverse("programs:vote_open", args=["QQQQ9999"])] * 3
    assert [http.get(u).status_code for u in urls] == [404, 404, 404]
    refused = http.get(urls[0])
    assert refused.status_code == 429 and "Terlalu banyak pencarian" in refused.content.decode()
    elsewhere = HttpClient(REMOTE_ADDR="10.0.0.7")
    assert elsewhere.get(urls[0]).status_code == 404


def test_the_default_rate_leaves_normal_work_alone(world, settings):
    """A person at work searches, polls an import and checks people in far below the default rate:
    a minute of polling (60 requests) and 60 searches pass; the rates are real (not unlimited)."""
    assert settings.RATELIMIT_ENABLE
    for setting in ("AKSALARASA_LOOKUP_RATE", "AKSALARASA_LOOKUP_RATE_PUBLIC"):
        count, period = getattr(settings, setting).split("/")
        assert 60 <= int(count) <= 1000 and period == "m", setting
    http = _as(world.head)
    progress = reverse("clients:import_progress", args=[world.objects["run_own"]])
    assert {http.get(progress).status_code for _ in range(60)} == {200}
    assert {http.get(reverse("clients:list"), {"q": str(n)}).status_code for n in range(60)} == {200}


def test_the_rate_limited_api_operations_document_their_429():
    from config.api import api
    from config.openapi import RATE_LIMITED

    paths = api.get_openapi_schema()["paths"]
    for method, path in RATE_LIMITED:
        assert 429 in paths[path][method]["responses"] or "429" in paths[path][method]["responses"], path
