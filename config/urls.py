from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("", include("aksalarasa.core.urls")),
    path("accounts/", include("aksalarasa.accounts.urls")),
    path("offices/", include("aksalarasa.offices.urls")),
    path("audit/", include("aksalarasa.audit.urls")),
    path("clients/", include("aksalarasa.clients.urls")),
    path("guidance/", include("aksalarasa.guidance.urls")),
    path("partners/", include("aksalarasa.partners.urls")),
    path("programs/", include("aksalarasa.programs.urls")),
    path("sentences/", include("aksalarasa.sentences.urls")),
    path("events/", include("aksalarasa.events.urls")),
    path("evidence/", include("aksalarasa.evidence.urls")),
    path("dashboards/", include("aksalarasa.dashboards.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]
