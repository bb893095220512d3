from django.apps import AppConfig

from aksalarasa.core.home import HomeBlock, home_block_register
from aksalarasa.core.navigation import NavItem, nav_register


class ProgramsConfig(AppConfig):
    name = "aksalarasa.programs"
    label = "programs"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from aksalarasa.programs import scoping, selectors

        scoping.register()
        nav_register(
            NavItem("programs", _("Programs"), "programs:list", scoping.can_browse_programs, order=50)
        )
        home_block_register(
            HomeBlock(
                "programs_mine",
                "programs/_home.html",
                lambda u: bool(u.is_authenticated and u.is_active and u.role_program_team),
                selectors.home_programs,
                order=45,
            )
        )
