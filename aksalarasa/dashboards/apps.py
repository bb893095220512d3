from django.apps import AppConfig

from aksalarasa.core.navigation import NavItem, nav_register


class DashboardsConfig(AppConfig):
    name = "aksalarasa.dashboards"
    label = "dashboards"

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save
        from django.utils.translation import gettext_lazy as _

        from aksalarasa.dashboards.services import COUNTED_MODELS, on_counted_write

        for label in COUNTED_MODELS:
            model = apps.get_model(label)
            post_save.connect(on_counted_write, sender=model, dispatch_uid=f"dash-{label}-save")
            post_delete.connect(on_counted_write, sender=model, dispatch_uid=f"dash-{label}-delete")

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
