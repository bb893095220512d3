from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aksalarasa.core.home import home_context_register
from aksalarasa.core.navigation import NavItem, nav_register


class OfficesConfig(AppConfig):
    name = "aksalarasa.offices"
    label = "offices"
    verbose_name = "Offices"

    def ready(self) -> None:
        from aksalarasa.offices.selectors import home_summary

        home_context_register(home_summary)
        nav_register(
            NavItem(
                "list",
                _("Offices"),
                "offices:list",
                lambda u: u.is_superuser or u.role_national or u.role_regional,
                order=80,
            )
        )
