from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
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
                )
            },
        ),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser", "must_change_password")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "full_name", "password1", "password2")}),)
