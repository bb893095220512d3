"""The site supervisor's phone app and the PK's side of it (added to sentences/urls.py)."""

from django.urls import path

from aksalarasa.sentences.supervisor import views

urlpatterns = [
    path("supervisor/", views.app, name="supervisor_app"),
    path("supervisor/sw.js", views.service_worker, name="supervisor_sw"),
    path("supervisor/manifest.webmanifest", views.manifest, name="supervisor_manifest"),
    path("<int:pk>/pin/", views.pin_issue, name="pin_issue"),
    path("visits/<int:pk>/decide/", views.visit_decide, name="visit_decide"),
    path("visits/<int:pk>/photo/", views.visit_photo, name="visit_photo"),
]
