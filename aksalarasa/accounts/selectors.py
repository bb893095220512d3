from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from aksalarasa.accounts.models import ApiToken, User


def staff_list(*, viewer: User, query: str = "", include_inactive: bool = False) -> QuerySet[User]:
    qs = User.objects.visible_to(viewer).select_related("office", "regional_office")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if query:
        qs = qs.filter(
            Q(full_name__icontains=query) | Q(username__icontains=query) | Q(email__icontains=query)
        )
    return qs.order_by("full_name")


def staff_get_for_viewer(*, viewer: User, pk: int) -> User:
    user = User.objects.visible_to(viewer).select_related("office", "regional_office").filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def staff_manageable_by(*, viewer: User, user: User) -> bool:
    """Office heads and administrators manage the staff of their own office."""
    if viewer.is_superuser:
        return True
    return (
        viewer.can_manage_staff
        and user.office_id == viewer.office_id
        and not (user.is_superuser or user.role_national or user.role_regional)
    )


def login_name_canonical(name: str) -> str:
    """The one spelling of an account that lock-out counts failures against.

    People log in with their username or their e-mail, in any case; each spelling must count
    towards the same lock-out, or 'budi', 'Budi' and the e-mail would each get fresh attempts.
    A known account answers its username; an unknown name is lower-cased.
    """
    name = name.strip()
    field = "email__iexact" if "@" in name else "username__iexact"
    username = User.objects.filter(**{field: name}).values_list("username", flat=True).first()
    if username and "@" not in username:  # the backend reads a name with "@" as an e-mail
        return username
    return name.lower()


def api_token_list(*, viewer: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.visible_to(viewer)


def pending_accounts(*, viewer: User) -> dict:
    """The home block of an administrator (or office head): accounts of their office that are not
    ready yet: a first or reset password still to be chosen, or a two-factor login the office
    requires and the person has not set up."""
    staff = User.objects.visible_to(viewer).filter(office_id=viewer.office_id, is_active=True)
    waiting = list(staff.filter(must_change_password=True).order_by("full_name")[:10])
    without_factor: list[User] = []
    if viewer.office and viewer.office.require_2fa_for_heads:
        with_device = TOTPDevice.objects.filter(confirmed=True).values("user_id")
        without_factor = list(
            staff.filter(Q(role_office_head=True) | Q(role_section_head=True) | Q(role_admin=True))
            .exclude(pk__in=with_device)
            .order_by("full_name")[:10]
        )
    return {
        "password": waiting,
        "password_count": staff.filter(must_change_password=True).count(),
        "second_factor": without_factor,
    }
