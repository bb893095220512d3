from django.apps import AppConfig

from aksalarasa.accounts.permissions import PARTNER
from aksalarasa.core.home import HomeBlock, home_block_register
from aksalarasa.core.navigation import NavItem, nav_register


class PartnersConfig(AppConfig):
    name = "aksalarasa.partners"
    label = "partners"
    verbose_name = "Partners"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from aksalarasa.clients.masking import PARTNER_NAME_RULES
        from aksalarasa.clients.models import CLIENT_REACH
        from aksalarasa.guidance.models import SESSION_REACH
        from aksalarasa.partners import scoping
        from aksalarasa.partners.selectors import partner_name_shared

        if partner_name_shared not in PARTNER_NAME_RULES:
            PARTNER_NAME_RULES.append(partner_name_shared)

        from aksalarasa.clients.registry import (
            ClientPanel,
            SubjectExportSection,
            client_anonymise_register,
            client_panel_register,
            subject_export_register,
        )
        from aksalarasa.partners import client_hooks

        subject_export_register(
            SubjectExportSection("referrals", _("Referrals"), client_hooks.subject_export_rows)
        )
        client_anonymise_register(client_hooks.anonymise)
        client_panel_register(
            ClientPanel(
                "partner_referrals", "partners/_client_panel.html", client_hooks.referrals_panel, order=20
            )
        )

        CLIENT_REACH[PARTNER] = scoping.partner_client_scope
        SESSION_REACH[PARTNER] = scoping.partner_session_scope
        from aksalarasa.partners.selectors import home_referral_summary

        home_block_register(
            HomeBlock(
                "partners_referrals",
                "partners/_home_partner.html",
                scoping.can_see_referrals,
                home_referral_summary,
                order=30,
            )
        )
        nav_register(
            NavItem(
                "partner_list", _("Partners"), "partners:partner_list", scoping.can_browse_partners, order=40
            )
        )
        nav_register(
            NavItem(
                "referral_list", _("Referrals"), "partners:referral_list", scoping.can_see_referrals, order=30
            )
        )
