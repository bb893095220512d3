from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "aksalarasa.clients"
    label = "clients"
