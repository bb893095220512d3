from django.urls import path

from aksalarasa.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.password_change, name="password_change"),
    path("2fa/", views.second_factor_setup, name="second_factor_setup"),
    path("2fa/recovery-codes/", views.recovery_codes_new, name="recovery_codes_new"),
    path("2fa/disable/", views.second_factor_disable, name="second_factor_disable"),
    path("tokens/", views.api_token_create, name="api_token_create"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/reset-password/", views.staff_reset_password, name="staff_reset_password"),
]
