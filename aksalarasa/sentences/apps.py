from django.apps import AppConfig

from aksalarasa.core.home import HomeBlock, home_block_register
from aksalarasa.core.navigation import NavItem, nav_register


class SentencesConfig(AppConfig):
    name = "aksalarasa.sentences"
    label = "sentences"
    verbose_name = "Community sentences"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from aksalarasa.clients.importing import importer_register
        from aksalarasa.clients.masking import PARTNER_NAME_RULES
        from aksalarasa.clients.registry import ClientPanel, client_panel_register
        from aksalarasa.sentences import scoping
        from aksalarasa.sentences.importing import OrderImporter
        from aksalarasa.sentences.selectors import client_panel, supervises_client

        importer_register(OrderImporter)

        client_panel_register(
            ClientPanel("sentences", "sentences/_client_panel.html", client_panel, order=25)
        )

        # A site supervisor (partner staff) sees the name of an adult placed at their site.
        if supervises_client not in PARTNER_NAME_RULES:
            PARTNER_NAME_RULES.append(supervises_client)
        nav_register(
            NavItem(
                "sentence_orders",
                _("Community sentences"),
                "sentences:order_list",
                scoping.can_see_orders,
                order=35,
            )
        )
        from aksalarasa.sentences.supervisor.selectors import is_site_supervisor

        nav_register(
            NavItem("site_app", _("Site app"), "sentences:supervisor_app", is_site_supervisor, order=30)
        )
        nav_register(
            NavItem(
                "service_sites", _("Service sites"), "sentences:site_list", scoping.can_browse_sites, order=45
            )
        )

        # The section head (Kasi) and the office head: complaints people raised about their placement.
        from aksalarasa.sentences.person import open_complaints_count

        home_block_register(
            HomeBlock(
                key="placement_complaints",
                template="sentences/_home_complaints.html",
                allowed=scoping.can_see_complaints,
                data=lambda u: {"open": open_complaints_count(viewer=u)},
                order=15,
            )
        )
