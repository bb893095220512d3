"""Events of a program: agenda, registrations, check-in, mixed teams, interactions."""

from django.urls import path

from aksalarasa.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("program/<int:program_id>/new/", views.event_create, name="create"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/flags/", views.event_flags, name="flags"),
    path("<int:pk>/part/<str:part>/add/", views.event_part_add, name="part_add"),
    path("<int:pk>/part/<str:part>/", views.event_part, name="part"),
    path("<int:pk>/part/<str:part>/<int:item>/", views.event_part_update, name="part_update"),
    path("<int:pk>/part/<str:part>/<int:item>/delete/", views.event_part_delete, name="part_delete"),
    path("<int:pk>/part/<str:part>/<int:item>/move/", views.event_part_move, name="part_move"),
    path("<int:pk>/checklist/<int:item>/toggle/", views.checklist_toggle, name="checklist_toggle"),
    path("<int:pk>/registrations/", views.registration_list, name="registrations"),
    path("<int:pk>/invitations/", views.invitation_request, name="invitation_request"),
    path("invitations/<int:pk>/", views.invitation_decide, name="invitation_decide"),
    path("<int:pk>/registrations/<str:code>/qr.svg", views.registration_qr, name="registration_qr"),
    path("<int:pk>/checkin/", views.checkin, name="checkin"),
    path("<int:pk>/teams/", views.teams, name="teams"),
    path("<int:pk>/interactions/", views.interactions, name="interactions"),
    # Public: the event page and registration form (published events only), no account needed.
    path("p/<int:pk>/", views.public_event, name="public"),
    path("p/<int:pk>/registered/<str:code>/", views.public_registered, name="public_registered"),
]
