from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import Http404
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from aksalarasa.accounts.models import User


@admin.register(User)
class StaffAdmin(SimpleHistoryAdmin, UserAdmin):
    """For superusers: the one place where national and regional roles are granted."""

    list_display = ["username", "full_name", "office", "is_active"]
    ordering = ["full_name"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("full_name", "email", "nip", "phone", "language")}),
        ("Placement", {"fields": ("office", "regional_office", "section", "officer_grade")}),
        (
            "Roles",
            {
                "fields": (
                    "role_national",
                    "role_regional",
                    "role_office_head",
                    "role_section_head",
                    "role_officer",
                    "role_program_team",
                    "role_partner_staff",
                    "role_admin",
                    "role_site_supervisor",
                )
            },
        ),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser", "must_change_password")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "full_name", "password1", "password2")}),)


class MissingSafeTOTPDeviceAdmin(TOTPDeviceAdmin):
    """django-otp's TOTP admin reads the device of its config and QR code pages with
    `objects.get(pk=pk)`, so an id that does not exist answered 500; here it answers 404, like
    Django's own change pages (tests/test_lookups.py walks every admin URL with a missing id)."""

    def _existing(self, pk) -> None:
        if not TOTPDevice.objects.filter(pk=pk).exists():
            raise Http404

    def config_view(self, request, pk):
        self._existing(pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        self._existing(pk)
        return super().qrcode_view(request, pk)


if admin.site.is_registered(TOTPDevice):  # django_otp.plugins.otp_totp is listed before us
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, MissingSafeTOTPDeviceAdmin)
