"""Factories for every model (factory-boy). Use `.build()` when no database is needed."""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password

from aksalarasa.accounts.models import User
from aksalarasa.offices.models import Office, Region, RegionalOffice

PASSWORD = "Test-password-2026"
_PASSWORD_HASH: list[str] = []


def password_hash() -> str:
    """Hash the shared test password once (argon2 is deliberately slow)."""
    if not _PASSWORD_HASH:
        _PASSWORD_HASH.append(make_password(PASSWORD))
    return _PASSWORD_HASH[0]


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
    code = factory.Sequence(lambda n: "".join("ACDEFGHJKMNPQRTUVWXY34679"[(n // 25**i) % 25] for i in range(6)))
    name = factory.Sequence(lambda n: f"Warga Uji {n}")
    consent_data = True
