from django.apps import AppConfig

from aksalarasa.core.home import HomeBlock, home_block_register
from aksalarasa.core.navigation import NavItem, nav_register


class GuidanceConfig(AppConfig):
    name = "aksalarasa.guidance"
    label = "guidance"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from aksalarasa.clients.importing import importer_register
        from aksalarasa.guidance.importing import SessionImporter

        nav_register(
            NavItem("caseload", _("My caseload"), "guidance:caseload", lambda u: u.role_officer, order=20)
        )
        nav_register(
            NavItem(
                "section",
                _("Section overview"),
                "guidance:section",
                lambda u: bool(u.role_section_head and u.section and u.office_id),
                order=21,
            )
        )
        nav_register(
            NavItem(
                "office",
                _("Office overview"),
                "guidance:office",
                lambda u: bool(u.role_office_head and u.office_id),
                order=22,
            )
        )
        nav_register(
            NavItem(
                "guidance_groups",
                _("Group sessions"),
                "guidance:group_list",
                lambda u: bool(u.office_id and u.has_role("office_head", "section_head", "officer")),
                order=23,
            )
        )
        importer_register(SessionImporter)
        from aksalarasa.clients.registry import (
            ClientPanel,
            SubjectExportSection,
            client_anonymise_register,
            client_panel_register,
            subject_export_register,
        )
        from aksalarasa.guidance import client_hooks

        client_panel_register(
            ClientPanel(
                "guidance_timeline", "guidance/_client_panel.html", client_hooks.timeline_panel, order=10
            )
        )
        subject_export_register(
            SubjectExportSection(
                "guidance_sessions", _("Guidance sessions"), client_hooks.subject_export_rows
            )
        )
        client_anonymise_register(client_hooks.anonymise)
        home_block_register(
            HomeBlock(
                key="guidance_caseload",
                template="guidance/_home_caseload.html",
                allowed=lambda u: bool(u.role_officer and u.office_id),
                data=_home_caseload,
                order=10,
            )
        )
        home_block_register(
            HomeBlock(
                key="guidance_heads",
                template="guidance/_home_heads.html",
                allowed=_is_head,
                data=_home_heads,
                order=5,
            )
        )


def _is_head(user) -> bool:
    return bool(user.office_id and (user.role_office_head or (user.role_section_head and user.section)))


def _home_heads(user):
    from aksalarasa.guidance.selectors import home_head_attention

    return home_head_attention(user)


def _home_caseload(user):
    from aksalarasa.guidance.selectors import caseload_glance

    return caseload_glance(viewer=user, officer=user)
