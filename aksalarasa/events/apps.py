from django.apps import AppConfig

from aksalarasa.core.home import HomeBlock, home_block_register
from aksalarasa.core.navigation import NavItem, nav_register


def _home_invitations(user) -> dict:
    from aksalarasa.events.selectors import invitations_pending_for_officer

    return {"invitations": invitations_pending_for_officer(user)}


class EventsConfig(AppConfig):
    name = "aksalarasa.events"
    label = "events"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from django.utils.translation import gettext_lazy as _

        from aksalarasa.events import fastpath
        from aksalarasa.events.selectors import program_event_dates, program_event_summary
        from aksalarasa.programs.consistency import cycle_dates_register
        from aksalarasa.programs.selectors import program_event_summary_register

        program_event_summary_register(program_event_summary)
        cycle_dates_register("events", program_event_dates)

        # The scanners' lean check-in path remembers tokens and permissions for a few seconds:
        # a revoked token, a changed user or program team forgets them at once in this process.
        for model in ("accounts.ApiToken", "accounts.User", "programs.ProgramMember"):
            post_save.connect(fastpath.cache_clear, sender=model, dispatch_uid=f"fastpath-{model}-save")
            post_delete.connect(fastpath.cache_clear, sender=model, dispatch_uid=f"fastpath-{model}-del")

        nav_register(
            NavItem(
                key="events",
                label=_("Events"),
                url_name="events:list",
                allowed=lambda u: (
                    bool(u.office_id)
                    and u.has_role("office_head", "section_head", "officer", "admin", "program_team")
                ),
                order=60,
            )
        )
        # A PK's pending invitation requests lead their home page (the block is empty without any).
        home_block_register(
            HomeBlock(
                "events_invitations",
                "events/_home_invitations.html",
                lambda u: bool(u.role_officer and u.office_id),
                _home_invitations,
                order=8,
            )
        )
