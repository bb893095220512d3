from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "aksalarasa.core"
    label = "core"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from aksalarasa.core.navigation import NavItem, nav_register

        nav_register(NavItem("home", _("Home"), "core:home", lambda u: True, order=0))
        nav_register(
            NavItem(
                "list",
                _("Offices"),
                "offices:list",
                lambda u: u.is_superuser or u.role_national or u.role_regional,
                order=80,
            )
        )
        nav_register(
            NavItem(
                "staff_list",
                _("Staff"),
                "accounts:staff_list",
                lambda u: (
                    u.is_superuser or u.can_manage_staff or u.has_role("section_head", "national", "regional")
                ),
                order=85,
            )
        )
        nav_register(
            NavItem(
                "access_log",
                _("Access log"),
                "audit:access_log",
                lambda u: u.is_superuser or u.role_office_head,
                order=90,
            )
        )
