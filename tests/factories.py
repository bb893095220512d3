"""Factories for every model (factory-boy). Use `.build()` when no database is needed."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from aksalarasa.accounts.models import User
from aksalarasa.offices.models import Office, Region, RegionalOffice

PASSWORD = "Test-password-2026"
_PASSWORD_HASH: dict[str, str] = {}


def password_hash() -> str:
    """Hash the shared test password once per hasher in use (argon2 is deliberately slow; tests of
    the production hashers switch to the slow one)."""
    hasher = settings.PASSWORD_HASHERS[0]
    if hasher not in _PASSWORD_HASH:
        _PASSWORD_HASH[hasher] = make_password(PASSWORD)
    return _PASSWORD_HASH[hasher]


class RegionalOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionalOffice

    name = factory.Sequence(lambda n: f"Kanwil Ditjenpas {n}")
    code = factory.Sequence(lambda n: f"kanwil-{n}")
    province = factory.LazyFunction(lambda: Region.objects.get(code="51"))


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Bapas Kelas I Kota {n}")
    code = factory.Sequence(lambda n: f"bapas-{n}")
    office_class = Office.OfficeClass.CLASS_I
    time_zone = Office.Zone.WITA
    regional_office = factory.SubFactory(RegionalOfficeFactory)

    @factory.post_generation
    def work_area(self, create, extracted, **kwargs):
        if create:
            self.work_area.set(Region.objects.filter(code__in=extracted or ["51.71", "51.03"]))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Staf Uji {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.LazyFunction(password_hash)
    office = factory.SubFactory(OfficeFactory)


def make_user(role: str, office: Office | None = None, **extra) -> User:
    """A user with exactly one role, placed the way that role needs."""
    fields: dict = {f"role_{role}": True, **extra}
    if role == "national":
        fields.setdefault("office", None)
    elif role == "regional":
        fields.setdefault("office", None)
        fields.setdefault("regional_office", office.regional_office if office else RegionalOfficeFactory())
    else:
        fields.setdefault("office", office)
        if role == "section_head":
            fields.setdefault("section", "adult")
        if role == "officer":
            fields.setdefault("officer_grade", "muda")
            fields.setdefault("section", "adult")
    return UserFactory(**fields)


# --- events app (Event, Registration) -------------------------------------------------------


def make_event_program(office: Office, **extra):
    """A program for event tests (the programs app may add its own factory; this stays minimal)."""
    import datetime

    from aksalarasa.programs.models import Program

    fields = {
        "office": office,
        "title": "Program uji",
        "acronym": "UJI",
        "start": datetime.date(2026, 1, 1),
        "end": datetime.date(2026, 12, 31),
        "created_by": extra.pop("created_by", None) or make_user("office_head", office),
    }
    fields.update(extra)
    return Program.objects.create(**fields)


def _event_now():
    from django.utils import timezone

    return timezone.now().replace(microsecond=0)


def _event_end(start):
    import datetime

    return start + datetime.timedelta(hours=2)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Event"

    office = factory.SubFactory(OfficeFactory)
    program = factory.LazyAttribute(lambda e: make_event_program(e.office))
    name = factory.Sequence(lambda n: f"Bakti sosial {n}")
    place = "Pantai Mertasari, Sanur"
    start = factory.LazyFunction(lambda: _event_now())
    end = factory.LazyAttribute(lambda e: _event_end(e.start))
    created_by = factory.LazyAttribute(lambda e: e.program.created_by)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Registration"

    event = factory.SubFactory(EventFactory)
    office = factory.LazyAttribute(lambda r: r.event.office)
    group = "resident"
    code = factory.Sequence(
        lambda n: "".join("ACDEFGHJKMNPQRTUVWXY34679"[(n // 25**i) % 25] for i in range(6))
    )
    name = factory.Sequence(lambda n: f"Warga Uji {n}")
    consent_data = True


# --- partners app (Partner, PartnerService, referrals) --------------------------------------


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partners.Partner"
        skip_postgeneration_save = True

    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"Yayasan Uji {n}")
    legal_form = "yayasan"
    focus_areas = "child protection, vocational training"

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create:
            self.regions.set(Region.objects.filter(code__in=extracted or ["51.71"]))


class PartnerServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partners.PartnerService"

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Pelatihan {n}")
    kind = "vocational"
    for_children = True
    for_adults = True
    capacity = 5


def make_partner_client(office: Office, officer: User | None = None, **extra):
    """A client for partner tests (category set directly; the clients app derives it normally)."""
    import datetime

    from aksalarasa.clients.models import Client

    n = next(_PARTNER_CLIENT_SEQ)
    category = extra.pop("category", "adult")
    fields = {
        "office": office,
        "register_number": f"PRT-{n:05d}",
        "full_name": extra.pop("full_name", f"Klien Uji Mitra {n}"),
        "sex": "M",
        "birth_date": datetime.date(2010, 5, 1) if category == "child" else datetime.date(1990, 5, 1),
        "category": category,
        "officer": officer,
        "regency_id": "51.71",
        "phone": "+6281234500000",
        "address": "Jl. Uji No. 1",
    }
    fields.update(extra)
    return Client.objects.create(**fields)


def _seq():
    n = 0
    while True:
        n += 1
        yield n


_PARTNER_CLIENT_SEQ = _seq()


def make_membership(user: User, partner):
    from aksalarasa.partners.models import PartnerMembership

    return PartnerMembership.objects.create(user=user, partner=partner)


def make_partner_world(office_a: Office, office_b: Office) -> dict:
    """Two offices, each role, partners with linked staff, clients and referrals in several states.

    Office A: officer `pk` (adult section) with adult clients `adult` (consents) and `adult2`;
    officer `pk_child` with child client `child` (consent, no guardian consent); partners `p1`
    (staff `staff1`) and `p2` (staff `staff2`). Office B: officer `pk_b`, client `client_b`,
    partner `p3` (staff `staff3`). Referrals: `r_sent` (adult -> p1), `r_draft` (adult2 -> p1,
    never sent), `r_child` (child -> p1, sent), `r_p2` (adult2 -> p2, sent), `r_b` (office B, sent).
    """
    from aksalarasa.partners import services

    w: dict = {"office_a": office_a, "office_b": office_b}
    for role in ("office_head", "program_team", "admin", "national", "regional"):
        w[role] = make_user(role, office_a)
    w["section_adult"] = make_user("section_head", office_a, section="adult")
    w["section_child"] = make_user("section_head", office_a, section="child")
    w["pk"] = make_user("officer", office_a, section="adult")
    w["pk_child"] = make_user("officer", office_a, section="child")
    w["pk_b"] = make_user("officer", office_b)
    w["head_b"] = make_user("office_head", office_b)
    w["p1"] = PartnerFactory(office=office_a, name="Yayasan Satu")
    w["p2"] = PartnerFactory(office=office_a, name="Koperasi Dua", focus_areas="employment")
    w["p3"] = PartnerFactory(office=office_b, name="Yayasan Tiga")
    w["s1"] = PartnerServiceFactory(partner=w["p1"], name="Tata boga", kind="vocational")
    w["s2"] = PartnerServiceFactory(
        partner=w["p2"], name="Penempatan kerja", kind="employment", for_children=False
    )
    w["s3"] = PartnerServiceFactory(partner=w["p3"], name="Konseling", kind="counselling")
    for key, partner, office in (
        ("staff1", "p1", office_a),
        ("staff2", "p2", office_a),
        ("staff3", "p3", office_b),
    ):
        w[key] = make_user("partner_staff", office)
        make_membership(w[key], w[partner])
    w["adult"] = make_partner_client(
        office_a, w["pk"], full_name="Wayan Uji Dewasa", consent_share_partners=True
    )
    w["adult2"] = make_partner_client(office_a, w["pk"], full_name="Made Uji Kedua")
    w["child"] = make_partner_client(
        office_a, w["pk_child"], category="child", full_name="Komang Uji Anak", consent_share_partners=True
    )
    w["client_b"] = make_partner_client(office_b, w["pk_b"], full_name="Budi Uji Surabaya")
    w["r_sent"] = services.referral_create(
        client=w["adult"],
        service=w["s1"],
        actor=w["pk"],
        reason="Butuh keterampilan",
        goals="Menyelesaikan pelatihan\nMembuat kue sendiri",
        shared_fields=["name", "phone"],
        send=True,
    )
    w["r_draft"] = services.referral_create(client=w["adult2"], service=w["s1"], actor=w["pk"], reason="Draf")
    w["r_child"] = services.referral_create(
        client=w["child"], service=w["s1"], actor=w["pk_child"], reason="Anak", send=True
    )
    w["r_p2"] = services.referral_create(
        client=w["adult2"], service=w["s2"], actor=w["pk"], reason="Kerja", send=True
    )
    w["r_b"] = services.referral_create(
        client=w["client_b"], service=w["s3"], actor=w["pk_b"], reason="Konseling", send=True
    )
    return w


# --- guidance (sessions, caseload) ---------------------------------------------------------------

_GUIDANCE_CLIENT_SEQ = _seq()


def _guidance_now():
    from django.utils import timezone

    return timezone.now()


def make_guidance_client(office: Office, officer: User | None = None, **extra):
    """A client for guidance tests (category set directly; the clients app derives it normally)."""
    import datetime

    from aksalarasa.clients.models import Client

    n = next(_GUIDANCE_CLIENT_SEQ)
    category = extra.pop("category", "adult")
    fields = {
        "office": office,
        "register_number": f"GDN-{n:05d}",
        "full_name": extra.pop("full_name", f"Klien Bimbingan {n}"),
        "sex": "M",
        "birth_date": datetime.date(2010, 5, 1) if category == "child" else datetime.date(1990, 5, 1),
        "category": category,
        "officer": officer,
        "phone": "+6281234567890",
    }
    fields.update(extra)
    return Client.objects.create(**fields)


class GuidanceSessionFactory(factory.django.DjangoModelFactory):
    """A session; pass client=..., the office follows the client."""

    class Meta:
        model = "guidance.GuidanceSession"

    client = None
    office = factory.LazyAttribute(lambda s: s.client.office)
    officer = factory.LazyAttribute(lambda s: s.client.officer)
    kind = "report_in"
    place = "office"
    scheduled_at = factory.LazyFunction(_guidance_now)
    outcome = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Like every session writer of the app, keep the client's roll-up summary current."""
        from aksalarasa.guidance.summaries import client_summaries_refresh

        session = super()._create(model_class, *args, **kwargs)
        client_summaries_refresh(clients=[session.client_id])
        return session


# --- clients app (owner: clients) --------------------------------------------------------------


def _client_category(client) -> str:
    from django.utils import timezone

    from aksalarasa.clients.rules import category_for

    return category_for(client.birth_date, timezone.localdate())


def _date(year: int, month: int, day: int):
    import datetime

    return datetime.date(year, month, day)


class ClientFactory(factory.django.DjangoModelFactory):
    """A client of `office`; the category is derived from the birth date as the service does."""

    class Meta:
        model = "clients.Client"

    office = factory.SubFactory(OfficeFactory)
    register_number = factory.Sequence(lambda n: f"REG-{n:05d}")
    full_name = factory.Sequence(lambda n: f"I Wayan Klien {n}")
    sex = "M"
    birth_date = factory.LazyFunction(lambda: _date(1990, 5, 17))
    category = factory.LazyAttribute(_client_category)
    regency_id = "51.71"


class SupervisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "clients.Supervision"

    client = factory.SubFactory(ClientFactory)
    office = factory.LazyAttribute(lambda s: s.client.office)
    program_type = "pb"
    start = factory.LazyFunction(lambda: _date(2026, 1, 5))
    end = factory.LazyFunction(lambda: _date(2026, 12, 31))
    status = "active"


def make_client(office: Office, officer: User | None = None, *, child: bool = False, **extra):
    """A client with an open officer assignment when `officer` is given; `child=True` makes them 15."""
    import datetime

    from django.utils import timezone

    from aksalarasa.clients.models import OfficerAssignment

    if child:
        today = timezone.localdate()
        extra.setdefault("birth_date", today - datetime.timedelta(days=15 * 365 + 60))
    client = ClientFactory(office=office, officer=officer, **extra)
    if officer is not None:
        OfficerAssignment.objects.create(office=office, client=client, officer=officer)
    return client


# --- programs app (Program and its stage records) --------------------------------------------


def make_program(office: Office, *, team: list[tuple[User, bool]] | None = None, **extra):
    """A program of `office`; `team` lists (user, can_edit) members."""
    import datetime

    from aksalarasa.programs.models import Program, ProgramMember

    fields = {
        "office": office,
        "title": extra.pop("title", "Program komunitas uji"),
        "acronym": "PKU",
        "start": datetime.date(2026, 5, 30),
        "end": datetime.date(2026, 7, 12),
        "created_by": extra.pop("created_by", None) or make_user("office_head", office),
    }
    fields.update(extra)
    program = Program.objects.create(**fields)
    for user, can_edit in team or []:
        ProgramMember.objects.create(
            office=office, program=program, user=user, role="Anggota", can_edit=can_edit
        )
    return program


# --- sentences app (ServiceSite, SentenceOrder, HoursEntry) ------------------------------------


def make_site(office: Office, partner=None, *, supervisors=(), **extra):
    """A service site of `office` through the service (a partner's site when `partner` is given)."""
    import datetime

    from aksalarasa.offices.models import Region
    from aksalarasa.sentences.services import site_create

    n = next(_SITE_SEQ)
    actor = extra.pop("actor", None) or make_user("office_head", office)
    data = {
        "name": f"Lokasi Uji {n}",
        "kind": "partner" if partner else "griya_abhipraya",
        "partner": partner,
        "address": "Jl. Pantai No. 1",
        "regency": Region.objects.get(code="51.71"),
        "village_code": "51.71.01.2010",
        "work_kinds": "kebersihan pantai",
        "capacity_per_day": 5,
        "opening_days": "123456",
        "opens_at": datetime.time(7, 0),
        "closes_at": datetime.time(17, 0),
        "non_commercial": True,
        "supervisors": list(supervisors),
        "active": True,
        **extra,
    }
    return site_create(actor=actor, office=office, data=data)


_SITE_SEQ = _seq()


def order_data(**extra) -> dict:
    """A lawful community-service decision (UU 1/2023 Art. 85), started 30 days ago."""
    import datetime

    from django.utils import timezone

    n = next(_ORDER_SEQ)
    today = timezone.localdate()
    return {
        "sentence_type": "community_service",
        "court": "Pengadilan Negeri Denpasar",
        "case_number": f"{n}/Pid.B/2026/PN Dps",
        "case_registered_on": today - datetime.timedelta(days=60),
        "decision_number": f"{n}/Pid.B/2026/PN Dps/Put",
        "decision_date": today - datetime.timedelta(days=35),
        "article": "Pasal 476 UU 1/2023",
        "threatened_months": 36,
        "hours_ordered": 120,
        "hours_per_day": 4,
        "period_months": 6,
        "start_date": today - datetime.timedelta(days=30),
        "replaced_prison_days": 90,
        "replaced_fine": None,
        "prosecutor_office": "Kejaksaan Negeri Denpasar",
        **extra,
    }


_ORDER_SEQ = _seq()


def make_order(client, actor=None, **extra):
    from aksalarasa.sentences.services import order_create

    actor = actor or make_user("office_head", client.office)
    return order_create(actor=actor, client=client, data=order_data(**extra))


def zone_on_another_day(office_zone: str) -> str:
    """A zone where the date is not the office's right now: UTC-12 and UTC+14 are 26 hours apart,
    so at any moment one of them is on another day than a WIB/WITA/WIT office."""
    office_day = timezone.localdate(timezone=ZoneInfo(office_zone))
    for zone in ("Etc/GMT+12", "Pacific/Kiritimati"):
        if timezone.localdate(timezone=ZoneInfo(zone)) != office_day:
            return zone
    raise AssertionError("no zone on another day")  # impossible: 26 hours apart
