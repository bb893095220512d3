from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "aksalarasa.partners"
    label = "partners"
