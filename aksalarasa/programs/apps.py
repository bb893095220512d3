from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "aksalarasa.programs"
    label = "programs"
