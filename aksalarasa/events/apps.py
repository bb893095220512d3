from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "aksalarasa.events"
    label = "events"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from aksalarasa.core.navigation import NavItem, nav_register

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
