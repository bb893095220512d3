"""One fictional staff member for every role (names invented; none is a real person)."""

from __future__ import annotations

from aksalarasa.accounts.models import User
from aksalarasa.accounts.roles import Role, role_field
from aksalarasa.seeding.demo import DEMO_PASSWORD, DemoContext

# username, full name, office key, roles, extra fields
DEMO_STAFF = [
    ("ditjenpas", "Rahmat Santoso", None, [Role.NATIONAL], {}),
    ("kanwil.bali", "Luh Gede Sukmawati", None, [Role.REGIONAL], {"regional": "kanwil_bali"}),
    ("kabapas.dps", "Ida Ayu Pramesti", "denpasar", [Role.OFFICE_HEAD], {"nip": "197805122003122001"}),
    ("kasi.bkd", "Komang Adi Saputra", "denpasar", [Role.SECTION_HEAD], {"section": "adult"}),
    ("kasi.bka", "Ni Wayan Sriani", "denpasar", [Role.SECTION_HEAD], {"section": "child"}),
    (
        "pk.putu",
        "Putu Eka Mahendra",
        "denpasar",
        [Role.OFFICER],
        {"section": "adult", "officer_grade": "madya"},
    ),
    (
        "pk.ketut",
        "Ketut Ayu Lestari",
        "denpasar",
        [Role.OFFICER],
        {"section": "child", "officer_grade": "muda"},
    ),
    (
        "pk.nyoman",
        "Nyoman Budi Arsana",
        "denpasar",
        [Role.OFFICER],
        {"section": "adult", "officer_grade": "pertama"},
    ),
    ("tim.program", "Gede Arya Darmawan", "denpasar", [Role.PROGRAM_TEAM], {}),
    ("mitra.gerasa", "Kadek Dwi Astuti", "denpasar", [Role.PARTNER_STAFF], {}),
    # The Pokmas Lipas member who supervises the beach site (the sentences demo links the membership).
    ("pengawas.segara", "Wayan Segara Putra", "denpasar", [Role.PARTNER_STAFF, Role.SITE_SUPERVISOR], {}),
    ("admin.dps", "Made Sri Utami", "denpasar", [Role.ADMIN], {}),
    ("kabapas.sby", "Bambang Wicaksono", "surabaya", [Role.OFFICE_HEAD], {}),
    (
        "pk.sby",
        "Siti Nurhaliza Rahayu",
        "surabaya",
        [Role.OFFICER],
        {"section": "adult", "officer_grade": "muda"},
    ),
]


def load(ctx: DemoContext) -> None:
    for username, full_name, office_key, roles, extra in DEMO_STAFF:
        office = ctx.objects[office_key] if office_key else None
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                email=f"{username}@demo.aksalarasa.invalid",
                office=office,
                section=extra.get("section", ""),
                officer_grade=extra.get("officer_grade", ""),
                nip=extra.get("nip", ""),
                regional_office=ctx.objects[extra["regional"]] if "regional" in extra else None,
            )
            for role in roles:
                setattr(user, role_field(role), True)
            user.set_password(DEMO_PASSWORD)
            user.save()
            ctx.count("staff accounts", True)
        ctx.objects[f"user:{username}"] = user
        ctx.accounts.append(
            (username, ", ".join(str(Role(r).label) for r in roles), office.name if office else "-")
        )
