from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aksalarasa.core.navigation import NavItem, nav_register


class EvidenceConfig(AppConfig):
    name = "aksalarasa.evidence"
    label = "evidence"
    verbose_name = _("Evidence")

    def ready(self) -> None:
        from aksalarasa.evidence.selectors import can_see_evidence, program_test_dates
        from aksalarasa.programs.consistency import cycle_dates_register

        cycle_dates_register("evidence", program_test_dates)

        nav_register(
            NavItem(
                key="evidence",
                label=_("Evidence"),
                url_name="evidence:home",
                allowed=can_see_evidence,
                order=70,
            )
        )
