from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "aksalarasa.accounts"
    label = "accounts"
