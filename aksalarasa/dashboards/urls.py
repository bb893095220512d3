from django.urls import path

from aksalarasa.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("office/", views.office, name="office"),
    path("aggregates/", views.aggregate, name="aggregate"),
    path("sentences/", views.sentence_figures, name="sentences"),
]
