from django.urls import path

from aksalarasa.guidance import views

app_name = "guidance"
urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/export.<str:fmt>", views.caseload_export, name="caseload_export"),
    path("section/", views.section, name="section"),
    path("office/", views.office, name="office"),
    path("clients/<int:client_pk>/", views.client_sessions, name="client_sessions"),
    path("clients/<int:client_pk>/record/", views.client_record, name="client_record"),
    path("clients/<int:client_pk>/schedule/", views.schedule_edit, name="schedule_edit"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/record/", views.session_record, name="session_record"),
    path("sessions/<int:pk>/reschedule/", views.session_reschedule, name="session_reschedule"),
    path("sessions/<int:pk>/concern/resolve/", views.concern_resolve, name="concern_resolve"),
    path("sessions/<int:pk>/reminder.ics", views.session_ics, name="session_ics"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
]
