from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "aksalarasa.programs"
    label = "programs"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from aksalarasa.core.navigation import NavItem, nav_register
        from aksalarasa.programs import scoping

        scoping.register()
        nav_register(
            NavItem("programs", _("Programs"), "programs:list", scoping.can_browse_programs, order=50)
        )
