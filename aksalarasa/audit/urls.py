from django.urls import path

from aksalarasa.audit import views

app_name = "audit"
urlpatterns = [path("access/", views.access_log, name="access_log")]
