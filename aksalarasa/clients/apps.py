from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aksalarasa.accounts.permissions import can
from aksalarasa.core.navigation import NavItem, nav_register


class ClientsConfig(AppConfig):
    name = "aksalarasa.clients"
    label = "clients"
    verbose_name = _("Clients")

    def ready(self) -> None:
        from aksalarasa.clients.client_import import ClientImporter
        from aksalarasa.clients.importing import importer_register
        from aksalarasa.clients.selectors import can_see_counts

        def guidance_staff(user) -> bool:
            return bool(user.office_id) and can(user, "client", "create")

        nav_register(NavItem("clients", _("Clients"), "clients:list", guidance_staff, order=20))
        nav_register(NavItem("litmas", _("Litmas"), "clients:litmas_list", guidance_staff, order=25))
        nav_register(NavItem("client_counts", _("Client counts"), "clients:counts", can_see_counts, order=22))
        importer_register(ClientImporter)
