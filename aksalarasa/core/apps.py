from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aksalarasa.core.navigation import NavItem, nav_register


class CoreConfig(AppConfig):
    name = "aksalarasa.core"
    label = "core"

    def ready(self) -> None:
        nav_register(NavItem("home", _("Home"), "core:home", lambda u: True, order=0))
