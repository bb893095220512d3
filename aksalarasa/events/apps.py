from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "aksalarasa.events"
    label = "events"
