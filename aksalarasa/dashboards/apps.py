from django.apps import AppConfig

from aksalarasa.core.home import HomeBlock, home_block_register
from aksalarasa.core.navigation import NavItem, nav_register


def _home_figures(user) -> dict:
    from django.utils.translation import gettext as _

    from aksalarasa.dashboards.selectors import can_see_aggregates

    if can_see_aggregates(user):
        return {
            "url": "dashboards:aggregate",
            "text": _("clients, guidance and programs by office and month; cells under 5 are hidden"),
            "counts": True,
        }
    return {"url": "dashboards:office", "text": _("your office's clients, guidance, referrals and programs")}


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
        # National and regional viewers see figures first; an office's heads see them after what
        # needs their attention.
        home_block_register(
            HomeBlock(
                "dashboards_aggregate", "dashboards/_home.html", can_see_aggregates, _home_figures, order=5
            )
        )
        home_block_register(
            HomeBlock(
                "dashboards_office",
                "dashboards/_home.html",
                lambda u: can_see_office_dashboard(u) and not can_see_aggregates(u),
                _home_figures,
                order=60,
            )
        )
