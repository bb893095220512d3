from django.urls import path

from aksalarasa.offices import views

app_name = "offices"
urlpatterns = [
    path("", views.office_list, name="list"),
    path("<int:pk>/", views.office_detail, name="detail"),
    path("<int:pk>/edit/", views.office_edit, name="edit"),
    path("regions/children/", views.region_children, name="region_children"),
    path("regions/search/", views.region_search, name="region_search"),
]
