"""Partners (Pokmas Lipas), their services, referrals and partner feedback."""

from django.urls import path

from aksalarasa.partners import views

app_name = "partners"
urlpatterns = [
    path("", views.partner_list, name="partner_list"),
    path("new/", views.partner_create, name="partner_create"),
    path("directory/", views.public_directory, name="directory"),
    path("<int:pk>/", views.partner_detail, name="partner_detail"),
    path("<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("<int:pk>/services/new/", views.service_create, name="service_create"),
    path("<int:pk>/staff/", views.partner_staff, name="partner_staff"),
    path(
        "<int:pk>/staff/<int:membership_pk>/unlink/", views.partner_staff_unlink, name="partner_staff_unlink"
    ),
    path("services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("suggest/", views.service_suggest, name="service_suggest"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/new/", views.referral_create, name="referral_create"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/transition/", views.referral_transition, name="referral_transition"),
    path("referrals/<int:pk>/sessions/new/", views.partner_session_create, name="session_create"),
    path("referrals/<int:pk>/report/", views.service_report_create, name="report_create"),
    path("referrals/<int:pk>/certificate/", views.report_certificate, name="report_certificate"),
    path("notifications/", views.notification_list, name="notification_list"),
]
