from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aksalarasa.core.home import HomeBlock, home_block_register
from aksalarasa.core.navigation import NavItem, nav_register
from aksalarasa.core.signals import language_chosen


def _pending_accounts(user):
    from aksalarasa.accounts.selectors import pending_accounts

    return pending_accounts(viewer=user)


def _keep_language(sender, *, user, language: str, **kwargs) -> None:
    from aksalarasa.accounts.services import user_set_language

    user_set_language(user=user, language=language)


class AccountsConfig(AppConfig):
    name = "aksalarasa.accounts"
    label = "accounts"

    def ready(self) -> None:
        language_chosen.connect(_keep_language, dispatch_uid="accounts-keep-language")
        nav_register(
            NavItem(
                "staff_list",
                _("Staff"),
                "accounts:staff_list",
                lambda u: (
                    u.is_superuser or u.can_manage_staff or u.has_role("section_head", "national", "regional")
                ),
                order=85,
            )
        )
        home_block_register(
            HomeBlock(
                "accounts_pending",
                "accounts/_home_pending.html",
                lambda u: bool(u.office_id and u.role_admin),
                _pending_accounts,
                order=5,
            )
        )
