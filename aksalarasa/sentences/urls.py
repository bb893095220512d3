"""Community sentences: orders, the hours ledger, suitability and service sites."""

from django.urls import path

from aksalarasa.sentences import compliance_views, views
from aksalarasa.sentences.supervisor import urls as supervisor_urls

app_name = "sentences"
urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("new/", views.order_create, name="order_create"),
    path("<int:pk>/", views.order_detail, name="order_detail"),
    path("<int:pk>/edit/", views.order_edit, name="order_edit"),
    path("<int:pk>/hours/", views.hours_add, name="hours_add"),
    path("<int:pk>/hours/correction/", views.hours_correct, name="hours_correct"),
    path("litmas/<int:pk>/suitability/", views.suitability_edit, name="suitability"),
    path("sites/", views.site_list, name="site_list"),
    path("sites/new/", views.site_create, name="site_create"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
]

from aksalarasa.sentences.plan_urls import urlpatterns as plan_urlpatterns  # noqa: E402

urlpatterns += plan_urlpatterns
# Non-compliance, condition checks, letters and completion (compliance_views.py).
urlpatterns += [
    path("<int:pk>/compliance/new/", compliance_views.event_create, name="event_create"),
    path("compliance/<int:pk>/evidence/", compliance_views.event_evidence, name="event_evidence"),
    path("compliance/<int:pk>/reason/", compliance_views.event_reason, name="event_reason"),
    path("<int:pk>/letters/warning/", compliance_views.warning_create, name="warning_create"),
    path("<int:pk>/letters/breach/", compliance_views.breach_report, name="breach_report"),
    path("<int:pk>/complete/", compliance_views.order_complete, name="order_complete"),
    path("<int:pk>/checks/new/", compliance_views.check_create, name="check_create"),
    path("<int:pk>/letters/advice/", compliance_views.advice_create, name="advice_create"),
    path("letters/<int:pk>.<str:fmt>", compliance_views.letter_download, name="letter_download"),
]
urlpatterns += supervisor_urls.urlpatterns
