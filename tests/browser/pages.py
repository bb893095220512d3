"""Every page of the app, who may see it and how to reach it. The accessibility test walks this list.

To add a page of a new app, append a `PageCase` to `PAGES` (keep pages that change something,
like the recovery codes, near the end). A page reached by a plain GET needs `url`; a page reached
through a form (the result of a POST, a step of a login) needs `visit` instead, which must leave
the tab on that page. A page that needs its own rows (a client, a program) creates them in
`setup`, which runs once when the world is built; it may keep what it made in `world.extra`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from aksalarasa.accounts.models import User
from aksalarasa.accounts.roles import Role
from aksalarasa.audit.services import access_record
from aksalarasa.offices.models import Office
from tests.browser import helpers
from tests.factories import PASSWORD, OfficeFactory, make_user

ANONYMOUS = "anonymous"
STAFF = frozenset(role.value for role in Role)
HEADS = frozenset({Role.OFFICE_HEAD.value, Role.ADMIN.value})
# The partner's side: partner staff and the site supervisor (whose one page is the site app) read
# no program, evidence, event or partner page of the office.
PARTNER_SIDE = frozenset({Role.PARTNER_STAFF.value, Role.SITE_SUPERVISOR.value})
STAFF_BROWSERS = HEADS | {Role.SECTION_HEAD.value, Role.NATIONAL.value, Role.REGIONAL.value}


@dataclass
class World:
    """The rows the pages show: one office, one user per role there, a colleague to manage."""

    office: Office
    users: dict[str, User]
    colleague: User
    password: str = PASSWORD
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PageCase:
    name: str
    roles: frozenset[str]
    url: Callable[[World], str] | None = None
    visit: Callable[[Page, World], None] | None = None
    setup: Callable[[World], None] | None = None

    def open(self, page: Page, world: World) -> None:
        """Bring the tab to this page, failing if it answers with an error or redirects away."""
        if self.visit is not None:
            self.visit(page, world)
            return
        assert self.url is not None, f"{self.name}: give either url or visit"
        url = self.url(world)
        response = page.goto(url)
        assert response is not None and response.ok, (
            f"{self.name}: {url} answered {response and response.status}"
        )
        final = page.url.split("://", 1)[-1].split("/", 1)[-1]
        assert "/" + final == url, f"{self.name}: {url} redirected to /{final}"


# Pages reached through a form.


def _login_with_errors(page: Page, world: World) -> None:
    page.goto(reverse("accounts:login"))
    helpers.submit_main_form(page)
    page.wait_for_selector(".errorlist")


def _setup_two_factor_user(world: World) -> None:
    user = make_user(Role.OFFICER.value, world.office, username="dua.faktor")
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    world.extra["two_factor_user"] = user


def _login_verify(page: Page, world: World) -> None:
    helpers.browser_login(page, world.extra["two_factor_user"].username, world.password)
    assert page.url.endswith(reverse("accounts:login_verify")), page.url


def _setup_locked_user(world: World) -> None:
    world.extra["locked_user"] = make_user(Role.OFFICER.value, world.office, username="terkunci")


def _locked_out(page: Page, world: World) -> None:
    statuses = []
    for _attempt in range(5):
        page.goto(reverse("accounts:login"))
        page.fill("#id_username", world.extra["locked_user"].username)
        page.fill("#id_password", "salah-sekali-2026")
        with page.expect_navigation() as nav:
            page.click(helpers.MAIN_SUBMIT)
        statuses.append(nav.value.status if nav.value else None)
    assert statuses[-1] == 429, f"expected the lock-out page (429) on the 5th failure, got {statuses}"


def _staff_search(page: Page, world: World) -> None:
    page.goto(reverse("accounts:staff_list"))
    with page.expect_response(lambda r: "/accounts/staff/?q=" in r.url):
        page.fill("#staff-q", world.colleague.full_name[:6])
    page.wait_for_selector(f"#staff-rows >> text={world.colleague.full_name}")


def _staff_create_errors(page: Page, world: World) -> None:
    page.goto(reverse("accounts:staff_create"))
    helpers.submit_main_form(page)
    page.wait_for_selector(".errorlist")


def _staff_password_reset(page: Page, world: World) -> None:
    page.goto(reverse("accounts:staff_detail", args=[world.colleague.pk]))
    with page.expect_navigation():
        page.click(
            f"form[action='{reverse('accounts:staff_reset_password', args=[world.colleague.pk])}'] button"
        )
    page.wait_for_selector("#temp-password")


def _api_token_created(page: Page, world: World) -> None:
    page.goto(reverse("accounts:profile"))
    page.fill("#id_name", "skrip laptop")
    with page.expect_navigation():
        page.click(f"form[action='{reverse('accounts:api_token_create')}'] button[type=submit]")
    page.wait_for_selector("#token-value")


def _recovery_codes(page: Page, world: World) -> None:
    """Set up two-factor login (it leaves the tab on the recovery codes)."""
    page.goto(reverse("accounts:second_factor_setup"))
    key = helpers.totp_key(page.inner_text("#totp-secret"))
    page.fill("#id_token", helpers.totp_code(key))
    helpers.submit_main_form(page)
    page.wait_for_selector("#recovery-codes li")


def _setup_access_log(world: World) -> None:
    head = world.users[Role.OFFICE_HEAD.value]
    access_record(user=head, obj=world.colleague, office_id=world.office.pk, label="Contoh catatan")


# Programs: one program of the office with the program-team user as an editing member.
PROGRAM_READERS = STAFF - PARTNER_SIDE


def _setup_program(world: World) -> None:
    import datetime

    from aksalarasa.programs import services as program_services
    from tests.factories import make_program

    program = make_program(world.office, team=[(world.users[Role.PROGRAM_TEAM.value], True)])
    assessment = program_services.assessment_create(
        program=program,
        data={"title": "Rembug", "date": datetime.date(2026, 6, 8), "facilitator": "Fasilitator"},
    )
    for title in ("Motivasi rendah", "Interaksi kurang"):
        program_services.assessment_item_add(assessment=assessment, data={"kind": "problem", "title": title})
    program_services.assessment_voting_set(assessment=assessment, open=True)
    participant = program_services.assessment_participant_add(
        assessment=assessment, name="Warga", group="resident", sex="F"
    )
    workshop = program_services.workshop_create(
        program=program,
        actor=world.users[Role.PROGRAM_TEAM.value],
        data={
            "date": datetime.date(2026, 6, 11),
            "focus_question": "Apa yang kita lakukan?",
            "facilitator": "F",
        },
    )
    card = program_services.card_add(workshop=workshop, text="Bersih pantai")
    cluster = program_services.cluster_add(workshop=workshop, name="Aksi")
    program_services.card_add(workshop=workshop, text="Makan bersama")
    program_services.card_assign(card=card, cluster=cluster)
    world.extra.update(
        program=program, assessment=assessment, workshop=workshop, ballot_token=participant.ballot_token
    )


def _program_url(world: World, name: str, *args) -> str:
    return reverse(name, args=[world.extra["program"].pk, *args])


EVIDENCE_READERS = STAFF - PARTNER_SIDE
EVIDENCE_MANAGERS = frozenset(
    {
        Role.OFFICE_HEAD.value,
        Role.SECTION_HEAD.value,
        Role.OFFICER.value,
        Role.ADMIN.value,
        Role.PROGRAM_TEAM.value,
    }
)


def _setup_evidence(world: World) -> None:
    """A program with a resident questionnaire before and after (two answers each) for the evidence pages."""
    from aksalarasa.evidence import services as evidence_services
    from aksalarasa.evidence.models import InstrumentVersion
    from tests.factories import make_program

    evidence_services.instruments_install_defaults()
    version = InstrumentVersion.objects.get(instrument__key="resident-attitude", number=1)
    program = make_program(
        world.office, title="Program bukti", team=[(world.users[Role.PROGRAM_TEAM.value], True)]
    )
    head = world.users[Role.OFFICE_HEAD.value]
    administrations = {}
    for point in ("before", "after"):
        administrations[point] = evidence_services.administration_create(
            actor=head, program=program, instrument_version=version, group="resident", point=point
        )
        for n, value in enumerate((3, 4)):
            answers = {key: value for key in version.items.values_list("key", flat=True)}
            evidence_services.response_submit(
                administration=administrations[point], answers=answers, channel="online", code=f"UJI{n}00"
            )
    world.extra.update(
        evidence_program=program, evidence_version=version, evidence_before=administrations["before"]
    )


CLIENT_STAFF = frozenset({Role.OFFICE_HEAD.value, Role.SECTION_HEAD.value, Role.OFFICER.value})
CLIENT_HEADS = frozenset({Role.OFFICE_HEAD.value, Role.SECTION_HEAD.value})


def _setup_client(world: World) -> None:
    from aksalarasa.clients import services as client_services
    from tests.factories import SupervisionFactory, make_client

    officer = world.users[Role.OFFICER.value]
    subject = make_client(world.office, officer, full_name="I Made Halaman Uji", phone="+6281234567890")
    SupervisionFactory(client=subject)
    client_services.litmas_request(
        actor=officer,
        client=subject,
        data={"purpose": "guidance", "requested_on": subject.created_at.date(), "officer": officer.pk},
    )
    world.extra["client"] = subject


def _client_create_errors(page: Page, world: World) -> None:
    page.goto(reverse("clients:create"))
    page.fill("#id_nik", "123")
    with page.expect_navigation():
        page.click(helpers.MAIN_SUBMIT)
    assert page.locator(".errorlist").count() >= 1


PAGES: list[PageCase] = [
    # Before login.
    PageCase("login", frozenset({ANONYMOUS}), url=lambda w: reverse("accounts:login")),
    PageCase("login with errors", frozenset({ANONYMOUS}), visit=_login_with_errors),
    PageCase(
        "two-factor code step", frozenset({ANONYMOUS}), visit=_login_verify, setup=_setup_two_factor_user
    ),
    PageCase("locked out", frozenset({ANONYMOUS}), visit=_locked_out, setup=_setup_locked_user),
    # Core and offices.
    PageCase("home", STAFF, url=lambda w: reverse("core:home")),
    PageCase("offices", STAFF, url=lambda w: reverse("offices:list")),
    PageCase("office", STAFF, url=lambda w: reverse("offices:detail", args=[w.office.pk])),
    PageCase("office settings", HEADS, url=lambda w: reverse("offices:edit", args=[w.office.pk])),
    # Staff.
    PageCase("staff", STAFF_BROWSERS, url=lambda w: reverse("accounts:staff_list")),
    PageCase("staff search (htmx)", STAFF_BROWSERS, visit=_staff_search),
    PageCase(
        "staff member", STAFF_BROWSERS, url=lambda w: reverse("accounts:staff_detail", args=[w.colleague.pk])
    ),
    PageCase("new account", HEADS, url=lambda w: reverse("accounts:staff_create")),
    PageCase("new account with errors", HEADS, visit=_staff_create_errors),
    PageCase("edit account", HEADS, url=lambda w: reverse("accounts:staff_edit", args=[w.colleague.pk])),
    PageCase("one-time password", HEADS, visit=_staff_password_reset),
    # Own account.
    PageCase("password change", STAFF, url=lambda w: reverse("accounts:password_change")),
    PageCase("profile", STAFF, url=lambda w: reverse("accounts:profile")),
    PageCase("new API token", STAFF, visit=_api_token_created),
    PageCase("two-factor set-up", STAFF, url=lambda w: reverse("accounts:second_factor_setup")),
    # Audit.
    PageCase(
        "access log",
        frozenset({Role.OFFICE_HEAD.value}),
        url=lambda w: reverse("audit:access_log"),
        setup=_setup_access_log,
    ),
    # Programs (the program cycle). Readers: office staff, the program team member, national and regional.
    PageCase("programs", PROGRAM_READERS, url=lambda w: reverse("programs:list"), setup=_setup_program),
    PageCase(
        "new program",
        frozenset({Role.OFFICE_HEAD.value, Role.PROGRAM_TEAM.value}),
        url=lambda w: reverse("programs:create"),
    ),
    PageCase("program stages", PROGRAM_READERS, url=lambda w: _program_url(w, "programs:detail")),
    PageCase("program initiation", PROGRAM_READERS, url=lambda w: _program_url(w, "programs:initiation")),
    PageCase("program assessments", PROGRAM_READERS, url=lambda w: _program_url(w, "programs:assessments")),
    PageCase(
        "program assessment",
        PROGRAM_READERS,
        url=lambda w: _program_url(w, "programs:assessment", w.extra["assessment"].pk),
    ),
    PageCase(
        "program projector (MPA)",
        PROGRAM_READERS,
        url=lambda w: _program_url(w, "programs:assessment_projector", w.extra["assessment"].pk),
    ),
    PageCase("program planning", PROGRAM_READERS, url=lambda w: _program_url(w, "programs:planning")),
    PageCase(
        "program workshop",
        PROGRAM_READERS,
        url=lambda w: _program_url(w, "programs:workshop", w.extra["workshop"].pk),
    ),
    PageCase(
        "program projector (TOP)",
        PROGRAM_READERS,
        url=lambda w: _program_url(w, "programs:workshop_projector", w.extra["workshop"].pk),
    ),
    PageCase("program intervention", PROGRAM_READERS, url=lambda w: _program_url(w, "programs:intervention")),
    PageCase("program evaluation", PROGRAM_READERS, url=lambda w: _program_url(w, "programs:evaluation")),
    PageCase("program termination", PROGRAM_READERS, url=lambda w: _program_url(w, "programs:termination")),
    PageCase("vote: enter code", frozenset({ANONYMOUS}), url=lambda w: reverse("programs:vote_start")),
    PageCase(
        "vote: join",
        frozenset({ANONYMOUS}),
        url=lambda w: reverse("programs:vote_open", args=[w.extra["assessment"].code]),
    ),
    PageCase(
        "vote: ballot",
        frozenset({ANONYMOUS}),
        url=lambda w: reverse("programs:ballot", args=[w.extra["ballot_token"]]),
    ),
    PageCase(
        "idea cards",
        frozenset({ANONYMOUS}),
        url=lambda w: reverse("programs:cards_open", args=[w.extra["workshop"].code]),
    ),
    # Evidence (questionnaires and the evaluation).
    PageCase("evidence", EVIDENCE_READERS, url=lambda w: reverse("evidence:home"), setup=_setup_evidence),
    PageCase("questionnaires", EVIDENCE_READERS, url=lambda w: reverse("evidence:instruments")),
    PageCase(
        "questionnaire version",
        EVIDENCE_READERS,
        url=lambda w: reverse("evidence:version", args=[w.extra["evidence_version"].pk]),
    ),
    PageCase(
        "program questionnaires",
        EVIDENCE_READERS,
        url=lambda w: reverse("evidence:program", args=[w.extra["evidence_program"].pk]),
    ),
    PageCase(
        "questionnaire administration",
        EVIDENCE_READERS,
        url=lambda w: reverse("evidence:administration", args=[w.extra["evidence_before"].pk]),
    ),
    PageCase(
        "paper answers entry",
        EVIDENCE_MANAGERS,
        url=lambda w: reverse("evidence:enter", args=[w.extra["evidence_before"].pk]),
    ),
    PageCase(
        "program evaluation figures",
        EVIDENCE_READERS,
        url=lambda w: reverse("evidence:analysis", args=[w.extra["evidence_program"].pk]),
    ),
    PageCase(
        "public questionnaire",
        frozenset({ANONYMOUS}),
        url=lambda w: reverse("evidence:public", args=[w.extra["evidence_before"].public_token]),
    ),
    # Clients (owner: clients). The client is the officer's (adult section), so the office head, the
    # adult section head and the officer all see it.
    PageCase("clients", CLIENT_STAFF, url=lambda w: reverse("clients:list"), setup=_setup_client),
    PageCase("client", CLIENT_STAFF, url=lambda w: reverse("clients:detail", args=[w.extra["client"].pk])),
    PageCase("edit client", CLIENT_STAFF, url=lambda w: reverse("clients:edit", args=[w.extra["client"].pk])),
    PageCase("new client", CLIENT_STAFF, url=lambda w: reverse("clients:create")),
    PageCase("new client with errors", CLIENT_STAFF, visit=_client_create_errors),
    PageCase(
        "add supervision period",
        CLIENT_STAFF,
        url=lambda w: reverse("clients:supervision_create", args=[w.extra["client"].pk]),
    ),
    PageCase(
        "reassign officer",
        CLIENT_HEADS,
        url=lambda w: reverse("clients:reassign", args=[w.extra["client"].pk]),
    ),
    PageCase(
        "request Litmas",
        CLIENT_STAFF,
        url=lambda w: reverse("clients:litmas_create", args=[w.extra["client"].pk]),
    ),
    PageCase("Litmas list", CLIENT_STAFF, url=lambda w: reverse("clients:litmas_list")),
    PageCase("import clients", CLIENT_HEADS, url=lambda w: reverse("clients:import")),
    PageCase(
        "client counts",
        frozenset({Role.NATIONAL.value, Role.REGIONAL.value}),
        url=lambda w: reverse("clients:counts"),
    ),
    # Last: turns two-factor login on for the person walking the pages.
    PageCase("recovery codes", STAFF, visit=_recovery_codes),
]


# The main navigation: which roles see each entry (by URL name), for a person with that one role
# at an office (a section head with a section) and no partner memberships. An app that registers
# a nav item (aksalarasa/core/navigation.py) adds it here too; the navigation test fails until it does.
_R = Role
NAVIGATION: dict[str, frozenset[str]] = {
    "core:home": STAFF,
    "dashboards:office": frozenset({_R.OFFICE_HEAD, _R.SECTION_HEAD, _R.ADMIN}),
    "dashboards:aggregate": frozenset({_R.NATIONAL, _R.REGIONAL}),
    "clients:list": frozenset({_R.OFFICE_HEAD, _R.SECTION_HEAD, _R.OFFICER}),
    "guidance:caseload": frozenset({_R.OFFICER}),
    "guidance:section": frozenset({_R.SECTION_HEAD}),
    "guidance:office": frozenset({_R.OFFICE_HEAD}),
    "clients:counts": frozenset({_R.NATIONAL, _R.REGIONAL}),
    "clients:litmas_list": frozenset({_R.OFFICE_HEAD, _R.SECTION_HEAD, _R.OFFICER}),
    "partners:referral_list": frozenset({_R.OFFICE_HEAD, _R.SECTION_HEAD, _R.OFFICER, _R.PARTNER_STAFF}),
    "partners:partner_list": STAFF - PARTNER_SIDE,
    "programs:list": STAFF - PARTNER_SIDE,
    "events:list": frozenset({_R.OFFICE_HEAD, _R.SECTION_HEAD, _R.OFFICER, _R.ADMIN, _R.PROGRAM_TEAM}),
    "evidence:home": STAFF - PARTNER_SIDE,
    "offices:list": frozenset({_R.NATIONAL, _R.REGIONAL}),
    "accounts:staff_list": STAFF_BROWSERS,
    "audit:access_log": frozenset({_R.OFFICE_HEAD}),
    # Community sentences: the orders (the case file) for the guidance staff; the service sites for
    # every staff role (partner staff: the sites of their organisation and those they supervise).
    "sentences:order_list": frozenset({_R.OFFICE_HEAD, _R.SECTION_HEAD, _R.OFFICER}),
    "sentences:site_list": STAFF - {_R.SITE_SUPERVISOR},
    # The site supervisor's offline phone app.
    "sentences:supervisor_app": frozenset({_R.SITE_SUPERVISOR}),
}


def navigation_for(roles: list[str]) -> set[str]:
    """The URL names a person with these roles must see in the main navigation."""
    return {name for name, allowed in NAVIGATION.items() if allowed & set(roles)}


def pages_for(role: str) -> list[PageCase]:
    return [case for case in PAGES if role in case.roles]


def build_world() -> World:
    office = OfficeFactory(name="Bapas Kelas I Denpasar")
    OfficeFactory(name="Bapas Kelas I Surabaya")  # a second office, so lists have more than one row
    users = {role: make_user(role, office, username=f"uji.{role}") for role in sorted(STAFF)}
    colleague = make_user(Role.OFFICER.value, office, username="kolega", full_name="Kolega Sejawat")
    world = World(office=office, users=users, colleague=colleague)
    for case in PAGES:
        if case.setup is not None:
            case.setup(world)
    return world


# --- partners app: partners, services, staff links, referrals, partner feedback ---------------
# Inserted before the last entry: "recovery codes" must stay last (it turns two-factor login on).


def _setup_partners(world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from aksalarasa.partners import services as partner_services
    from tests.factories import PartnerFactory, PartnerServiceFactory, make_membership, make_partner_client

    partner = PartnerFactory(office=world.office, name="Yayasan Gerasa Uji", public_listing=True)
    service = PartnerServiceFactory(partner=partner, name="Pelatihan pembuatan kue")
    make_membership(world.users[Role.PARTNER_STAFF.value], partner)
    officer = world.users[Role.OFFICER.value]
    client = make_partner_client(
        world.office, officer, full_name="Wayan Uji Halaman", consent_share_partners=True
    )
    referral = partner_services.referral_create(
        client=client,
        service=service,
        actor=officer,
        reason="Butuh keterampilan",
        goals="Menyelesaikan pelatihan",
        shared_fields=["name"],
        send=True,
    )
    staff = world.users[Role.PARTNER_STAFF.value]
    partner_services.referral_transition(
        referral=referral, actor=staff, target="accepted", expected_version=referral.version
    )
    partner_services.partner_session_record(
        referral=referral,
        actor=staff,
        scheduled_at=timezone.now() - timedelta(days=1),
        outcome="attended",
        engagement=3,
        concern=True,
        concern_text="Terlambat",
        expected_version=referral.version,
    )
    world.extra.update(partner=partner, partner_service=service, referral=referral, referred_client=client)


_PARTNER_READERS = STAFF - PARTNER_SIDE
_PARTNER_KEEPERS = frozenset(
    {Role.OFFICE_HEAD.value, Role.SECTION_HEAD.value, Role.PROGRAM_TEAM.value, Role.ADMIN.value}
)
# The officer role's walkers include a second officer (the phone walk) who is not this client's
# officer: pages of one referral are walked by the heads, who see the same templates.
_REFERRAL_OFFICE = frozenset({Role.OFFICE_HEAD.value, Role.SECTION_HEAD.value})
_REFERRAL_READERS = _REFERRAL_OFFICE | {Role.PARTNER_STAFF.value}
_REFERRAL_LISTS = _REFERRAL_READERS | {Role.OFFICER.value}
_PARTNER_ONLY = frozenset({Role.PARTNER_STAFF.value})

PAGES[-1:-1] = [
    PageCase(
        "partners", _PARTNER_READERS, url=lambda w: reverse("partners:partner_list"), setup=_setup_partners
    ),
    PageCase(
        "partner",
        STAFF - {Role.SITE_SUPERVISOR.value},
        url=lambda w: reverse("partners:partner_detail", args=[w.extra["partner"].pk]),
    ),
    PageCase("new partner", _PARTNER_KEEPERS, url=lambda w: reverse("partners:partner_create")),
    PageCase(
        "edit partner",
        _PARTNER_KEEPERS,
        url=lambda w: reverse("partners:partner_edit", args=[w.extra["partner"].pk]),
    ),
    PageCase(
        "new partner service",
        _PARTNER_KEEPERS,
        url=lambda w: reverse("partners:service_create", args=[w.extra["partner"].pk]),
    ),
    PageCase(
        "partner staff accounts",
        HEADS,
        url=lambda w: reverse("partners:partner_staff", args=[w.extra["partner"].pk]),
    ),
    PageCase("partner directory", frozenset({ANONYMOUS}), url=lambda w: reverse("partners:directory")),
    PageCase("referrals", _REFERRAL_LISTS, url=lambda w: reverse("partners:referral_list")),
    PageCase(
        "referral",
        _REFERRAL_READERS,
        url=lambda w: reverse("partners:referral_detail", args=[w.extra["referral"].pk]),
    ),
    PageCase(
        "refer a client",
        _REFERRAL_OFFICE,
        url=lambda w: reverse("partners:referral_create") + f"?client={w.extra['referred_client'].pk}",
    ),
    PageCase(
        "partner session",
        _PARTNER_ONLY,
        url=lambda w: reverse("partners:session_create", args=[w.extra["referral"].pk]),
    ),
    PageCase(
        "end-of-service report",
        _PARTNER_ONLY,
        url=lambda w: reverse("partners:report_create", args=[w.extra["referral"].pk]),
    ),
    PageCase("notifications", _REFERRAL_LISTS, url=lambda w: reverse("partners:notification_list")),
]


# --- events app: event pages for staff, the public page and registration ------------------------

_EVENT_READERS = STAFF - PARTNER_SIDE
_EVENT_EDITORS = frozenset(
    {
        Role.OFFICE_HEAD.value,
        Role.SECTION_HEAD.value,
        Role.OFFICER.value,
        Role.ADMIN.value,
        Role.PROGRAM_TEAM.value,
    }
)


def _setup_event(world: World) -> None:
    import datetime

    from django.utils import timezone

    from aksalarasa.events import services as event_services
    from aksalarasa.events.models import Event
    from aksalarasa.programs.models import ProgramMember
    from tests.factories import EventFactory, RegistrationFactory, make_event_program

    program = make_event_program(world.office, title="Program acara uji")
    ProgramMember.objects.create(
        office=world.office, program=program, user=world.users[Role.PROGRAM_TEAM.value], role="Fasilitator"
    )
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    event = EventFactory(
        office=world.office,
        program=program,
        name="Bakti sosial uji",
        start=start,
        end=start + datetime.timedelta(hours=2),
        village_code="51.71.01.2010",
    )
    Event.objects.filter(pk=event.pk).update(published=True)
    world.extra["agenda_item"] = event.agenda.create(position=1, title="Registrasi peserta", lead="Panitia")
    event.checklist.create(kind="venue", title="Menyiapkan lokasi", owner="Tim")
    actor = world.users[Role.OFFICER.value]
    for name in ("Warga Satu", "Warga Dua", "Warga Tiga"):
        reg = RegistrationFactory(event=event, name=name)
        event_services.event_check_in(event=event, code=reg.code, actor=actor)
    event_services.teams_form(event=event, actor=actor, team_count=2)
    world.extra["event"] = event


def _event_url(world: World, name: str) -> str:
    return reverse(name, args=[world.extra["event"].pk])


def _public_registration_errors(page: Page, world: World) -> None:
    page.goto(_event_url(world, "events:public"))
    page.click("main form button[type=submit]")
    page.wait_for_selector(".errorlist")


def _public_registered(page: Page, world: World) -> None:
    page.goto(_event_url(world, "events:public"))
    page.fill("#id_name", "Ni Made Uji")
    page.check("#id_consent_data")
    page.wait_for_timeout(3200)  # the minimum fill time
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_selector("#registration-code")


PAGES[-1:-1] = [  # before the last page (it turns two-factor login on)
    PageCase("events", STAFF, url=lambda w: reverse("events:list"), setup=_setup_event),
    PageCase("event", _EVENT_READERS, url=lambda w: _event_url(w, "events:detail")),
    PageCase("edit event", _EVENT_EDITORS, url=lambda w: _event_url(w, "events:edit")),
    PageCase(
        "event with an agenda row open for editing",
        _EVENT_EDITORS,
        url=lambda w: f"{_event_url(w, 'events:detail')}?edit=agenda:{w.extra['agenda_item'].pk}",
    ),
    PageCase("event registrations", _EVENT_EDITORS, url=lambda w: _event_url(w, "events:registrations")),
    PageCase("event check-in", _EVENT_EDITORS, url=lambda w: _event_url(w, "events:checkin")),
    PageCase("event teams", _EVENT_EDITORS, url=lambda w: _event_url(w, "events:teams")),
    PageCase("event interactions", _EVENT_EDITORS, url=lambda w: _event_url(w, "events:interactions")),
    PageCase("public event page", frozenset({ANONYMOUS}), url=lambda w: _event_url(w, "events:public")),
    PageCase("public registration with errors", frozenset({ANONYMOUS}), visit=_public_registration_errors),
    PageCase("public registration done", frozenset({ANONYMOUS}), visit=_public_registered),
]


# --- guidance app: caseload, section and office overviews, a client's sessions, one session -----

_GUIDANCE_HEADS = frozenset({Role.OFFICE_HEAD.value, Role.SECTION_HEAD.value})


def _setup_guidance(world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import GuidanceSessionFactory, make_guidance_client

    officer = world.users[Role.OFFICER.value]
    subject = make_guidance_client(world.office, officer, full_name="Komang Uji Bimbingan")
    now = timezone.now()
    GuidanceSessionFactory(client=subject, scheduled_at=now - timedelta(days=40), outcome="unexcused")
    GuidanceSessionFactory(
        client=subject,
        scheduled_at=now - timedelta(days=12),
        outcome="attended",
        engagement=2,
        concern=True,
        concern_text="Kehilangan pekerjaan",
    )
    world.extra["guidance_client"] = subject
    world.extra["guidance_due"] = GuidanceSessionFactory(
        client=subject, scheduled_at=now - timedelta(hours=1)
    )
    GuidanceSessionFactory(client=subject, scheduled_at=now + timedelta(days=5))


def _guidance_record_errors(page: Page, world: World) -> None:
    page.goto(reverse("guidance:session_record", args=[world.extra["guidance_due"].pk]))
    # The form answers in place (HTMX) or as a new page (no JavaScript): wait for the errors either way.
    page.click("main form.record-form button[type=submit]")
    page.wait_for_selector(".errorlist", timeout=60_000)


PAGES[-1:-1] = [  # before the last page (it turns two-factor login on)
    PageCase(
        "caseload",
        frozenset({Role.OFFICER.value}),
        url=lambda w: reverse("guidance:caseload"),
        setup=_setup_guidance,
    ),
    PageCase(
        "section overview", frozenset({Role.SECTION_HEAD.value}), url=lambda w: reverse("guidance:section")
    ),
    PageCase(
        "office overview", frozenset({Role.OFFICE_HEAD.value}), url=lambda w: reverse("guidance:office")
    ),
    PageCase(
        "client guidance",
        _GUIDANCE_HEADS,
        url=lambda w: reverse("guidance:client_sessions", args=[w.extra["guidance_client"].pk]),
    ),
    PageCase(
        "guidance session",
        _GUIDANCE_HEADS,
        url=lambda w: reverse("guidance:session_detail", args=[w.extra["guidance_due"].pk]),
    ),
    PageCase(
        "record a session",
        _GUIDANCE_HEADS,
        url=lambda w: reverse("guidance:session_record", args=[w.extra["guidance_due"].pk]),
    ),
    PageCase("record a session with errors", _GUIDANCE_HEADS, visit=_guidance_record_errors),
    PageCase(
        "report-in schedule",
        _GUIDANCE_HEADS,
        url=lambda w: reverse("guidance:schedule_edit", args=[w.extra["guidance_client"].pk]),
    ),
]

# --- dashboards ---------------------------------------------------------------------------------

PAGES[-1:-1] = [  # before the last page (it turns two-factor login on)
    PageCase(
        "office dashboard",
        frozenset({Role.OFFICE_HEAD.value, Role.SECTION_HEAD.value, Role.ADMIN.value}),
        url=lambda w: reverse("dashboards:office"),
    ),
    PageCase(
        "aggregate dashboard",
        frozenset({Role.NATIONAL.value, Role.REGIONAL.value}),
        url=lambda w: reverse("dashboards:aggregate"),
    ),
]


# --- guidance app: group sessions (the list, a new one, one group with its one-screen record form) --


def _setup_group(world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from aksalarasa.guidance import services as guidance_services
    from tests.factories import make_guidance_client

    officer = world.users[Role.OFFICER.value]
    people = [make_guidance_client(world.office, officer, full_name=f"Peserta Kelompok {i}") for i in (1, 2)]
    world.extra["group"] = guidance_services.group_create(
        actor=officer,
        title="Bimbingan kelompok uji",
        kind="personality",
        place="community",
        scheduled_at=timezone.now() - timedelta(hours=1),
        participants=[p.pk for p in people],
    )


PAGES[-1:-1] = [  # before the last page (it turns two-factor login on)
    PageCase(
        "group sessions", CLIENT_STAFF, url=lambda w: reverse("guidance:group_list"), setup=_setup_group
    ),
    PageCase("new group session", CLIENT_STAFF, url=lambda w: reverse("guidance:group_create")),
    PageCase(
        "group session",
        CLIENT_STAFF,
        url=lambda w: reverse("guidance:group_detail", args=[w.extra["group"].pk]),
    ),
]
NAVIGATION["guidance:group_list"] = frozenset({_R.OFFICE_HEAD, _R.SECTION_HEAD, _R.OFFICER})
