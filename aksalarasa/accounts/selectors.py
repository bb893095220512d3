from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from aksalarasa.accounts.models import ApiToken, User


def staff_list(*, viewer: User, query: str = "", include_inactive: bool = False) -> QuerySet[User]:
    qs = User.objects.visible_to(viewer).select_related("office", "regional_office")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if query:
        from django.db.models import Q

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
