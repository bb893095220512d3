from django.urls import path

from aksalarasa.clients import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("export.<str:fmt>", views.client_list_export, name="export"),
    path("new/", views.client_create, name="create"),
    path("counts/", views.client_counts, name="counts"),
    path("breaches/", views.breach_register, name="breaches"),
    path("import/", views.client_import, name="import"),
    path("import/progress/<str:token>/", views.client_import_progress, name="import_progress"),
    path("import/<str:kind>/template.<str:fmt>", views.client_import_template, name="import_template"),
    path("litmas/", views.litmas_list, name="litmas_list"),
    path("litmas/<int:pk>/submit/", views.litmas_submit, name="litmas_submit"),
    path("litmas/<int:pk>/document/", views.litmas_document, name="litmas_document"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/edit/", views.client_edit, name="edit"),
    path("<int:pk>/photo/", views.client_photo, name="photo"),
    path("<int:pk>/photo/edit/", views.client_photo_edit, name="photo_edit"),
    path("<int:pk>/reassign/", views.client_reassign, name="reassign"),
    path("<int:pk>/supervisions/new/", views.supervision_form, name="supervision_create"),
    path("<int:pk>/supervisions/<int:supervision_pk>/edit/", views.supervision_form, name="supervision_edit"),
    path("<int:pk>/litmas/new/", views.litmas_create, name="litmas_create"),
    path("<int:pk>/no-contacts/", views.no_contact_add, name="no_contact_add"),
    path("<int:pk>/no-contacts/<int:entry_pk>/remove/", views.no_contact_remove, name="no_contact_remove"),
    path("<int:pk>/data.<str:fmt>", views.client_subject_export, name="subject_export"),
]
