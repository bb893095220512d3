from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aksalarasa.core.navigation import NavItem, nav_register


class CoreConfig(AppConfig):
    name = "aksalarasa.core"
    label = "core"

    def ready(self) -> None:
        import sys

        from aksalarasa.core import dbrouter, scoping

        dbrouter.check_settings()

        # django-stubs' mypy plugin reads the runtime managers: it must see the declared classes.
        if "mypy" not in sys.modules:
            scoping.install()
        nav_register(NavItem("home", _("Home"), "core:home", lambda u: True, order=0))
