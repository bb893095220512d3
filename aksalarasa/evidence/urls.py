from django.urls import path

from aksalarasa.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.home, name="home"),
    path("instruments/", views.instrument_list, name="instruments"),
    path("instruments/<int:pk>/new-version/", views.instrument_new_version, name="new_version"),
    path("versions/<int:pk>/", views.instrument_version_detail, name="version"),
    path("versions/<int:pk>/items/new/", views.item_add, name="item_add"),
    path("versions/<int:pk>/publish/", views.version_publish, name="publish"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("programs/<int:pk>/", views.program_surveys, name="program"),
    path("programs/<int:pk>/analysis/", views.program_analysis, name="analysis"),
    path("programs/<int:pk>/report.pdf", views.program_report, {"fmt": "pdf"}, name="report_pdf"),
    path("programs/<int:pk>/export.xlsx", views.program_export, name="export_xlsx"),
    path("programs/<int:pk>/report.docx", views.program_report, {"fmt": "docx"}, name="report_docx"),
    path("administrations/<int:pk>/", views.administration_detail, name="administration"),
    path("administrations/<int:pk>/open/", views.administration_toggle, name="toggle"),
    path("administrations/<int:pk>/enter/", views.administration_enter, name="enter"),
    path("administrations/<int:pk>/qr.svg", views.administration_qr, name="qr"),
    path("s/<str:token>/", views.public_form, name="public"),
    path("s/<str:token>/thanks/<int:pk>/", views.public_thanks, name="public_thanks"),
]
