from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from aksalarasa.offices.models import Office, RegionalOffice


@admin.register(Office)
class OfficeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "office_class", "regional_office", "time_zone"]
    filter_horizontal = ["work_area"]


@admin.register(RegionalOffice)
class RegionalOfficeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "province"]
