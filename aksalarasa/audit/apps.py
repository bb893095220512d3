from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aksalarasa.core.navigation import NavItem, nav_register


class AuditConfig(AppConfig):
    name = "aksalarasa.audit"
    label = "audit"

    def ready(self) -> None:
        nav_register(
            NavItem(
                "access_log",
                _("Access log"),
                "audit:access_log",
                lambda u: u.is_superuser or u.role_office_head,
                order=90,
            )
        )
