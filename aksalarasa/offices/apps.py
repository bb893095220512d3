from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "aksalarasa.offices"
    label = "offices"
    verbose_name = "Offices"
