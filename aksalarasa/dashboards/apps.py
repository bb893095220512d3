from django.apps import AppConfig

from aksalarasa.core.navigation import NavItem, nav_register


class DashboardsConfig(AppConfig):
    name = "aksalarasa.dashboards"
    label = "dashboards"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from aksalarasa.dashboards.selectors import can_see_aggregates, can_see_office_dashboard

        nav_register(
            NavItem(
                "office_dashboard", _("Dashboard"), "dashboards:office", can_see_office_dashboard, order=5
            )
        )
        nav_register(
            NavItem(
                "aggregate_dashboard", _("Dashboard"), "dashboards:aggregate", can_see_aggregates, order=6
            )
        )
