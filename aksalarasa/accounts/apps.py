from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aksalarasa.core.home import HomeBlock, home_block_register
from aksalarasa.core.navigation import NavItem, nav_register
from aksalarasa.core.scoping import OfficeRule, register_office_rule
from aksalarasa.core.signals import language_chosen


def _pending_accounts(user):
    from aksalarasa.accounts.selectors import pending_accounts

    return pending_accounts(viewer=user)


def office_rule(user) -> OfficeRule:
    """Which offices' rows a person's queries may return at all (the scope; visible_to refines it).

    Superusers and national viewers: every office. Partner staff: every office too, because a
    partner may serve other regions and its referrals come from their offices; their rows are
    still limited by each model's visible_to (see docs/scoping.md). Everyone else: their own
    office, plus the offices of their region for regional viewers.
    """
    if not user.is_active:
        return OfficeRule()
    if user.is_superuser or user.role_national or user.role_partner_staff:
        return OfficeRule(everything=True)
    offices = (user.office_id,) if user.office_id else ()
    regions = (user.regional_office_id,) if user.role_regional and user.regional_office_id else ()
    return OfficeRule(office_ids=offices, region_ids=regions)


def _keep_language(sender, *, user, language: str, **kwargs) -> None:
    from aksalarasa.accounts.services import user_set_language

    user_set_language(user=user, language=language)


class AccountsConfig(AppConfig):
    name = "aksalarasa.accounts"
    label = "accounts"

    def ready(self) -> None:
        register_office_rule(office_rule)
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
