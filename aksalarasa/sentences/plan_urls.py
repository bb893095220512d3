"""The work plan's pages (added to the sentences URLconf, namespace "sentences")."""

from django.urls import path

from aksalarasa.sentences import plan_views

urlpatterns = [
    path("<int:pk>/plan/", plan_views.plan, name="plan"),
    path("<int:pk>/plan/propose/", plan_views.plan_propose, name="plan_propose"),
    path("<int:pk>/plan/sessions/", plan_views.session_add, name="plan_session_add"),
    path("<int:pk>/plan/unavailable/", plan_views.unavailable_add, name="plan_unavailable_add"),
    path("plan/sessions/<int:pk>/edit/", plan_views.session_edit, name="plan_session_edit"),
    path("plan/sessions/<int:pk>/delete/", plan_views.session_delete, name="plan_session_delete"),
    path("plan/unavailable/<int:pk>/delete/", plan_views.unavailable_delete, name="plan_unavailable_delete"),
]

from aksalarasa.sentences import person_views  # noqa: E402

urlpatterns += [
    path("me/<str:token>/", person_views.own_page, name="own_page"),
    path("<int:pk>/own-link/", person_views.link_issue, name="own_link"),
    path("complaints/", person_views.complaint_list, name="complaint_list"),
    path("complaints/<int:pk>/", person_views.complaint_detail, name="complaint_detail"),
]
